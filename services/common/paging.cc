#include "services/common/paging.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/common/token.h"

namespace clinic {
namespace {
constexpr absl::string_view kMagic = "pt1:";
}  // namespace

absl::StatusOr<int> EffectivePageSize(int requested, int default_size,
                                      int max_size) {
  if (requested < 0)
    return absl::InvalidArgumentError("page_size must not be negative");
  if (requested == 0) return default_size;
  return requested > max_size ? max_size : requested;
}

std::string EncodePageToken(absl::string_view last_key) {
  return Base64UrlEncode(absl::StrCat(kMagic, last_key));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token) {
  if (token.empty()) return std::string();
  std::string raw;
  if (token.size() > 1024 || !Base64UrlDecode(token, &raw) ||
      !absl::StartsWith(raw, kMagic)) {
    return absl::InvalidArgumentError(
        "page_token is not valid; pass the next_page_token of a previous "
        "response");
  }
  return raw.substr(kMagic.size());
}

}  // namespace clinic
