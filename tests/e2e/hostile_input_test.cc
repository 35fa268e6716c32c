// Sends every clinic.v1 RPC (enumerated from the proto descriptors, as
// access_matrix_test does) hostile bytes over real TLS: a message over the
// server's receive limit, bytes that are not a valid message (malformed tags,
// truncated fields, invalid UTF-8 in a string, groups nested far beyond any
// parser's depth limit, and the deepest nesting the schema's own recursive
// messages allow, if any), and valid messages carrying unknown fields. Every
// call must end with a clean status, and after each method's batch the
// server must still answer a health check and an authenticated call. Also
// checks the per-peer rate limit (limits.requests_per_second_per_peer).
#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clinic/v1/auth.grpc.pb.h"
#include "clinic/v1/document.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "grpcpp/impl/codegen/sync_stream.h"
#include "gtest/gtest.h"
#include "services/clinicd/all_services.h"
#include "storage/crypto/sha256.h"
#include "tests/testing/cases.h"
#include "tests/testing/test_server.h"

namespace clinic {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

constexpr const char* kProtoFiles[] = {
    "clinic/v1/auth.proto",     "clinic/v1/intake.proto",
    "clinic/v1/deadline.proto", "clinic/v1/document.proto",
    "clinic/v1/hearing.proto",  "clinic/v1/audit.proto",
    "clinic/v1/admin.proto"};

// The smallest receive limit the configuration accepts, so that oversized
// messages stay cheap to send.
constexpr int kMaxReceiveBytes = (1 << 20) + 1024;

struct Method {
  std::string full;        // "/clinic.v1.AuthService/Login"
  std::string short_name;  // "AuthService/Login"
  bool client_streaming;
  bool server_streaming;
  const Descriptor* input;
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
             method->client_streaming(), method->server_streaming(),
             method->input_type()});
      }
    }
  }
  // Logout ends the caller's session: last.
  std::stable_partition(methods.begin(), methods.end(), [](const Method& m) {
    return m.short_name != "AuthService/Logout";
  });
  return methods;
}

// ---- Wire-format building blocks -------------------------------------------

std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}

std::string Tag(int field, int wire_type) {
  return Varint((static_cast<uint64_t>(field) << 3) | wire_type);
}

std::string LengthDelimited(int field, const std::string& payload) {
  return Tag(field, 2) + Varint(payload.size()) + payload;
}

// A field number no clinic message uses.
constexpr int kUnknownField = 18999;

// Unknown fields of every wire type.
std::string UnknownFields() {
  return Tag(kUnknownField, 0) + Varint(12345) +                // varint
         Tag(kUnknownField + 1, 1) + std::string(8, '\x01') +   // fixed64
         LengthDelimited(kUnknownField + 2, "unknown bytes") +  // bytes
         Tag(kUnknownField + 3, 3) + Tag(1, 0) + Varint(7) +    // group
         Tag(kUnknownField + 3, 4) +                            //
         Tag(kUnknownField + 4, 5) + std::string(4, '\x02');    // fixed32
}

// Unknown groups nested `depth` deep.
std::string NestedUnknownGroups(int depth) {
  std::string open = Tag(kUnknownField, 3);
  std::string close = Tag(kUnknownField, 4);
  std::string out;
  out.reserve((open.size() + close.size()) * depth);
  for (int i = 0; i < depth; ++i) out += open;
  for (int i = 0; i < depth; ++i) out += close;
  return out;
}

// A path of message fields from `type` back to a type already on the path
// (recursion in the schema), or empty.
bool FindCycle(const Descriptor* type, std::vector<const Descriptor*>* stack,
               std::vector<const FieldDescriptor*>* path,
               std::set<const Descriptor*>* done) {
  if (std::find(stack->begin(), stack->end(), type) != stack->end()) {
    return true;
  }
  if (done->count(type)) return false;
  stack->push_back(type);
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->type() != FieldDescriptor::TYPE_MESSAGE) continue;
    path->push_back(field);
    if (FindCycle(field->message_type(), stack, path, done)) return true;
    path->pop_back();
  }
  stack->pop_back();
  done->insert(type);
  return false;
}

