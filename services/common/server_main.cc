#include "services/common/server_main.h"

#include <signal.h>

#include <cstdio>
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "base/log.h"
#include "base/memory_policy.h"
#include "base/status_macros.h"
#include "grpc/support/log.h"
#include "services/common/config.h"
#include "services/common/data_dir.h"
#include "storage/file_util.h"

namespace clinic {
namespace {

struct ServeFlags {
  std::string data_dir;
  std::string config_file;
  std::string listen;
  std::string services;
  std::vector<std::string> peers;
  bool reflection = false;
  bool require_client_cert = false;
  bool dev_plaintext = false;
  std::string port_file;
  std::string log_level;
};

absl::StatusOr<v1::ServerConfig> BuildConfig(const ServeFlags& flags,
                                             const ServerProgram& program) {
  v1::ServerConfig config;
  if (!flags.config_file.empty()) {
    CLINIC_ASSIGN_OR_RETURN(config, LoadConfigFile(flags.config_file));
  }
  if (!flags.data_dir.empty()) config.set_data_dir(flags.data_dir);
  if (!flags.listen.empty()) config.set_listen_address(flags.listen);
  if (!flags.services.empty()) {
    config.clear_services();
    for (absl::string_view s :
         absl::StrSplit(flags.services, ',', absl::SkipEmpty())) {
      config.add_services(std::string(s));
    }
  }
  for (const std::string& peer : flags.peers) {
    std::vector<std::string> parts =
        absl::StrSplit(peer, absl::MaxSplits('=', 1));
    if (parts.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("--peer \"", peer, "\" must be SERVICE=HOST:PORT"));
    }
    v1::PeerConfig* p = config.add_peers();
    p->set_service(parts[0]);
    p->set_address(parts[1]);
  }
  if (flags.reflection) config.set_reflection(true);
  if (flags.require_client_cert)
    config.mutable_tls()->set_require_client_certificate(true);
  if (flags.dev_plaintext) config.mutable_tls()->set_dev_plaintext(true);
  if (!flags.log_level.empty()) config.set_log_level(flags.log_level);
  // A single-service binary hosts its one service unless told otherwise.
  if (config.services().empty()) {
    for (const ServiceDefinition& def : program.services)
      config.add_services(def.name);
  }
  ApplyConfigDefaults(&config);
  CLINIC_RETURN_IF_ERROR(ValidateConfig(config));
  for (const std::string& name : config.services()) {
    bool known = false;
    for (const ServiceDefinition& def : program.services)
      known |= def.name == name;
    if (!known) {
      return absl::InvalidArgumentError(absl::StrCat(
          "services: ", program.name, " cannot host \"", name, "\""));
    }
  }
  log::Level level;
  if (!log::ParseLevel(config.log_level(), &level)) {
    return absl::InvalidArgumentError(
        absl::StrCat("log_level \"", config.log_level(),
                     "\" must be debug, info, warning or error"));
  }
  log::SetMinLevel(level);
  return config;
}

// gRPC's own diagnostics, as structured lines like every other log line.
void GrpcLogToStructuredLog(gpr_log_func_args* args) {
  log::Level level =
      args->severity == GPR_LOG_SEVERITY_ERROR  ? log::Level::kWarning
      : args->severity == GPR_LOG_SEVERITY_INFO ? log::Level::kInfo
                                                : log::Level::kDebug;
  log::Write(level, args->message,
             {{"component", "grpc"},
              {"source", absl::StrCat(args->file, ":", args->line)}});
}

int Fail(const absl::Status& status) {
  log::Error(status.message(),
             {{"code", absl::StatusCodeToString(status.code())}});
  std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
  return 1;
}

int Serve(const ServeFlags& flags, const ServerProgram& program) {
  UseServerMemoryPolicy();
  // Block the shutdown signals in every thread (gRPC's threads inherit the
  // mask), so that only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  absl::StatusOr<v1::ServerConfig> config = BuildConfig(flags, program);
  if (!config.ok()) return Fail(config.status());

  ServerHost::Options options;
  options.config = *config;
  options.interceptors = program.interceptors;
  for (const std::string& name : config->services()) {
    for (const ServiceDefinition& def : program.services) {
      if (def.name == name) options.services.push_back(def);
    }
  }
  absl::StatusOr<std::unique_ptr<ServerHost>> host =
      ServerHost::Start(std::move(options));
  if (!host.ok()) return Fail(host.status());

  std::string address = config->listen_address();
  std::string bound =
      absl::StrCat(address.substr(0, address.rfind(':')), ":", (*host)->port());
  if (!flags.port_file.empty()) {
    absl::Status written = storage::WriteFileAtomically(
        flags.port_file, absl::StrCat((*host)->port(), "\n"), 0644);
    if (!written.ok()) return Fail(written);
  }
  std::string service_list;
  for (const std::string& s : config->services()) {
    absl::StrAppend(&service_list, service_list.empty() ? "" : ",", s);
  }
  log::Info("listening",
            {{"program", program.name},
             {"addr", bound},
             {"services", service_list},
             {"tls", config->tls().dev_plaintext() ? "off (development)"
                     : config->tls().require_client_certificate() ? "mutual"
                                                                  : "on"}});

  int received = 0;
  sigwait(&signals, &received);
  log::Info("shutting down",
            {{"signal", received == SIGINT ? "SIGINT" : "SIGTERM"}});
  (*host)->Shutdown(absl::Seconds(10));
  host->reset();
  log::Info("stopped", {{"program", program.name}});
  return 0;
}

int Init(const std::string& data_dir, const std::vector<std::string>& sans,
         const std::string& ca_from, const ServerProgram& program) {
  DataDir dir(data_dir);
  bool existed = storage::PathExists(dir.master_key());
  absl::Status status = dir.Initialize(sans, ca_from);
  if (!status.ok()) return Fail(status);

  v1::ServerConfig config;
  config.set_data_dir(data_dir);
  ApplyConfigDefaults(&config);
  absl::StatusOr<std::unique_ptr<ServiceContext>> context =
      NewOfflineServiceContext(config, Clock::Real());
  if (!context.ok()) return Fail(context.status());
  std::string notes;
  for (const ServiceDefinition& def : program.services) {
    if (def.initialize) {
      status = def.initialize(**context, &notes);
    } else {
      status = def.create(**context).status();
    }
    if (!status.ok()) {
      return Fail(absl::Status(status.code(),
                               absl::StrCat("initialising the ", def.name,
                                            " service: ", status.message())));
    }
  }
  std::printf("%s data directory %s\n", existed ? "Checked" : "Created",
              data_dir.c_str());
  std::printf("  clients need the CA certificate: %s/tls/ca.crt\n",
              data_dir.c_str());
  // Operator notes may hold a one-time password: printed here once, never
  // logged.
  if (!notes.empty()) std::printf("%s", notes.c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace

int RunServerMain(int argc, char** argv, const ServerProgram& program) {
  CLI::App app{program.description, program.name};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");

  std::string init_dir = "./data";
  std::vector<std::string> sans;
  CLI::App* init = app.add_subcommand(
      "init",
      "Create the data directory: master key, TLS certificates, databases");
  init->add_option("--data_dir", init_dir, "Data directory")
      ->capture_default_str();
  init->add_option(
      "--tls_san", sans,
      "Extra DNS name or IP address for the server certificate (repeatable)");
  std::string ca_from;
  init->add_option("--ca_from", ca_from,
                   "Split deployment: issue this directory's certificates "
                   "with the CA in another data directory's tls/ folder");
  init->footer("Examples:\n  " + program.name +
               " init --data_dir /var/lib/clinic\n  " + program.name +
               " init --data_dir /var/lib/clinic-intake --ca_from "
               "/var/lib/clinic-auth/tls\n");

  ServeFlags flags;
  CLI::App* serve =
      app.add_subcommand("serve", "Serve until SIGINT or SIGTERM");
  serve->add_option("--data_dir", flags.data_dir,
                    "Data directory (default ./data)");
  serve->add_option(
      "--config", flags.config_file,
      "Server configuration (clinic.v1.ServerConfig, protobuf text format)");
  serve->add_option("--listen", flags.listen,
                    "host:port (default 127.0.0.1:7443; port 0 = any)");
  serve->add_option(
      "--services", flags.services,
      "Comma-separated services to host (default: all this binary has)");
  serve->add_option(
      "--peer", flags.peers,
      "Where another service runs: SERVICE=HOST:PORT (repeatable)");
  serve->add_flag("--reflection", flags.reflection,
                  "Serve gRPC server reflection");
  serve->add_flag(
      "--require_client_cert", flags.require_client_cert,
      "Mutual TLS: require client certificates signed by the clinic CA");
  serve->add_flag(
      "--dev_plaintext", flags.dev_plaintext,
      "DEVELOPMENT ONLY: no TLS; refused unless listening on loopback");
  serve->add_option("--port_file", flags.port_file,
                    "Write the bound port to this file");
  serve->add_option("--log_level", flags.log_level,
                    "debug, info, warning or error");
  serve->footer("Examples:\n  " + program.name +
                " serve --data_dir ./data\n  " + program.name +
                " serve --listen 0.0.0.0:7443 --require_client_cert\n");

  CLI11_PARSE(app, argc, argv);
  gpr_set_log_function(GrpcLogToStructuredLog);
  // Debian's Abseil is built with mutex deadlock detection on; it costs every
  // lock a graph lookup. Tests keep it (they link their own main).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (init->parsed()) return Init(init_dir, sans, ca_from, program);
  return Serve(flags, program);
}

}  // namespace clinic
