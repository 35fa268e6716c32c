// Calls every RPC of every service as each role, unauthenticated, with an
// expired token, a forged token, a token signed by another key and a truncated
// token, over real TLS to every service in one server, and checks each cell
// against the intended policy written out below (independently of the server's
// access table).
#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "clinic/v1/audit.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "grpcpp/impl/codegen/sync_stream.h"
#include "gtest/gtest.h"
#include "services/clinicd/all_services.h"
#include "services/common/access_policy.h"
#include "services/common/token.h"
#include "storage/crypto/ed25519.h"
#include "tests/testing/test_server.h"

namespace clinic {
namespace {

// The intended policy. "public": anyone; "service": clinic services only;
// otherwise the roles admitted: A(dmin), L(awyer), I(ntake), "*" = any
// signed-in user.
const std::map<std::string, std::string>& IntendedPolicy() {
  static const auto* const policy = new std::map<std::string, std::string>{
      {"AuthService/Login", "public"},
      {"AuthService/RefreshToken", "public"},
      {"AuthService/Logout", "*"},
      {"AuthService/GetCurrentUser", "*"},
      {"AuthService/ChangePassword", "*"},
      {"AuthService/BeginTotpEnrollment", "*"},
      {"AuthService/ConfirmTotpEnrollment", "*"},
      {"AuthService/DisableTotp", "*"},
      {"AuthService/CreateUser", "A"},
      {"AuthService/GetUser", "*"},
      {"AuthService/ListUsers", "A"},
      {"AuthService/UpdateUser", "A"},
      {"AuthService/DisableUser", "A"},
      {"AuthService/EnableUser", "A"},
      {"AuthService/ResetPassword", "A"},
      {"AuthService/BreakGlass", "A"},
      {"AuthService/GetVerificationKeys", "public"},
      {"AuthService/WatchRevocations", "service"},
      {"IntakeService/CreateClient", "LI"},
      {"IntakeService/GetClient", "LI"},
      {"IntakeService/UpdateClient", "LI"},
      {"IntakeService/ListClients", "LI"},
      {"IntakeService/SearchClients", "LI"},
      {"IntakeService/AddFamilyLink", "LI"},
      {"IntakeService/RemoveFamilyLink", "LI"},
      {"IntakeService/CheckConflicts", "LI"},
      {"IntakeService/GetConflictCheck", "LI"},
      {"IntakeService/ListConflictChecks", "LI"},
      {"IntakeService/OpenCase", "LI"},
      {"IntakeService/GetCase", "LI"},
      {"IntakeService/ListCases", "LI"},
      {"IntakeService/UpdateCase", "ALI"},
      {"IntakeService/AssignCase", "LI"},
      {"IntakeService/TransitionCase", "L"},
      {"IntakeService/CloseCase", "L"},
      {"IntakeService/GetCaseSummary", "service"},
      {"IntakeService/ListCaseSummaries", "service"},
      {"IntakeService/EraseCase", "service"},
      {"DeadlineService/RecordEvent", "LI"},
      {"DeadlineService/ListEvents", "LI"},
      {"DeadlineService/GetDeadline", "LI"},
      {"DeadlineService/ListDeadlines", "LI"},
      {"DeadlineService/ListUpcomingDeadlines", "L"},
      {"DeadlineService/CompleteDeadline", "L"},
      {"DeadlineService/WaiveDeadline", "L"},
      {"DeadlineService/ExtendDeadline", "L"},
      {"DeadlineService/OverrideDeadline", "L"},
      {"DeadlineService/ListRules", "*"},
      {"DeadlineService/ComputeDate", "*"},
      {"DeadlineService/ListHolidays", "*"},
      {"DeadlineService/ListCalendars", "*"},
      {"DeadlineService/ReplaceRules", "A"},
      {"DeadlineService/WatchDeadlines", "L"},
      {"DeadlineService/ForgetCase", "service"},
      {"DocumentService/UploadDocument", "LI"},
      {"DocumentService/DownloadDocument", "L"},
      {"DocumentService/GetDocument", "L"},
      {"DocumentService/ListDocuments", "L"},
      {"DocumentService/DeleteDocument", "L"},
      {"DocumentService/RotateKeys", "A"},
      {"DocumentService/ShredCaseDocuments", "service"},
      {"HearingService/ScheduleHearing", "L"},
      {"HearingService/GetHearing", "L"},
      {"HearingService/ListHearings", "L"},
      {"HearingService/RescheduleHearing", "L"},
      {"HearingService/CancelHearing", "L"},
      {"HearingService/UpdateHearing", "L"},
      {"HearingService/RequestPostponement", "L"},
      {"HearingService/ResolvePostponement", "L"},
      {"HearingService/CheckAvailability", "L"},
      {"HearingService/ExportCalendar", "L"},
      {"HearingService/ForgetCase", "service"},
      {"AuditService/ListAuditEvents", "A"},
      {"AuditService/ExportAudit", "A"},
      {"AuditService/VerifyChain", "A"},
      {"AuditService/GetAuditPublicKey", "public"},
      {"AuditService/AppendAuditEvents", "service"},
      {"AdminService/GetServerStatus", "A"},
      {"AdminService/CreateBackup", "A"},
      {"AdminService/RunRetentionSweep", "A"},
  };
  return *policy;
}

constexpr const char* kProtoFiles[] = {
    "clinic/v1/auth.proto",     "clinic/v1/intake.proto",
    "clinic/v1/deadline.proto", "clinic/v1/document.proto",
    "clinic/v1/hearing.proto",  "clinic/v1/audit.proto",
    "clinic/v1/admin.proto"};

struct Method {
  std::string full;        // "/clinic.v1.AuthService/Login"
  std::string short_name;  // "AuthService/Login"
  bool client_streaming;
  bool server_streaming;
};

std::vector<Method> AllMethods() {
  std::vector<Method> methods;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* file : kProtoFiles) {
    const google::protobuf::FileDescriptor* fd = pool->FindFileByName(file);
    if (fd == nullptr) continue;
    for (int s = 0; s < fd->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = fd->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        const google::protobuf::MethodDescriptor* method = service->method(m);
        methods.push_back(
            {absl::StrCat("/", service->full_name(), "/", method->name()),
             absl::StrCat(service->name(), "/", method->name()),
             method->client_streaming(), method->server_streaming()});
      }
    }
  }
  // Logout ends the caller's session: call it last so the other cells keep
  // their tokens.
  std::stable_partition(methods.begin(), methods.end(), [](const Method& m) {
    return m.short_name != "AuthService/Logout";
  });
  return methods;
}