// `depth` levels of the recursive path of `type`, or empty when its schema
// has no recursion.
std::string DeeplyNested(const Descriptor* type, int depth,
                         std::string* description) {
  std::vector<const Descriptor*> stack;
  std::vector<const FieldDescriptor*> path;
  std::set<const Descriptor*> done;
  if (!FindCycle(type, &stack, &path, &done)) return "";
  // The cycle is the tail of `path` starting where its target type entered.
  const Descriptor* target = path.back()->message_type();
  size_t start = 0;
  while (start < path.size() && path[start]->containing_type() != target) {
    ++start;
  }
  std::vector<const FieldDescriptor*> prefix(path.begin(),
                                             path.begin() + start);
  std::vector<const FieldDescriptor*> cycle(path.begin() + start, path.end());
  *description = absl::StrCat(type->full_name(), " recurses through ",
                              target->full_name());
  std::string inner;
  for (int level = 0; level < depth; ++level) {
    for (auto it = cycle.rbegin(); it != cycle.rend(); ++it) {
      inner = LengthDelimited((*it)->number(), inner);
    }
  }
  for (auto it = prefix.rbegin(); it != prefix.rend(); ++it) {
    inner = LengthDelimited((*it)->number(), inner);
  }
  return inner;
}

// The first string field of `type` (for invalid UTF-8), or nullptr.
const FieldDescriptor* FirstStringField(const Descriptor* type) {
  for (int i = 0; i < type->field_count(); ++i) {
    if (type->field(i)->type() == FieldDescriptor::TYPE_STRING) {
      return type->field(i);
    }
  }
  return nullptr;
}

struct Payload {
  std::string label;
  std::string bytes;
};

// Bytes that no message type accepts.
std::vector<Payload> MalformedPayloads(const Descriptor* type) {
  std::vector<Payload> payloads = {
      {"overlong varint tag", std::string(11, '\xff')},
      {"field number 0", std::string("\x00\x01", 2)},
      {"invalid wire type 7", "\x0f\x01"},
      {"length past the end", Tag(kUnknownField, 2) + Varint(1000) + "abc"},
      {"varint cut short", Tag(kUnknownField, 0) + "\xff\xff"},
      {"unterminated group", Tag(kUnknownField, 3) + Tag(1, 0) + Varint(1)},
      {"unknown groups nested 100000 deep", NestedUnknownGroups(100000)},
  };
  if (const FieldDescriptor* text = FirstStringField(type)) {
    payloads.push_back({absl::StrCat("invalid UTF-8 in ", text->name()),
                        LengthDelimited(text->number(), "caf\xc3\x28\xff")});
  }
  return payloads;
}

// ---- Calls with raw bytes --------------------------------------------------

grpc::Status CallRaw(const std::shared_ptr<grpc::Channel>& channel,
                     const Method& method, const std::string& token,
                     const std::string& bytes) {
  grpc::ClientContext ctx;
  ctx.set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(method.server_streaming ? 1500 : 20000));
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  using grpc::internal::RpcMethod;
  RpcMethod::RpcType type =
      method.client_streaming
          ? (method.server_streaming ? RpcMethod::BIDI_STREAMING
                                     : RpcMethod::CLIENT_STREAMING)
          : (method.server_streaming ? RpcMethod::SERVER_STREAMING
                                     : RpcMethod::NORMAL_RPC);
  RpcMethod rpc(method.full.c_str(), type);
  if (type == RpcMethod::NORMAL_RPC) {
    return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer,
                                             grpc::ByteBuffer>(
        channel.get(), rpc, &ctx, request, &response);
  }
  if (type == RpcMethod::SERVER_STREAMING) {
    std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
        grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(
            channel.get(), rpc, &ctx, request));
    while (reader->Read(&response)) {
    }
    return reader->Finish();
  }
  if (type == RpcMethod::CLIENT_STREAMING) {
    std::unique_ptr<grpc::ClientWriter<grpc::ByteBuffer>> writer(
        grpc::internal::ClientWriterFactory<grpc::ByteBuffer>::Create(
            channel.get(), rpc, &ctx, &response));
    writer->Write(request);
    writer->WritesDone();
    return writer->Finish();
  }
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>>
      stream(grpc::internal::ClientReaderWriterFactory<
             grpc::ByteBuffer, grpc::ByteBuffer>::Create(channel.get(), rpc,
                                                         &ctx));
  stream->Write(request);
  stream->WritesDone();
  while (stream->Read(&response)) {
  }
  return stream->Finish();
}

