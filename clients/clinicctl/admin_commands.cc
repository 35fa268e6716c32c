// Administrators' operations: `admin status`, `backup create`, `retention
// sweep`. The archive a backup writes is already encrypted by the server; it is
// written to a temporary file beside the target and renamed only when complete.
#include <cstdio>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/proto_time.h"
#include "base/status_macros.h"
#include "clients/clinicctl/call.h"
#include "clients/clinicctl/command_context.h"
#include "clients/clinicctl/commands.h"
#include "clients/clinicctl/format.h"
#include "clients/clinicctl/terminal.h"
#include "clinic/v1/admin.grpc.pb.h"
#include "storage/file_util.h"

namespace clinic {
namespace cli {
namespace {

constexpr char kFeature[] = "administration";

std::string MiB(int64_t bytes) {
  return absl::StrFormat("%.1f MiB", bytes / (1024.0 * 1024.0));
}

int Status(CommandContext& ctx) {
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    v1::AdminService::Stub stub(client.ChannelFor("admin"));
    v1::ServerStatus status;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(CallStatus(
        stub.GetServerStatus(call.get(), v1::GetServerStatusRequest(), &status),
        kFeature));
    if (ctx.options().json) {
      ctx.PrintJson(status);
      return absl::OkStatus();
    }
    std::printf(
        "Server %s, up %s; %lld calls served, %lld failed\n",
        status.version().c_str(),
        absl::FormatDuration(
            absl::Trunc(FromProtoDuration(status.uptime()), absl::Seconds(1)))
            .c_str(),
        static_cast<long long>(status.rpcs_served()),
        static_cast<long long>(status.rpcs_failed()));
    std::printf("Audit: %lld events, %lld waiting to be written\n",
                static_cast<long long>(status.audit_chain_length()),
                static_cast<long long>(status.audit_queue_depth()));
    std::printf("Documents: %lld blobs, %s\n",
                static_cast<long long>(status.blob_count()),
                MiB(status.blob_store_bytes()).c_str());
    Table services({"SERVICE", "SERVING", "DATABASE", "SCHEMA"});
    for (const v1::ServiceStatus& s : status.services()) {
      services.AddRow({s.service(), s.serving() ? "yes" : "NO",
                       MiB(s.database_bytes()),
                       absl::StrCat(s.schema_version())});
    }
    services.Print();
    if (!status.rpcs().empty()) {
      Table rpcs({"METHOD", "CALLS", "ERRORS", "P50 MS", "P99 MS"});
      for (const v1::RpcStats& r : status.rpcs()) {
        int64_t errors = 0;
        for (const auto& [code, n] : r.errors()) errors += n;
        rpcs.AddRow({r.method(), absl::StrCat(r.calls()), absl::StrCat(errors),
                     absl::StrFormat("%.1f", r.p50_ms()),
                     absl::StrFormat("%.1f", r.p99_ms())});
      }
      rpcs.Print();
    }
    return absl::OkStatus();
  });
}

int CreateBackup(CommandContext& ctx, const std::string& output) {
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    v1::AdminService::Stub stub(client.ChannelFor("admin"));
    // A backup runs as long as it needs to.
    auto call = client.NewContext(absl::Hours(24));
    auto reader = stub.CreateBackup(call.get(), v1::CreateBackupRequest());
    const std::string partial = absl::StrCat(output, ".partial");
    FILE* out = std::fopen(partial.c_str(), "wbx");
    if (out == nullptr) {
      reader->Finish().ok();
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot create ", partial,
          " (it may be left from an interrupted backup: remove it)"));
    }
    Progress progress("Backing up", 0);
    v1::CreateBackupResponse part;
    v1::BackupManifest manifest;
    bool written = true;
    while (reader->Read(&part)) {
      if (part.has_manifest()) manifest = part.manifest();
      const std::string& chunk = part.archive_chunk();
      if (!chunk.empty() &&
          std::fwrite(chunk.data(), 1, chunk.size(), out) != chunk.size()) {
        written = false;
        call->TryCancel();
      }
      progress.Update(part.bytes_done());
    }
    const bool flushed = std::fflush(out) == 0 && ::fsync(fileno(out)) == 0;
    std::fclose(out);
    absl::Status finished = CallStatus(reader->Finish(), kFeature);
    if (!finished.ok() || !written || !flushed) {
      ::unlink(partial.c_str());
      if (!finished.ok()) return finished;
      return absl::ResourceExhaustedError(
          absl::StrCat("cannot write ", output, ": is the disk full?"));
    }
    if (::rename(partial.c_str(), output.c_str()) != 0) {
      ::unlink(partial.c_str());
      return absl::InternalError(absl::StrCat("cannot rename to ", output));
    }
    progress.Finish();
    if (ctx.options().json) {
      ctx.PrintJson(manifest);
    } else {
      int64_t bytes = 0;
      for (const v1::BackupFile& f : manifest.files()) bytes += f.size_bytes();
      std::printf(
          "Backup written to %s: %d files, %s, audit log up to event "
          "%lld. The archive is encrypted; keep it apart from the "
          "server.\n",
          output.c_str(), manifest.files_size(), MiB(bytes).c_str(),
          static_cast<long long>(manifest.audit_sequence()));
    }
    return absl::OkStatus();
  });
}

