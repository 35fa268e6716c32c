// Talking to the person at the terminal: prompts, secrets read without echo,
// and progress bars that appear only when a person is watching (never in
// scripts or CI logs).
#ifndef CLINIC_CLIENTS_CLINICCTL_TERMINAL_H_
#define CLINIC_CLIENTS_CLINICCTL_TERMINAL_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace clinic {
namespace cli {

bool StdinIsTerminal();
bool StderrIsTerminal();

// Prompts on stderr and reads one line. From a terminal the typed characters
// are not echoed; otherwise (a pipe) the line is read from standard input.
// FAILED_PRECONDITION at end of input.
absl::StatusOr<std::string> ReadSecret(const std::string& prompt);
absl::StatusOr<std::string> ReadLine(const std::string& prompt);

// A one-line progress display on stderr, redrawn at most ten times a second,
// shown only when stderr is a terminal.
class Progress {
 public:
  // `total` of 0 means unknown.
  Progress(std::string label, int64_t total);
  ~Progress();
  void Update(int64_t done);
  // Prints the final figures (bytes and throughput) and ends the line.
  void Finish();

 private:
  void Draw(bool final);
  const std::string label_;
  const int64_t total_;
  const bool enabled_;
  const absl::Time start_;
  int64_t done_ = 0;
  absl::Time last_draw_ = absl::InfinitePast();
  bool finished_ = false;
};

// "12.3 MB".
std::string HumanBytes(int64_t bytes);

}  // namespace cli
}  // namespace clinic

#endif  // CLINIC_CLIENTS_CLINICCTL_TERMINAL_H_