// A status the server chose on purpose: not a crash, hang, or lost server.
bool Clean(const grpc::Status& status, const Method& method) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DATA_LOSS:
      return false;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      // Only a watch stream may still be open when our short deadline ends.
      return method.server_streaming;
    default:
      return true;
  }
}

std::string Describe(const grpc::Status& status) {
  return absl::StrCat(status.error_code(), " \"", status.error_message(), "\"");
}

class HostileInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::TestServer::Options options;
    options.services = AllServiceDefinitions();
    options.config.mutable_limits()->set_max_receive_message_bytes(
        kMaxReceiveBytes);
    // This suite sends hundreds of calls quickly; the rate limit has its own
    // test below.
    options.config.mutable_limits()->set_requests_per_second_per_peer(1000000);
    options.config.mutable_limits()->set_request_burst_per_peer(1000000);
    auto server = testing::TestServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    auto user = server_->CreateUser(
        "hostile.all", {v1::ROLE_ADMIN, v1::ROLE_LAWYER, v1::ROLE_INTAKE});
    ASSERT_TRUE(user.ok()) << user.status();
    token_ = new std::string(*user);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete token_;
    token_ = nullptr;
  }

  // The server still serves: health check and an authenticated call.
  static void ExpectServing(const std::string& after) {
    grpc::health::v1::Health::Stub health(server_->channel());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = health.Check(&context, request, &response);
    ASSERT_TRUE(status.ok()) << "after " << after << ": " << Describe(status);
    EXPECT_EQ(response.status(),
              grpc::health::v1::HealthCheckResponse::SERVING);
    v1::AuthService::Stub auth(server_->channel());
    v1::GetCurrentUserRequest who;
    v1::User user;
    auto ctx = server_->Context(server_->admin_token());
    status = auth.GetCurrentUser(ctx.get(), who, &user);
    EXPECT_TRUE(status.ok()) << "after " << after << ": " << Describe(status);
  }

  static testing::TestServer* server_;
  static std::string* token_;
};

testing::TestServer* HostileInputTest::server_ = nullptr;
std::string* HostileInputTest::token_ = nullptr;

TEST_F(HostileInputTest, EveryMethodIsCovered) {
  EXPECT_GT(AllMethods().size(), 70u);
}

TEST_F(HostileInputTest, OversizedMessagesAreResourceExhausted) {
  // An unknown bytes field just over the limit: the size alone must refuse
  // it.
  const std::string oversized =
      LengthDelimited(kUnknownField, std::string(kMaxReceiveBytes, 'x'));
  ASSERT_GT(oversized.size(), static_cast<size_t>(kMaxReceiveBytes));
  for (const Method& m : AllMethods()) {
    grpc::Status status = CallRaw(server_->channel(), m, *token_, oversized);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << m.short_name << ": " << Describe(status);
    ExpectServing(m.short_name + " oversized");
  }
}

TEST_F(HostileInputTest, MalformedBytesAreRefusedCleanly) {
  int calls = 0;
  for (const Method& m : AllMethods()) {
    for (const Payload& p : MalformedPayloads(m.input)) {
      grpc::Status status = CallRaw(server_->channel(), m, *token_, p.bytes);
      ++calls;
      std::string cell =
          absl::StrCat(m.short_name, " with ", p.label, ": ", Describe(status));
      EXPECT_FALSE(status.ok()) << cell;
      EXPECT_TRUE(Clean(status, m)) << cell;
      // Unparseable requests are refused before any handler runs: gRPC's
      // INTERNAL, or the security interceptor's refusal where the caller may
      // not call the method at all (it replaces any answer the handler did
      // not give).
      if (!m.client_streaming) {
        EXPECT_TRUE(status.error_code() == grpc::StatusCode::INTERNAL ||
                    status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
                    status.error_code() == grpc::StatusCode::PERMISSION_DENIED)
            << cell;
      }
    }
    ExpectServing(m.short_name + " malformed");
  }
  EXPECT_GT(calls, 500);
}

