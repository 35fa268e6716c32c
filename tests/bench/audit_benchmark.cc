// Audited-RPC throughput with group commit, against the same RPC with auditing
// off, in one run. The RPC is AuthService.GetUser as an administrator: token
// verification, access table, a database read and (when on) a durable audit
// append, over TLS on loopback.
//
//   bazel run --config=opt //tests/bench:audit_benchmark -- [seconds per run,
//   default 5]
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clinic/v1/auth.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "services/audit/audit_service.h"
#include "services/auth/auth_service.h"
#include "services/common/tls.h"
#include "storage/file_util.h"
#include "tests/bench/load.h"
#include "tests/testing/test_server.h"

namespace clinic {
namespace {

struct Run {
  std::unique_ptr<testing::TestServer> server;
  std::vector<std::unique_ptr<v1::AuthService::Stub>> stubs;
};

Run Start(bool audit, int channels) {
  testing::TestServer::Options options;
  options.services = {AuditServiceDefinition(), AuthServiceDefinition()};
  options.audit_enabled = audit;
  auto server = testing::TestServer::Start(std::move(options));
  if (!server.ok()) {
    std::fprintf(stderr, "cannot start server: %s\n",
                 server.status().ToString().c_str());
    std::exit(1);
  }
  Run run{*std::move(server), {}};
  std::string ca = *storage::ReadFile(run.server->data_dir() + "/tls/ca.crt");
  for (int i = 0; i < channels; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("clinic.bench.channel",
                i);  // distinct channels, distinct connections
    run.stubs.push_back(
        std::make_unique<v1::AuthService::Stub>(grpc::CreateCustomChannel(
            run.server->address(), MakeChannelCredentials(ca, nullptr), args)));
  }
  return run;
}

bench::LoadResult Measure(Run& run, int concurrency, absl::Duration duration) {
  const std::string token = run.server->admin_token();
  v1::GetUserRequest request;
  request.set_name("users/admin");
  return bench::RunLoad(concurrency, duration, [&](int worker) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    v1::User user;
    return run.stubs[worker % run.stubs.size()]
        ->GetUser(&ctx, request, &user)
        .ok();
  });
}

}  // namespace
}  // namespace clinic

int main(int argc, char** argv) {
  using namespace clinic;  // NOLINT
  bench::ActLikeServerBinaries();
  absl::Duration duration = absl::Seconds(argc > 1 ? std::atoi(argv[1]) : 5);
  std::printf(
      "Audited RPC (AuthService.GetUser over TLS, loopback), %s per run\n",
      absl::FormatDuration(duration).c_str());
  for (int concurrency : {1, 8, 32}) {
    Run off = Start(false, std::min(concurrency, 8));
    bench::LoadResult plain = Measure(off, concurrency, duration);
    off.server.reset();
    Run on = Start(true, std::min(concurrency, 8));
    bench::LoadResult audited = Measure(on, concurrency, duration);
    std::printf(
        "concurrency %d\n%s\n%s\n", concurrency,
        bench::Format("auditing off", plain).c_str(),
        bench::Format("audited (group commit, fsync)", audited).c_str());
    std::printf("  ratio audited/off: throughput %.2f, p99 %.2fx\n",
                audited.per_second / plain.per_second,
                audited.p99_ms / plain.p99_ms);
  }
  std::printf("peak RSS %.0f MiB\n", bench::PeakRssMiB());
  return 0;
}
