// Structured one-line logs.
//
// Each call writes one JSON object on one line to stderr (or to a test sink):
//   {"time":"2026-11-23T10:00:00.123Z","level":"info","msg":"listening","addr":"127.0.0.1:7443"}
// A line is written with a single write(2), so concurrent lines never
// interleave.
//
// Never pass secrets (keys, passwords, tokens) or client data (names,
// narratives, document contents) as fields: log resource ids, counts and
// outcomes instead. Thread-safe.
#ifndef CLINIC_BASE_LOG_H_
#define CLINIC_BASE_LOG_H_

#include <functional>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace clinic {
namespace log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

using Field = std::pair<absl::string_view, std::string>;

// Lines below `level` are dropped. Default kInfo.
void SetMinLevel(Level level);

// Parses "debug", "info", "warning", "error"; false if `name` is none of them.
bool ParseLevel(absl::string_view name, Level* level);

// Replaces stderr with `sink` (nullptr restores stderr). For tests that inspect
// log lines.
void SetSinkForTesting(std::function<void(absl::string_view line)> sink);

void Write(Level level, absl::string_view message,
           std::initializer_list<Field> fields = {});

inline void Debug(absl::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kDebug, m, f);
}
inline void Info(absl::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, m, f);
}
inline void Warning(absl::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kWarning, m, f);
}
inline void Error(absl::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kError, m, f);
}

// Appends `s` to `out` as a JSON string literal (with quotes), escaping as RFC
// 8259 requires.
void AppendJsonString(absl::string_view s, std::string* out);

}  // namespace log
}  // namespace clinic

#endif  // CLINIC_BASE_LOG_H_