TEST_F(HostileInputTest, UnknownFieldsAreIgnored) {
  // The same call with and without unknown fields of every wire type gets the
  // same answer: they are skipped, not misread.
  for (const Method& m : AllMethods()) {
    if (m.short_name == "AuthService/Logout") continue;  // ends the session
    grpc::Status plain = CallRaw(server_->channel(), m, *token_, "");
    grpc::Status unknown =
        CallRaw(server_->channel(), m, *token_, UnknownFields());
    EXPECT_TRUE(Clean(unknown, m)) << m.short_name << ": " << Describe(unknown);
    EXPECT_EQ(plain.error_code(), unknown.error_code())
        << m.short_name << ": without " << Describe(plain) << ", with "
        << Describe(unknown);
  }
  ExpectServing("unknown fields");
}

TEST_F(HostileInputTest, DeeplyNestedMessagesAreRefusedCleanly) {
  int recursive = 0;
  for (const Method& m : AllMethods()) {
    std::string description;
    std::string nested = DeeplyNested(m.input, 5000, &description);
    if (nested.empty()) continue;
    ++recursive;
    grpc::Status status = CallRaw(server_->channel(), m, *token_, nested);
    EXPECT_FALSE(status.ok()) << description;
    EXPECT_TRUE(Clean(status, m)) << description << ": " << Describe(status);
    ExpectServing(m.short_name + " nested");
  }
  // Recorded for the report: how many request types the schema lets recurse.
  RecordProperty("recursive_request_types", recursive);
  std::printf("request types with recursion in the schema: %d\n", recursive);
}

// Uploads a document whose stream is the metadata, one good chunk, then bytes
// that are not a message; returns the upload's status and how many documents
// the case holds afterwards.
//
// gRPC's synchronous ServerReader::Read() returns false for a message it
// cannot parse, exactly as at the end of the stream, so the handler cannot
// tell the two apart: only a size or digest the client declared can reveal
// that the content was cut short.
void UploadEndingInGarbage(testing::TestServer& server, bool declare_sha256,
                           std::vector<grpc::Status>* statuses,
                           int* documents_stored) {
  static int counter = 0;
  ++counter;
  auto intake = server.CreateUser(absl::StrCat("hostile.intake", counter),
                                  {v1::ROLE_INTAKE});
  std::string lawyer_name = absl::StrCat("hostile.lawyer", counter);
  auto lawyer = server.CreateUser(lawyer_name, {v1::ROLE_LAWYER});
  ASSERT_TRUE(intake.ok() && lawyer.ok());
  auto client = testing::RegisterClient(server.channel(), *intake,
                                        testing::Person("Amina", "Tesfay"));
  ASSERT_TRUE(client.ok()) << client.status();
  testing::CaseOptions case_options;
  case_options.lead_lawyer = "users/" + lawyer_name;
  auto kase =
      testing::OpenCaseFor(server.channel(), *intake, *client, case_options);
  ASSERT_TRUE(kase.ok()) << kase.status();

  // What the client meant to send: two chunks; the second arrives damaged.
  const std::string part = "Basis of Claim narrative, one part.\n";
  v1::UploadDocumentRequest metadata;
  v1::UploadMetadata* md = metadata.mutable_metadata();
  md->set_case_(kase->name());
  md->set_type(v1::DOCUMENT_TYPE_BOC_FORM);
  md->set_title("BOC narrative");
  md->set_media_type("text/plain");
  md->set_declared_size_bytes(static_cast<int64_t>(part.size()) * 2);
  if (declare_sha256) md->set_sha256(storage::Sha256Hex(part + part));
  v1::UploadDocumentRequest chunk;
  chunk.set_chunk(part);
  const std::vector<std::string> garbage = {
      std::string(11, '\xff'), Tag(kUnknownField, 2) + Varint(1000) + "ab",
      LengthDelimited(2, part) + "\x0f"};
  for (const std::string& bad : garbage) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + *lawyer);
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(20));
    grpc::internal::RpcMethod rpc("/clinic.v1.DocumentService/UploadDocument",
                                  grpc::internal::RpcMethod::CLIENT_STREAMING);
    grpc::ByteBuffer response;
    std::unique_ptr<grpc::ClientWriter<grpc::ByteBuffer>> writer(
        grpc::internal::ClientWriterFactory<grpc::ByteBuffer>::Create(
            server.channel().get(), rpc, &ctx, &response));
    for (const std::string& bytes :
         {metadata.SerializeAsString(), chunk.SerializeAsString(), bad}) {
      grpc::Slice slice(bytes);
      grpc::ByteBuffer buffer(&slice, 1);
      if (!writer->Write(buffer)) break;
    }
    writer->WritesDone();
    statuses->push_back(writer->Finish());
  }
  v1::DocumentService::Stub documents(server.channel());
  v1::ListDocumentsRequest list;
  list.set_case_(kase->name());
  v1::ListDocumentsResponse listed;
  auto ctx = server.Context(*lawyer);
  grpc::Status status = documents.ListDocuments(ctx.get(), list, &listed);
  ASSERT_TRUE(status.ok()) << Describe(status);
  *documents_stored = listed.documents_size();
}

