// clinicctl audit export | verify | key | events | check
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "base/grpc_status.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "clients/clinicctl/commands.h"
#include "clients/clinicctl/terminal.h"
#include "clinic/v1/audit.grpc.pb.h"
#include "services/audit/export_verifier.h"
#include "storage/crypto/ed25519.h"
#include "storage/file_util.h"

namespace clinic {
namespace cli {
namespace {

constexpr absl::string_view kKeyHeader = "clinic-audit-key ed25519 ";

// "2026-11-01" (midnight UTC) or RFC 3339 "2026-11-01T09:30:00-05:00".
absl::StatusOr<absl::Time> ParseWhen(const std::string& flag,
                                     const std::string& text) {
  absl::Time t;
  std::string error;
  if (absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &error))
    return t;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return t;
  return absl::InvalidArgumentError(
      absl::StrCat(flag,
                   " must be a date like 2026-11-01 or a time like "
                   "2026-11-01T09:30:00-05:00"));
}

absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  absl::StatusOr<std::string> text = storage::ReadFile(path, 4096);
  if (!text.ok()) return text.status();
  absl::string_view view = absl::StripAsciiWhitespace(*text);
  std::string key;
  if (!absl::ConsumePrefix(&view, kKeyHeader) ||
      !absl::Base64Unescape(view.substr(view.find(' ') + 1), &key) ||
      key.size() != 32) {
    return absl::InvalidArgumentError(absl::StrCat(
        path,
        " is not an audit key file (get one with `clinicctl audit key`)"));
  }
  return key;
}

struct ExportArgs {
  std::string from, to, user, case_name, output;
};

int Export(CommandContext& ctx, const ExportArgs& args) {
  absl::StatusOr<absl::Time> from = ParseWhen("--from", args.from);
  if (!from.ok()) return ctx.ReportError(from.status());
  absl::StatusOr<absl::Time> to = ParseWhen("--to", args.to);
  if (!to.ok()) return ctx.ReportError(to.status());
  // A bare date for --to means "through the end of that day".
  if (args.to.size() == 10) *to += absl::Hours(24);
  absl::StatusOr<ClinicClient*> client = ctx.SignedInClient();
  if (!client.ok()) return ctx.ReportError(client.status());

  v1::ExportAuditRequest request;
  *request.mutable_start_time() = ToProtoTime(*from);
  *request.mutable_end_time() = ToProtoTime(*to);
  if (!args.user.empty()) request.set_user("users/" + args.user);
  if (!args.case_name.empty()) {
    request.set_case_(absl::StartsWith(args.case_name, "cases/")
                          ? args.case_name
                          : "cases/" + args.case_name);
  }
  // Write beside the target and rename at the end: a failed export leaves no
  // file.
  const std::string partial = args.output + ".partial";
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) {
    return ctx.ReportError(
        absl::PermissionDeniedError("cannot write " + partial));
  }
  v1::AuditService::Stub audit((*client)->ChannelFor("audit"));
  auto call = (*client)->NewContext(absl::Hours(1));
  auto reader = audit.ExportAudit(call.get(), request);
  Progress progress("Exporting audit log", 0);
  v1::ExportAuditResponse chunk;
  int64_t bytes = 0;
  v1::ExportManifest manifest;
  bool have_manifest = false;
  while (reader->Read(&chunk)) {
    if (chunk.has_manifest()) {
      manifest = chunk.manifest();
      have_manifest = true;
      out << audit::ManifestToJsonLine(manifest);
    } else {
      out << chunk.jsonl();
      bytes += static_cast<int64_t>(chunk.jsonl().size());
      progress.Update(bytes);
    }
  }
  grpc::Status status = reader->Finish();
  out.close();
  if (!status.ok() || !have_manifest || !out) {
    std::remove(partial.c_str());
    if (!status.ok()) return ctx.ReportError(FromGrpcStatus(status));
    return ctx.ReportError(
        absl::DataLossError("the export ended without its manifest"));
  }
  progress.Finish();
  if (std::rename(partial.c_str(), args.output.c_str()) != 0) {
    return ctx.ReportError(
        absl::PermissionDeniedError("cannot create " + args.output));
  }
  if (ctx.options().json) {
    ctx.PrintJson(manifest);
  } else {
    std::printf("Exported %lld events to %s (signed by audit key %s).\n",
                static_cast<long long>(manifest.event_count()),
                args.output.c_str(), manifest.key_id().c_str());
    std::printf(
        "Verify it anywhere with: clinicctl audit verify %s --key audit.key\n",
        args.output.c_str());
  }
  return kExitOk;
}

int Verify(CommandContext& ctx, const std::string& file,
           const std::string& key_file) {
  absl::StatusOr<std::string> key = ReadKeyFile(key_file);
  if (!key.ok()) return ctx.ReportError(key.status());
  std::ifstream in(file, std::ios::binary);
  if (!in) return ctx.ReportError(absl::NotFoundError("cannot read " + file));
  absl::StatusOr<audit::ExportReport> report = audit::VerifyExport(in, *key);
  if (!report.ok()) return ctx.ReportError(report.status());
  if (ctx.options().json) {
    std::string json = absl::StrCat(
        "{\"ok\":", report->ok ? "true" : "false",
        ",\"events\":", report->events, ",\"bad_line\":", report->bad_line,
        ",\"bad_sequence\":", report->bad_sequence, ",\"problem\":");
    log::AppendJsonString(report->problem, &json);
    std::printf("%s}\n", json.c_str());
  } else if (report->ok) {
    std::printf("OK: %lld events, signature and chain verified (key %s).\n",
                static_cast<long long>(report->events),
                storage::KeyId(*key).c_str());
  } else {
    std::printf("NOT VERIFIED: %s", report->problem.c_str());
    if (report->bad_line > 0)
      std::printf(" (line %lld", static_cast<long long>(report->bad_line));
    if (report->bad_sequence > 0) {
      std::printf(", event %lld", static_cast<long long>(report->bad_sequence));
    }
    std::printf("%s\n", report->bad_line > 0 ? ")" : "");
  }
  return report->ok ? kExitOk : kExitFailed;
}

