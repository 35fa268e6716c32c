// Conversions between absl::Time / absl::Duration and google.protobuf Timestamp
// / Duration, and the microsecond integers the databases store. Thread-safe (no
// state).
#ifndef CLINIC_BASE_PROTO_TIME_H_
#define CLINIC_BASE_PROTO_TIME_H_

#include <cstdint>

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace clinic {

inline google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  google::protobuf::Timestamp out;
  int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds =
      micros >= 0 ? micros / 1000000 : -((-micros + 999999) / 1000000);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>((micros - seconds * 1000000) * 1000));
  return out;
}

inline absl::Time FromProtoTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

inline absl::Duration FromProtoDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

inline google::protobuf::Duration ToProtoDuration(absl::Duration d) {
  google::protobuf::Duration out;
  int64_t nanos = absl::ToInt64Nanoseconds(d);
  out.set_seconds(nanos / 1000000000);
  out.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return out;
}

// Times are stored in databases as microseconds since the Unix epoch.
inline int64_t ToMicros(absl::Time t) { return absl::ToUnixMicros(t); }
inline absl::Time FromMicros(int64_t micros) {
  return absl::FromUnixMicros(micros);
}

}  // namespace clinic

#endif  // CLINIC_BASE_PROTO_TIME_H_