TEST_F(HostileInputTest, UploadEndingInGarbageWithDigestStoresNothing) {
  std::vector<grpc::Status> statuses;
  int stored = -1;
  UploadEndingInGarbage(*server_, /*declare_sha256=*/true, &statuses, &stored);
  for (const grpc::Status& status : statuses) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS)
        << Describe(status);
  }
  EXPECT_EQ(stored, 0);
  ExpectServing("upload ending in garbage");
}

// gRPC ends the stream at the garbage as if the client had finished: the
// declared size is what tells the server the upload was cut short.
TEST_F(HostileInputTest, UploadEndingInGarbageWithoutDigestStoresNothing) {
  std::vector<grpc::Status> statuses;
  int stored = -1;
  UploadEndingInGarbage(*server_, /*declare_sha256=*/false, &statuses, &stored);
  for (const grpc::Status& status : statuses) {
    EXPECT_FALSE(status.ok()) << "a stream ending in garbage was accepted";
  }
  EXPECT_EQ(stored, 0);
  ExpectServing("upload ending in garbage");
}

TEST(HostileInputRateLimitTest, CallsBeyondTheBurstAreResourceExhausted) {
  constexpr int kRate = 1;
  constexpr int kBurst = 10;
  const auto started = std::chrono::steady_clock::now();
  testing::TestServer::Options options;
  options.services = AllServiceDefinitions();
  options.config.mutable_limits()->set_requests_per_second_per_peer(kRate);
  options.config.mutable_limits()->set_request_burst_per_peer(kBurst);
  auto server = testing::TestServer::Start(std::move(options));
  ASSERT_TRUE(server.ok()) << server.status();

  constexpr int kCalls = 40;
  int admitted = 0;
  int refused = 0;
  v1::AuthService::Stub auth((*server)->channel());
  for (int i = 0; i < kCalls; ++i) {
    v1::GetCurrentUserRequest request;
    v1::User user;
    auto ctx = (*server)->Context((*server)->admin_token());
    grpc::Status status = auth.GetCurrentUser(ctx.get(), request, &user);
    if (status.ok()) {
      ++admitted;
    } else {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
          << Describe(status);
      ++refused;
    }
  }
  // A token bucket admits at most the burst plus what refilled meanwhile
  // (bootstrap calls included, which only lowers the count).
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  EXPECT_LE(admitted, kBurst + static_cast<int>(elapsed * kRate) + 1)
      << "elapsed " << elapsed << " s";
  EXPECT_GT(refused, 0);
  // Health checks are never limited: a load balancer keeps seeing the server.
  grpc::health::v1::Health::Stub health((*server)->channel());
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = health.Check(&context, request, &response);
  EXPECT_TRUE(status.ok()) << Describe(status);
}

}  // namespace
}  // namespace clinic
