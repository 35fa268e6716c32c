#include "services/common/security_interceptor.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/log.h"
#include "base/random.h"
#include "base/secret.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "services/common/access_policy.h"
#include "services/common/call_context.h"

namespace clinic {
namespace {

constexpr char kInProcessKeyHeader[] = "x-clinic-in-process-key";

// Random for each process; never leaves its memory.
const std::string& InProcessKey() {
  static const std::string* key = new std::string(RandomId() + RandomId());
  return *key;
}

class InProcessMarker : public grpc::experimental::Interceptor {
 public:
  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::
                PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert(
          {kInProcessKeyHeader, InProcessKey()});
    }
    methods->Proceed();
  }
};

class InProcessMarkerFactory
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new InProcessMarker;
  }
};

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::InterceptorBatchMethods;
using Metadata = std::multimap<grpc::string_ref, grpc::string_ref>;

constexpr size_t kMaxAuditResources = 32;

bool IsIdChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '_' || c == '.';
}

// True for resource names such as "cases/abc/documents/def": a known collection
// followed by id segments. Anything else (free text, people's names) is never
// copied into audit events.
bool LooksLikeResourceName(absl::string_view s) {
  if (s.size() > 200) return false;
  static constexpr absl::string_view kCollections[] = {
      "users/", "clients/", "cases/", "conflictChecks/"};
  bool known = false;
  for (absl::string_view prefix : kCollections)
    known |= absl::StartsWith(s, prefix);
  if (!known) return false;
  bool previous_slash = false;
  for (char c : s) {
    if (c == '/') {
      if (previous_slash) return false;
      previous_slash = true;
    } else if (IsIdChar(c)) {
      previous_slash = false;
    } else {
      return false;
    }
  }
  return !previous_slash;
}

bool IsUsername(absl::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '.' ||
          c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

// Resource names found in the request's string fields (a few levels deep).
void CollectResources(const google::protobuf::Message& message, int depth,
                      std::vector<std::string>* out) {
  if (depth > 3) return;
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (out->size() >= kMaxAuditResources) return;
    using FD = google::protobuf::FieldDescriptor;
    if (field->cpp_type() == FD::CPPTYPE_STRING &&
        field->type() == FD::TYPE_STRING) {
      std::vector<std::string> values;
      if (field->is_repeated()) {
        int n = std::min(reflection->FieldSize(message, field), 50);
        for (int i = 0; i < n; ++i) {
          values.push_back(reflection->GetRepeatedString(message, field, i));
        }
      } else {
        values.push_back(reflection->GetString(message, field));
      }
      for (const std::string& value : values) {
        if (LooksLikeResourceName(value)) {
          out->push_back(value);
        } else if (field->name() == "username" && IsUsername(value)) {
          out->push_back(absl::StrCat("users/", value));
        }
      }
    } else if (field->cpp_type() == FD::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        int n = std::min(reflection->FieldSize(message, field), 50);
        for (int i = 0; i < n; ++i) {
          CollectResources(reflection->GetRepeatedMessage(message, field, i),
                           depth + 1, out);
        }
      } else {
        CollectResources(reflection->GetMessage(message, field), depth + 1,
                         out);
      }
    }
  }
}

// "intake" for "/clinic.v1.IntakeService/GetClient".
std::string ServiceOf(absl::string_view method) {
  absl::string_view s = method;
  absl::ConsumePrefix(&s, "/");
  s = s.substr(0, s.find('/'));
  if (absl::ConsumePrefix(&s, "clinic.v1.") &&
      absl::ConsumeSuffix(&s, "Service")) {
    return absl::AsciiStrToLower(s);
  }
  return std::string(s);
}

std::string MetadataValue(const Metadata* metadata, absl::string_view key) {
  if (metadata == nullptr) return "";
  auto it = metadata->find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata->end()) return "";
  return std::string(it->second.data(), it->second.size());
}

bool ValidRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), IsIdChar);
}

class SecurityInterceptor : public grpc::experimental::Interceptor {
 public:
  SecurityInterceptor(grpc::experimental::ServerRpcInfo* info,
                      const SecurityInterceptorFactory::Options& options)
      : info_(info),
        options_(options),
        method_(info->method() ? info->method() : ""),
        rule_(FindMethodRule(method_)) {}

  ~SecurityInterceptor() override {
    if (state_ != nullptr) UnregisterCall(info_->server_context());
    if (entered_gate_) options_.gate->Leave();
  }

