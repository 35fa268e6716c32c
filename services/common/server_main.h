// The command line shared by `clinicd` and every single-service server binary.
//
//   <program> init  [--data_dir DIR] [--tls_san NAME]...
//       Creates the data directory (master key, TLS material, databases) if
//       missing parts.
//   <program> serve [--data_dir DIR] [--config FILE] [--listen HOST:PORT]
//   [--services a,b]
//                   [--peer SERVICE=HOST:PORT]... [--reflection]
//                   [--require_client_cert]
//                   [--dev_plaintext] [--port_file FILE] [--log_level LEVEL]
//       Serves until SIGINT or SIGTERM, then shuts down gracefully.
//
// Flags override the config file, which overrides defaults.
#ifndef CLINIC_SERVICES_COMMON_SERVER_MAIN_H_
#define CLINIC_SERVICES_COMMON_SERVER_MAIN_H_

#include <string>
#include <vector>

#include "services/common/server_host.h"
#include "services/common/service.h"

namespace clinic {

struct ServerProgram {
  // Binary name for help and logs, e.g. "clinicd", "intake_server".
  std::string name;
  // One line for --help.
  std::string description;
  // The services this binary can host (all of them for clinicd).
  std::vector<ServiceDefinition> services;
  // Builds the interceptors every call passes through (see
  // ServerHost::Options).
  std::function<absl::StatusOr<ServerHost::InterceptorFactories>(
      ServiceContext&)>
      interceptors;
};

// Runs the program; returns the process exit code.
int RunServerMain(int argc, char** argv, const ServerProgram& program);

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_SERVER_MAIN_H_