// Calls `method` with an empty request (or an empty stream) and returns the
// status.
grpc::StatusCode Call(const std::shared_ptr<grpc::Channel>& channel,
                      const Method& method, const std::string& token) {
  grpc::ClientContext ctx;
  ctx.set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(method.server_streaming ? 1500 : 10000));
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty,
                           1);  // zero bytes: an empty message of any type
  grpc::ByteBuffer response;
  grpc::internal::RpcMethod::RpcType type =
      method.client_streaming
          ? (method.server_streaming
                 ? grpc::internal::RpcMethod::BIDI_STREAMING
                 : grpc::internal::RpcMethod::CLIENT_STREAMING)
          : (method.server_streaming
                 ? grpc::internal::RpcMethod::SERVER_STREAMING
                 : grpc::internal::RpcMethod::NORMAL_RPC);
  grpc::internal::RpcMethod rpc(method.full.c_str(), type);
  if (type == grpc::internal::RpcMethod::NORMAL_RPC) {
    return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer,
                                             grpc::ByteBuffer>(
               channel.get(), rpc, &ctx, request, &response)
        .error_code();
  }
  if (type == grpc::internal::RpcMethod::SERVER_STREAMING) {
    std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
        grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(
            channel.get(), rpc, &ctx, request));
    while (reader->Read(&response)) {
    }
    return reader->Finish().error_code();
  }
  std::unique_ptr<grpc::ClientWriter<grpc::ByteBuffer>> writer(
      grpc::internal::ClientWriterFactory<grpc::ByteBuffer>::Create(
          channel.get(), rpc, &ctx, &response));
  writer->WritesDone();
  return writer->Finish().error_code();
}