  void Intercept(InterceptorBatchMethods* m) override {
    if (m->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      Admit(m->GetRecvInitialMetadata());
    }
    if (m->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE)) {
      NoteRequest(m->GetRecvMessage());
    }
    bool message =
        m->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE);
    bool status =
        m->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS);
    if (message || status) BeforeSend(m, message, status);
    m->Proceed();
  }

 private:
  Caller Authenticate(const Metadata* metadata, absl::Status* token_error) {
    Caller caller;
    grpc::ServerContextBase* context = info_->server_context();
    caller.peer = context->peer();
    std::string request_id = MetadataValue(metadata, "x-request-id");
    caller.request_id = ValidRequestId(request_id) ? request_id : RandomId();

    std::string authorization = MetadataValue(metadata, "authorization");
    if (!authorization.empty()) {
      absl::string_view token = authorization;
      if (!absl::ConsumePrefix(&token, "Bearer ") &&
          !absl::ConsumePrefix(&token, "bearer ")) {
        *token_error = absl::UnauthenticatedError(
            "the authorization metadata must be \"Bearer <access token>\"");
        return caller;
      }
      absl::StatusOr<v1::AccessTokenClaims> claims =
          options_.verifier->Verify(token);
      if (!claims.ok()) {
        *token_error = claims.status();
        return caller;
      }
      caller.kind = Caller::Kind::kUser;
      caller.username = claims->username();
      for (int role : claims->roles())
        caller.roles.push_back(static_cast<v1::Role>(role));
      caller.session_id = claims->session_id();
      caller.token_id = claims->token_id();
      caller.password_change_required = claims->password_change_required();
      caller.break_glass_case = claims->break_glass().case_();
      caller.break_glass_reason = claims->break_glass().reason();
      return caller;
    }
    // No user token: another clinic service reaching us in-process, or over
    // mutual TLS with the certificate `clinicd init` issued to services.
    if (ConstantTimeEquals(MetadataValue(metadata, kInProcessKeyHeader),
                           InProcessKey())) {
      caller.kind = Caller::Kind::kService;
      return caller;
    }
    std::shared_ptr<const grpc::AuthContext> auth = context->auth_context();
    if (auth != nullptr && auth->IsPeerAuthenticated()) {
      for (const grpc::string_ref& cn :
           auth->FindPropertyValues("x509_common_name")) {
        if (cn == kServiceCertificateName) caller.kind = Caller::Kind::kService;
      }
    }
    return caller;
  }

  // True for calls the rate limit does not apply to: health checks and other
  // non-clinic methods, and calls from clinic services (in-process, or over
  // mutual TLS with the service certificate), which carry many users' load.
  bool ExemptFromRateLimit(const Metadata* metadata) const {
    if (!absl::StartsWith(method_, "/clinic.v1.")) return true;
    if (ConstantTimeEquals(MetadataValue(metadata, kInProcessKeyHeader),
                           InProcessKey())) {
      return true;
    }
    std::shared_ptr<const grpc::AuthContext> auth =
        info_->server_context()->auth_context();
    if (auth != nullptr && auth->IsPeerAuthenticated()) {
      for (const grpc::string_ref& cn :
           auth->FindPropertyValues("x509_common_name")) {
        if (cn == kServiceCertificateName) return true;
      }
    }
    return false;
  }

  void Admit(const Metadata* metadata) {
    if (state_ != nullptr) return;
    if (options_.gate != nullptr && absl::StartsWith(method_, "/clinic.v1.")) {
      const bool internal = ConstantTimeEquals(
          MetadataValue(metadata, kInProcessKeyHeader), InProcessKey());
      entered_gate_ = options_.gate->Enter(internal);
      if (!entered_gate_) {
        Caller anonymous;
        anonymous.peer = info_->server_context()->peer();
        anonymous.request_id = RandomId();
        state_ = std::make_shared<CallState>(
            std::move(anonymous),
            absl::UnavailableError(
                "the server is shutting down; retry in a moment"));
        turned_away_ = true;
        RegisterCall(info_->server_context(), state_);
        return;
      }
    }
    if (options_.rate_limiter != nullptr && !ExemptFromRateLimit(metadata) &&
        !options_.rate_limiter->Allow(info_->server_context()->peer())) {
      turned_away_ = true;
      Caller anonymous;
      anonymous.peer = info_->server_context()->peer();
      anonymous.request_id = RandomId();
      state_ = std::make_shared<CallState>(
          std::move(anonymous),
          absl::ResourceExhaustedError(
              "too many requests from this address; retry after a pause"));
      RegisterCall(info_->server_context(), state_);
      return;
    }
    absl::Status token_error;
    Caller caller = Authenticate(metadata, &token_error);
    absl::Status decision = Authorize(method_, rule_, caller);
    // A bad token is reported as such on methods that need one (not on Login).
    if (!token_error.ok() && rule_ != nullptr &&
        rule_->principal != MethodRule::Principal::kPublic) {
      decision = token_error;
    }
    state_ = std::make_shared<CallState>(std::move(caller), decision);
    RegisterCall(info_->server_context(), state_);
  }

  void NoteRequest(void* message) {
    if (noted_request_ || message == nullptr || state_ == nullptr) return;
    noted_request_ = true;
    // Only the clinic's own methods are known to carry protobuf messages here
    // (the health service, for one, works on raw bytes).
    if (!absl::StartsWith(method_, "/clinic.v1.")) return;
    std::vector<std::string> names;
    CollectResources(*static_cast<const google::protobuf::Message*>(message), 0,
                     &names);
    for (const std::string& name : names) state_->AddResource(name);
  }

  // What must replace the handler's answer, if anything.
  absl::Status Enforcement(const grpc::Status& status, bool message) {
    // Turned away (rate limit, shutdown): nothing but the refusal goes back,
    // public method or not.
    if (turned_away_) return state_->decision();
    if (rule_ != nullptr &&
        rule_->principal == MethodRule::Principal::kPublic) {
      return absl::OkStatus();
    }
    if (state_ == nullptr) {
      return absl::PermissionDeniedError("the call could not be authenticated");
    }
    const absl::Status& decision = state_->decision();
    if (!decision.ok()) {
      // The handler's own refusal (the same decision) passes; anything else is
      // replaced.
      if (message || status.ok()) return decision;
      if (static_cast<int>(status.error_code()) !=
              static_cast<int>(decision.code()) &&
          !state_->checked()) {
        return decision;
      }
      return absl::OkStatus();
    }
    if (!state_->checked() && (message || status.ok())) {
      log::Error(
          "a handler answered without checking authorization; answer withheld",
          {{"method", method_}});
      return absl::InternalError(
          "the server refused to answer (authorization not checked)");
    }
    return absl::OkStatus();
  }

  void BeforeSend(InterceptorBatchMethods* m, bool message,
                  bool sending_status) {
    grpc::Status status =
        sending_status ? m->GetSendStatus() : grpc::Status::OK;
    if (blocked_.ok()) blocked_ = Enforcement(status, message);
    if (!blocked_.ok()) status = ToGrpcStatus(blocked_);

    if (options_.audit_enabled && !turned_away_ && rule_ != nullptr &&
        rule_->audit != v1::AUDIT_ACTION_UNSPECIFIED) {
      if (!audited_) {
        audited_ = true;
        audited_code_ = status.error_code();
        absl::Status appended =
            options_.audit->Append(BuildEvent(status.error_code()));
        if (!appended.ok()) {
          log::Error("audit event could not be recorded; request refused",
                     {{"method", method_},
                      {"reason", std::string(appended.message())}});
          blocked_ = absl::UnavailableError(
              "the audit log could not record this request, so it was refused; "
              "try again later");
          status = ToGrpcStatus(blocked_);
          // Stop a streaming handler from producing more output.
          if (!sending_status) info_->server_context()->TryCancel();
        }
      } else if (sending_status && audited_code_ == grpc::StatusCode::OK &&
                 !status.ok()) {
        // A stream that started well and then failed: record how it ended.
        options_.audit->Append(BuildEvent(status.error_code())).IgnoreError();
      }
    }
    if (blocked_.ok()) return;
    if (message) {
      // Withhold the handler's message: send an empty one instead.
      if (grpc::ByteBuffer* buffer = m->GetSerializedSendMessage()) {
        grpc::Slice empty("");
        *buffer = grpc::ByteBuffer(&empty, 1);
      }
    }
    if (sending_status) m->ModifySendStatus(status);
  }

  v1::AuditEvent BuildEvent(grpc::StatusCode code) const {
    v1::AuditEvent event;
    event.set_method(method_);
    event.set_action(rule_->audit);
    event.set_status_code(static_cast<int32_t>(code));
    event.set_service(ServiceOf(method_));
    if (state_ == nullptr) {
      event.set_peer(info_->server_context()->peer());
      event.set_request_id(RandomId());
      return event;
    }
    const Caller& caller = state_->caller();
    event.set_request_id(caller.request_id);
    event.set_peer(caller.peer);
    if (caller.is_user()) {
      event.set_user(caller.user_resource());
      for (v1::Role role : caller.roles) event.add_roles(role);
    } else if (caller.is_service()) {
      event.set_user("service");
    }
    for (const std::string& resource : state_->resources())
      event.add_resources(resource);
    std::string reason = state_->reason();
    if (!caller.break_glass_case.empty()) {
      reason = absl::StrCat("break-glass (", caller.break_glass_case,
                            "): ", caller.break_glass_reason,
                            reason.empty() ? "" : "; ", reason);
    }
    event.set_reason(reason);
    return event;
  }

  grpc::experimental::ServerRpcInfo* const info_;
  const SecurityInterceptorFactory::Options options_;
  const std::string method_;
  const MethodRule* const rule_;
  std::shared_ptr<CallState> state_;
  bool noted_request_ = false;
  // Refused before authentication (rate limit, shutdown): not audited, since
  // it touched nothing and auditing a flood would amplify it.
  bool turned_away_ = false;
  // Counted by the call gate (left in the destructor).
  bool entered_gate_ = false;
  bool audited_ = false;
  grpc::StatusCode audited_code_ = grpc::StatusCode::OK;
  absl::Status blocked_;
};

}  // namespace

grpc::experimental::Interceptor*
SecurityInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new SecurityInterceptor(info, options_);
}

std::vector<
    std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
InProcessServiceMarkers() {
  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      markers;
  markers.push_back(std::make_unique<InProcessMarkerFactory>());
  return markers;
}

}  // namespace clinic
