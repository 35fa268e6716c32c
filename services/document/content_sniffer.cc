#include "services/document/content_sniffer.h"

#include <magic.h>

#include <utility>
#include <vector>

namespace clinic {
namespace {

// Printable UTF-8 (tabs and line breaks allowed): libmagic gives up on very
// short texts ("application/octet-stream" for a one-byte file).
bool LooksLikeText(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ||
          c == 0x7f) {
        return false;
      }
      ++i;
      continue;
    }
    size_t len = (c & 0xe0) == 0xc0   ? 2
                 : (c & 0xf0) == 0xe0 ? 3
                 : (c & 0xf8) == 0xf0 ? 4
                                      : 0;
    if (len == 0) return false;
    // A sequence cut by the end of the sniffed head is not evidence of binary.
    if (i + len > s.size()) return s.size() >= ContentSniffer::kSniffBytes;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ContentSniffer>> ContentSniffer::Create() {
  magic_t magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS);
  if (magic == nullptr) {
    return absl::InternalError("libmagic could not be initialised");
  }
  if (magic_load(magic, nullptr) != 0) {
    magic_close(magic);
    return absl::InternalError(
        "libmagic's database could not be loaded (is libmagic-mgc "
        "installed?)");
  }
  return std::unique_ptr<ContentSniffer>(new ContentSniffer(magic));
}

ContentSniffer::~ContentSniffer() { magic_close(magic_); }

absl::StatusOr<std::string> ContentSniffer::Detect(absl::string_view head) {
  if (head.size() > kSniffBytes) head = head.substr(0, kSniffBytes);
  absl::MutexLock lock(&mu_);
  const char* type = magic_buffer(magic_, head.data(), head.size());
  if (type == nullptr) {
    return absl::InternalError("libmagic could not classify the content");
  }
  std::string detected(type);
  if (detected == "application/octet-stream" && LooksLikeText(head)) {
    return std::string("text/plain");
  }
  return detected;
}

bool ContentSniffer::Agrees(absl::string_view declared,
                            absl::string_view detected) {
  if (declared == detected) return true;
  static const auto* const kAliases =
      new std::vector<std::pair<absl::string_view, absl::string_view>>{
          {"application/"
           "vnd.openxmlformats-officedocument.wordprocessingml.document",
           "application/zip"},
          {"application/vnd.oasis.opendocument.text", "application/zip"},
          {"image/heic", "image/heif"},
          {"audio/mp4", "audio/x-m4a"},
          {"audio/mp4", "video/mp4"},
          {"audio/ogg", "application/ogg"},
          {"audio/ogg", "audio/x-vorbis+ogg"},
          {"audio/mpeg", "audio/x-mp3"},
          // libmagic calls prose "text/csv" when every line has the same
          // number of commas (a short letter can); either way it is plain
          // text.
          {"text/plain", "text/csv"},
          {"text/csv", "text/plain"},
      };
  for (const auto& alias : *kAliases) {
    if (alias.first == declared && alias.second == detected) return true;
  }
  return false;
}

}  // namespace clinic