struct SweepArgs {
  bool dry_run = false;
  std::string as_of;
};

int Sweep(CommandContext& ctx, const SweepArgs& args) {
  v1::RunRetentionSweepRequest request;
  request.set_dry_run(args.dry_run);
  if (!args.as_of.empty()) {
    absl::StatusOr<v1::Date> as_of = ParseDate("--as-of", args.as_of);
    if (!as_of.ok()) return UsageError(as_of.status());
    *request.mutable_as_of() = *as_of;
  }
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    v1::AdminService::Stub stub(client.ChannelFor("admin"));
    v1::RunRetentionSweepResponse response;
    auto call = client.NewContext(absl::Minutes(30));
    CLINIC_RETURN_IF_ERROR(CallStatus(
        stub.RunRetentionSweep(call.get(), request, &response), kFeature));
    if (ctx.options().json) {
      ctx.PrintJson(response);
      return absl::OkStatus();
    }
    std::printf(
        "%s %d case(s) past their retention period%s\n",
        response.dry_run() ? "Would destroy" : "Destroyed",
        response.destroyed_size(),
        response.held().empty()
            ? ""
            : absl::StrCat("; ", response.held_size(), " kept under legal hold")
                  .c_str());
    if (!response.destroyed().empty()) {
      Table table({"CASE", "NUMBER", "CLASS", "CLOSED", "DESTROY AFTER",
                   "DOCUMENTS", "CLIENTS"});
      for (const v1::RetentionAction& a : response.destroyed()) {
        table.AddRow({a.case_(), a.case_number(), a.retention_class(),
                      FormatDate(a.close_date()), FormatDate(a.destroy_after()),
                      absl::StrCat(a.documents()), absl::StrCat(a.clients())});
      }
      table.Print();
    }
    return absl::OkStatus();
  });
}

}  // namespace

void RegisterAdminCommands(CLI::App& app, CommandContext& ctx, int& exit_code) {
  CLI::App* admin =
      app.add_subcommand("admin", "Server health and figures (administrators)");
  admin->require_subcommand(1);
  CLI::App* status = admin->add_subcommand(
      "status",
      "Services, database and document store sizes, audit queue, per-RPC "
      "counters and latency");
  status->footer(
      "Examples:\n  clinicctl admin status\n  clinicctl admin "
      "status --json\n");
  status->callback([&ctx, &exit_code] { exit_code = Status(ctx); });

  CLI::App* backup = app.add_subcommand(
      "backup", "Encrypted backups of the whole server (administrators)");
  backup->require_subcommand(1);
  auto output = std::make_shared<std::string>();
  CLI::App* create = backup->add_subcommand(
      "create", "Take a consistent backup while the server keeps serving");
  create->add_option("-o,--output", *output, "The archive to write")
      ->required();
  create->footer(
      "The archive is encrypted and signed by the server; it is written to\n"
      "FILE.partial and renamed when complete.\n"
      "Example:\n  clinicctl backup create -o clinic-2026-11-23.backup\n");
  create->callback(
      [&ctx, &exit_code, output] { exit_code = CreateBackup(ctx, *output); });

  CLI::App* retention = app.add_subcommand(
      "retention", "Destroy closed cases past their retention period");
  retention->require_subcommand(1);
  auto sweep_args = std::make_shared<SweepArgs>();
  CLI::App* sweep = retention->add_subcommand(
      "sweep",
      "Crypto-shred the documents and erase the client data of expired cases");
  sweep->add_flag("--dry-run", sweep_args->dry_run,
                  "List what would be destroyed; destroy nothing");
  sweep->add_option("--as-of", sweep_args->as_of,
                    "Judge expiry as of this date (default today; a later "
                    "date only with --dry-run, to preview)");
  sweep->footer(
      "Cases under legal hold are kept. Run with --dry-run first. The\n"
      "server also sweeps on its own every retention.sweep_interval (default\n"
      "daily). What remains of a destroyed case is its audit record.\n"
      "Examples:\n  clinicctl retention sweep --dry-run\n"
      "  clinicctl retention sweep\n");
  sweep->callback(
      [&ctx, &exit_code, sweep_args] { exit_code = Sweep(ctx, *sweep_args); });
}

}  // namespace cli
}  // namespace clinic