int SaveKey(CommandContext& ctx, const std::string& output) {
  absl::StatusOr<ClinicClient*> client = ctx.Client();
  if (!client.ok()) return ctx.ReportError(client.status());
  v1::AuditService::Stub audit((*client)->ChannelFor("audit"));
  v1::GetAuditPublicKeyResponse key;
  auto call = (*client)->NewContext();
  grpc::Status status = audit.GetAuditPublicKey(call.get(), {}, &key);
  if (!status.ok()) return ctx.ReportError(FromGrpcStatus(status));
  std::string text = absl::StrCat(kKeyHeader, key.key_id(), " ",
                                  absl::Base64Escape(key.public_key()), "\n");
  absl::Status written = storage::WriteFileAtomically(output, text, 0644);
  if (!written.ok()) return ctx.ReportError(written);
  std::printf(
      "Saved the audit public key %s to %s. Keep it apart from the server: it "
      "is\n"
      "what proves an export was not altered.\n",
      key.key_id().c_str(), output.c_str());
  return kExitOk;
}

}  // namespace

void RegisterAuditCommands(CLI::App& app, CommandContext& ctx, int& exit_code) {
  CLI::App* audit_cmd = app.add_subcommand(
      "audit", "Export and verify the audit log (administrators)");
  audit_cmd->require_subcommand(1);

  auto args = std::make_shared<ExportArgs>();
  CLI::App* export_cmd = audit_cmd->add_subcommand(
      "export", "Write audit events to a signed JSON Lines file");
  export_cmd->add_option("--from", args->from, "Start date or time")
      ->required();
  export_cmd
      ->add_option("--to", args->to, "End date (inclusive) or time (exclusive)")
      ->required();
  export_cmd->add_option("--user", args->user,
                         "Only this user's actions (username)");
  export_cmd->add_option("--case", args->case_name,
                         "Only events about this case");
  export_cmd->add_option("-o,--output", args->output, "File to write")
      ->required();
  export_cmd->footer(
      "Examples:\n"
      "  clinicctl audit export --from 2026-11-01 --to 2026-11-30 -o "
      "november.jsonl\n"
      "  clinicctl audit export --from 2026-01-01 --to 2026-12-31 --case "
      "cases/abc -o abc.jsonl\n");
  export_cmd->callback(
      [&ctx, &exit_code, args] { exit_code = Export(ctx, *args); });

  auto verify_file = std::make_shared<std::string>();
  auto verify_key = std::make_shared<std::string>();
  CLI::App* verify = audit_cmd->add_subcommand(
      "verify", "Check an export offline: signature, hash chain, completeness");
  verify->add_option("file", *verify_file, "The export file")->required();
  verify
      ->add_option("--key", *verify_key,
                   "The audit public key file (`audit key`)")
      ->required();
  verify->footer(
      "Names the first altered, removed, reordered or inserted event. Exit "
      "code 0 when\n"
      "the export verifies, 1 when it does not.\n"
      "Example:\n  clinicctl audit verify november.jsonl --key audit.key\n");
  verify->callback([&ctx, &exit_code, verify_file, verify_key] {
    exit_code = Verify(ctx, *verify_file, *verify_key);
  });

  auto key_output = std::make_shared<std::string>("audit.key");
  CLI::App* key =
      audit_cmd->add_subcommand("key", "Save the server's audit public key");
  key->add_option("-o,--output", *key_output, "File to write")
      ->capture_default_str();
  key->footer("Example:\n  clinicctl audit key -o audit.key\n");
  key->callback([&ctx, &exit_code, key_output] {
    exit_code = SaveKey(ctx, *key_output);
  });

  CLI::App* check = audit_cmd->add_subcommand(
      "check", "Have the server verify its whole chain and signed heads");
  check->footer("Example:\n  clinicctl audit check\n");
  check->callback([&ctx, &exit_code] {
    absl::StatusOr<ClinicClient*> client = ctx.SignedInClient();
    if (!client.ok()) {
      exit_code = ctx.ReportError(client.status());
      return;
    }
    v1::AuditService::Stub audit((*client)->ChannelFor("audit"));
    v1::VerifyChainResponse response;
    auto call = (*client)->NewContext(absl::Minutes(10));
    grpc::Status status = audit.VerifyChain(call.get(), {}, &response);
    if (!status.ok()) {
      exit_code = ctx.ReportError(FromGrpcStatus(status));
      return;
    }
    if (ctx.options().json) {
      ctx.PrintJson(response);
    } else if (response.ok()) {
      std::printf(
          "OK: %lld events verified; last signed head at event %lld.\n",
          static_cast<long long>(response.events_checked()),
          static_cast<long long>(response.last_signed_head().sequence()));
    } else {
      std::printf("BROKEN at event %lld: %s\n",
                  static_cast<long long>(response.first_bad_sequence()),
                  response.problem().c_str());
    }
    exit_code = response.ok() ? kExitOk : kExitFailed;
  });
}

}  // namespace cli
}  // namespace clinic
