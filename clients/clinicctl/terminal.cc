#include "clients/clinicctl/terminal.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace clinic {
namespace cli {
namespace {

absl::StatusOr<std::string> ReadLineFrom(std::istream& in) {
  std::string line;
  if (!std::getline(in, line)) {
    return absl::FailedPreconditionError("no input (end of file)");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

bool StdinIsTerminal() { return isatty(STDIN_FILENO) == 1; }
bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

absl::StatusOr<std::string> ReadLine(const std::string& prompt) {
  std::fputs(prompt.c_str(), stderr);
  std::fflush(stderr);
  return ReadLineFrom(std::cin);
}

absl::StatusOr<std::string> ReadSecret(const std::string& prompt) {
  std::fputs(prompt.c_str(), stderr);
  std::fflush(stderr);
  if (!StdinIsTerminal()) return ReadLineFrom(std::cin);
  struct termios saved;
  if (tcgetattr(STDIN_FILENO, &saved) != 0) return ReadLineFrom(std::cin);
  struct termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  absl::StatusOr<std::string> line = ReadLineFrom(std::cin);
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  return line;
}

std::string HumanBytes(int64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1000 && unit < 4) {
    value /= 1000;
    ++unit;
  }
  return unit == 0 ? absl::StrFormat("%d B", bytes)
                   : absl::StrFormat("%.1f %s", value, units[unit]);
}

Progress::Progress(std::string label, int64_t total)
    : label_(std::move(label)),
      total_(total),
      enabled_(StderrIsTerminal()),
      start_(absl::Now()) {}

Progress::~Progress() {
  if (enabled_ && !finished_ && done_ > 0) std::fputs("\n", stderr);
}

void Progress::Update(int64_t done) {
  done_ = done;
  if (!enabled_) return;
  absl::Time now = absl::Now();
  if (now - last_draw_ < absl::Milliseconds(100)) return;
  last_draw_ = now;
  Draw(false);
}

void Progress::Finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  Draw(true);
  std::fputs("\n", stderr);
}

void Progress::Draw(bool final) {
  double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
  std::string rate =
      seconds > 0.05 ? HumanBytes(static_cast<int64_t>(done_ / seconds)) + "/s"
                     : "";
  std::string line;
  if (total_ > 0) {
    int width = 30;
    int filled =
        static_cast<int>(width * std::min<double>(1.0, double(done_) / total_));
    line = absl::StrFormat("\r%s [%s%s] %3d%% %s of %s %s", label_,
                           std::string(filled, '#'),
                           std::string(width - filled, ' '),
                           static_cast<int>(100.0 * done_ / total_),
                           HumanBytes(done_), HumanBytes(total_), rate);
  } else {
    line = absl::StrFormat("\r%s %s %s", label_, HumanBytes(done_), rate);
  }
  if (final) line += absl::StrFormat(" in %.1fs", seconds);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace cli
}  // namespace clinic
