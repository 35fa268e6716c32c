#include "services/audit/export_verifier.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "services/audit/audit_chain.h"
#include "storage/crypto/ed25519.h"
#include "storage/crypto/sha256.h"

namespace clinic {
namespace audit {
namespace {

constexpr absl::string_view kManifestPrefix = "{\"manifest\":";

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options)
           .ok()) {
    return "{}";
  }
  return json;
}

}  // namespace

std::string EventToJsonLine(const v1::AuditEvent& event) {
  return absl::StrCat(ToJson(event), "\n");
}

std::string ManifestToJsonLine(const v1::ExportManifest& manifest) {
  return absl::StrCat(kManifestPrefix, ToJson(manifest), "}\n");
}

absl::StatusOr<ExportReport> VerifyExport(std::istream& in,
                                          const std::string& public_key) {
  ExportReport report;
  storage::Sha256Hasher content;
  std::string line;
  int64_t line_number = 0;
  bool have_manifest = false;
  bool linked =
      true;  // decided once the manifest is read; events are checked after
  std::vector<v1::AuditEvent> events;
  std::vector<int64_t> lines;
  auto fail = [&](int64_t at_line, int64_t sequence, std::string problem) {
    report.ok = false;
    report.bad_line = at_line;
    report.bad_sequence = sequence;
    report.problem = std::move(problem);
    return report;
  };
  while (std::getline(in, line)) {
    ++line_number;
    if (have_manifest) {
      if (line.empty()) continue;
      return fail(line_number, 0, "there is data after the signed manifest");
    }
    if (absl::StartsWith(line, kManifestPrefix) && absl::EndsWith(line, "}")) {
      std::string json = line.substr(kManifestPrefix.size(),
                                     line.size() - kManifestPrefix.size() - 1);
      if (!google::protobuf::util::JsonStringToMessage(json, &report.manifest)
               .ok()) {
        return fail(line_number, 0, "the manifest line cannot be read");
      }
      have_manifest = true;
      continue;
    }
    content.Update(line);
    content.Update("\n");
    v1::AuditEvent event;
    if (!google::protobuf::util::JsonStringToMessage(line, &event).ok()) {
      return fail(line_number, 0, "this line is not an audit event");
    }
    events.push_back(std::move(event));
    lines.push_back(line_number);
  }
  if (in.bad()) return absl::DataLossError("the export file could not be read");
  report.events = static_cast<int64_t>(events.size());
  if (!have_manifest) {
    return fail(line_number, 0,
                "the signed manifest is missing: the export is truncated or "
                "incomplete");
  }
  const v1::ExportManifest& m = report.manifest;
  if (m.key_id() != storage::KeyId(public_key)) {
    return fail(line_number, 0,
                absl::StrCat("the manifest was signed with key ", m.key_id(),
                             ", not with the given public key ",
                             storage::KeyId(public_key)));
  }
  if (!storage::Ed25519Verify(public_key, ManifestSigningInput(m),
                              m.signature())) {
    return fail(line_number, 0,
                "the manifest's signature does not verify: it was altered");
  }
  // Each event, then the chain links (for exports of a whole time range), then
  // the totals.
  linked = m.filter().user().empty() && m.filter().case_().empty();
  ChainChecker checker(linked);
  for (size_t i = 0; i < events.size(); ++i) {
    if (!checker.Add(events[i])) {
      return fail(lines[i], checker.first_bad_sequence(), checker.problem());
    }
  }
  if (m.event_count() != report.events) {
    return fail(line_number, 0,
                absl::StrCat("the manifest lists ", m.event_count(),
                             " events but the file has ", report.events,
                             ": events were added or removed"));
  }
  if (!events.empty() && (events.front().hash() != m.first_hash() ||
                          events.back().hash() != m.last_hash() ||
                          events.front().sequence() != m.first_sequence() ||
                          events.back().sequence() != m.last_sequence())) {
    return fail(
        events.front().hash() != m.first_hash() ? lines.front() : lines.back(),
        0, "the first or last event is not the one the manifest names");
  }
  if (content.Finish() != m.content_sha256()) {
    return fail(0, 0,
                "the events do not match the signed manifest: an event was "
                "altered, added, "
                "removed or reordered");
  }
  report.ok = true;
  return report;
}

}  // namespace audit
}  // namespace clinic