std::string Forge(const std::string& genuine, bool other_key) {
  v1::SignedToken signed_token = *DecodeAccessToken(genuine);
  v1::AccessTokenClaims claims;
  claims.ParseFromString(signed_token.claims());
  claims.clear_roles();
  claims.add_roles(v1::ROLE_ADMIN);
  claims.add_roles(v1::ROLE_LAWYER);
  claims.add_roles(v1::ROLE_INTAKE);
  if (other_key) {
    auto signer = storage::Ed25519Signer::Generate();
    return EncodeAccessToken(claims, **signer, signed_token.key_id());
  }
  // Elevated claims under the genuine signature.
  claims.SerializeToString(signed_token.mutable_claims());
  return "v1." + Base64UrlEncode(signed_token.SerializeAsString());
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::TestServer::Options options;
    options.services = AllServiceDefinitions();
    auto server = testing::TestServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static testing::TestServer* server_;
};

testing::TestServer* AccessMatrixTest::server_ = nullptr;

TEST_F(AccessMatrixTest, EveryProtoMethodHasARuleAndAnIntendedPolicy) {
  std::vector<Method> methods = AllMethods();
  ASSERT_GT(methods.size(), 70u);
  for (const Method& m : methods) {
    EXPECT_NE(FindMethodRule(m.full), nullptr)
        << m.full << " has no access rule";
    EXPECT_TRUE(IntendedPolicy().count(m.short_name))
        << m.short_name << " not in the test";
  }
  EXPECT_EQ(IntendedPolicy().size(), methods.size());
  EXPECT_EQ(FindMethodRule("/clinic.v1.IntakeService/NoSuchMethod"), nullptr);
}

TEST_F(AccessMatrixTest, EveryCellGetsTheIntendedStatus) {
  auto admin = server_->admin_token();
  auto lawyer = server_->CreateUser("matrix.lawyer", {v1::ROLE_LAWYER});
  auto intake = server_->CreateUser("matrix.intake", {v1::ROLE_INTAKE});
  ASSERT_TRUE(lawyer.ok() && intake.ok());
  // A token that is fine now and expired after the clock moves on.
  auto soon_expired = server_->Login("matrix.lawyer", testing::kTestPassword);
  ASSERT_TRUE(soon_expired.ok());

  struct Principal {
    std::string label;
    std::string token;
    char role;  // 'A', 'L', 'I', or 0 for invalid / none
  };
  std::vector<Principal> principals = {
      {"admin", admin, 'A'},
      {"lawyer", *lawyer, 'L'},
      {"intake", *intake, 'I'},
      {"unauthenticated", "", 0},
      {"forged (elevated claims)", Forge(*lawyer, false), 0},
      {"signed by another key", Forge(*lawyer, true), 0},
      {"truncated", lawyer->substr(0, lawyer->size() - 10), 0},
      {"garbage", "v1.not-a-token", 0},
  };

  int cells = 0;
  auto check_all = [&](const std::vector<Principal>& who) {
    for (const Method& m : AllMethods()) {
      const std::string& policy = IntendedPolicy().at(m.short_name);
      for (const Principal& p : who) {
        grpc::StatusCode code = Call(server_->channel(), m, p.token);
        ++cells;
        bool denied = code == grpc::StatusCode::UNAUTHENTICATED ||
                      code == grpc::StatusCode::PERMISSION_DENIED;
        std::string cell =
            absl::StrCat(m.short_name, " as ", p.label, " -> ", code);
        if (policy == "public") {
          EXPECT_FALSE(denied) << cell;
        } else if (p.role == 0) {
          EXPECT_EQ(code, grpc::StatusCode::UNAUTHENTICATED) << cell;
        } else if (policy == "service") {
          EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED) << cell;
        } else if (policy == "*" || policy.find(p.role) != std::string::npos) {
          EXPECT_FALSE(denied) << cell;
        } else {
          EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED) << cell;
        }
      }
    }
  };
  check_all(principals);

  // The same token, an hour later: expired everywhere it is needed.
  server_->clock().Advance(absl::Hours(1));
  std::vector<Principal> expired = {
      {"expired", soon_expired->access_token(), 0}};
  check_all(expired);
  EXPECT_GT(cells, 600);
}

}  // namespace
}  // namespace clinic
