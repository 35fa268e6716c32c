#include "services/common/validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"

namespace clinic {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(field, " ", what));
}

// Length of the UTF-8 sequence starting with `lead`, or 0 if `lead` cannot
// start one.
int SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xe0) == 0xc0) return lead >= 0xc2 ? 2 : 0;
  if ((lead & 0xf0) == 0xe0) return 3;
  if ((lead & 0xf8) == 0xf0) return lead <= 0xf4 ? 4 : 0;
  return 0;
}

bool ValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    int n = SequenceLength(static_cast<unsigned char>(s[i]));
    if (n == 0 || i + n > s.size()) return false;
    for (int k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

size_t CodePoints(absl::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xc0) != 0x80;
  return n;
}

absl::Status ValidateText(absl::string_view field, absl::string_view text,
                          size_t min, size_t max, bool multiline) {
  if (!ValidUtf8(text)) return Invalid(field, "is not valid UTF-8 text");
  for (unsigned char c : text) {
    bool allowed_space = multiline && (c == '\n' || c == '\t' || c == '\r');
    if ((c < 0x20 && !allowed_space) || c == 0x7f) {
      return Invalid(field, "must not contain control characters");
    }
  }
  size_t n = CodePoints(text);
  if (n < min) {
    return min == 1 ? Invalid(field, "is required")
                    : Invalid(field, absl::StrCat("must be at least ", min,
                                                  " characters"));
  }
  if (n > max)
    return Invalid(field, absl::StrCat("must be at most ", max, " characters"));
  return absl::OkStatus();
}

absl::Status ValidateDate(absl::string_view field, const v1::Date& d,
                          int min_year, int max_year) {
  if (d.year() == 0 && d.month() == 0 && d.day() == 0)
    return Invalid(field, "is required");
  if (d.year() < min_year || d.year() > max_year) {
    return Invalid(field, absl::StrCat("year must be between ", min_year,
                                       " and ", max_year));
  }
  if (d.month() < 1 || d.month() > 12)
    return Invalid(field, "month must be 1 to 12");
  absl::CivilDay day(d.year(), d.month(), d.day());
  if (d.day() < 1 || day.day() != d.day() || day.month() != d.month()) {
    return Invalid(field, absl::StrFormat("is not a real date (%04d-%02d-%02d)",
                                          d.year(), d.month(), d.day()));
  }
  return absl::OkStatus();
}

absl::Status ValidatePartialDate(absl::string_view field,
                                 const v1::PartialDate& d,
                                 absl::CivilDay today) {
  if (d.year() < 1900 || d.year() > today.year()) {
    return Invalid(
        field, absl::StrCat("year must be between 1900 and ", today.year()));
  }
  if (d.month() < 0 || d.month() > 12)
    return Invalid(field, "month must be 0 (unknown) to 12");
  if (d.day() < 0 || d.day() > 31)
    return Invalid(field, "day must be 0 (unknown) to 31");
  if (d.day() != 0 && d.month() == 0)
    return Invalid(field, "has a day but no month");
  if (d.day() != 0) {
    absl::CivilDay day(d.year(), d.month(), d.day());
    if (day.day() != d.day()) return Invalid(field, "is not a real date");
    if (day > today) return Invalid(field, "is in the future");
  } else if (d.month() != 0) {
    if (absl::CivilMonth(d.year(), d.month()) > absl::CivilMonth(today)) {
      return Invalid(field, "is in the future");
    }
  }
  return absl::OkStatus();
}

absl::CivilDay ToCivilDay(const v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

v1::Date ToDate(absl::CivilDay day) {
  v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

std::string FormatDate(const v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

absl::Status ValidateUserName(absl::string_view field, absl::string_view name) {
  absl::string_view username = name;
  bool ok = absl::ConsumePrefix(&username, "users/") && username.size() >= 3 &&
            username.size() <= 32 &&
            absl::ascii_islower(static_cast<unsigned char>(username[0]));
  for (char c : username) {
    ok = ok && (absl::ascii_islower(static_cast<unsigned char>(c)) ||
                absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
                c == '.' || c == '_' || c == '-');
  }
  if (!ok) return Invalid(field, "must be a user name like \"users/lena\"");
  return absl::OkStatus();
}

absl::Status ValidateResourceName(absl::string_view field,
                                  absl::string_view name,
                                  absl::string_view collection) {
  absl::string_view id = name;
  bool ok = absl::ConsumePrefix(&id, collection) &&
            absl::ConsumePrefix(&id, "/") && !id.empty() && id.size() <= 64;
  for (char c : id) {
    ok = ok && (absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                c == '-' || c == '_');
  }
  if (!ok) {
    return Invalid(
        field, absl::StrCat("must be a name like \"", collection, "/abc123\""));
  }
  return absl::OkStatus();
}

std::string ResourceId(absl::string_view name) {
  size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name
                                                      : name.substr(slash + 1));
}

absl::Status ValidateRequestId(absl::string_view field, absl::string_view id) {
  if (id.empty()) return absl::OkStatus();
  bool ok = id.size() >= 8 && id.size() <= 64;
  for (char c : id) {
    ok = ok && (absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                c == '-' || c == '_');
  }
  if (!ok) return Invalid(field, "must be 8 to 64 letters, digits, '-' or '_'");
  return absl::OkStatus();
}

absl::CivilDay Today(absl::Time now) {
  return absl::ToCivilDay(now, absl::LocalTimeZone());
}

}  // namespace clinic
