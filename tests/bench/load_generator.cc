// An asynchronous load generator against the real clinicd process (gRPC's
// callback API: one thread keeps any number of calls in flight). It seeds
// synthetic data, then drives a weighted mix of calls for a fixed time at a
// fixed concurrency and prints, per kind of call, throughput, p50/p90/p99/max
// latency and errors, with the server's CPU use and peak resident memory. In
// the same run, the same engine drives a bare gRPC server (same machine, same
// TLS certificate, a trivial RPC): the framework's ceiling, against which the
// audited reads are given as a ratio.
//
//   bazel run --config=opt //tests/bench:load_generator -- [flag=value ...]
//     clients=100000   clients to register (seeding)
//     cases=300000     cases to open, each with a referral recorded (its
//                      deadlines); every tenth also gets a hearing
//     documents=2000   documents to upload (seeding)
//     document_kib=64  size of each uploaded document
//     concurrency=32   calls in flight during the measured run
//     seconds=60       length of the measured run
//     mix=read_case:30,list_deadlines:25,search:15,create_client:10,
//         upload:10,download:10
//
// Seeding uses the same engine at the same concurrency, and is reported too.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "clients/clinic_client.h"
#include "clinic/v1/deadline.grpc.pb.h"
#include "clinic/v1/document.grpc.pb.h"
#include "clinic/v1/hearing.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "services/common/tls.h"
#include "storage/file_util.h"
#include "tests/bench/bare_server.h"
#include "tests/testing/accounts.h"
#include "tests/testing/deployment.h"

namespace clinic {
namespace {

// ---- Measurements
// ----------------------------------------------------------------

class Stats {
 public:
  void Add(const std::string& kind, absl::Duration latency, bool ok) {
    absl::MutexLock lock(&mu_);
    Series& s = series_[kind];
    s.latencies_ms.push_back(absl::ToDoubleMilliseconds(latency));
    if (!ok) ++s.errors;
  }
  struct Summary {
    int64_t calls = 0, errors = 0;
    double per_second = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
  };
  std::map<std::string, Summary> Summarize(absl::Duration elapsed) {
    absl::MutexLock lock(&mu_);
    std::map<std::string, Summary> out;
    for (auto& [kind, s] : series_) {
      std::sort(s.latencies_ms.begin(), s.latencies_ms.end());
      Summary& r = out[kind];
      r.calls = static_cast<int64_t>(s.latencies_ms.size());
      r.errors = s.errors;
      r.per_second = r.calls / absl::ToDoubleSeconds(elapsed);
      auto at = [&](double q) {
        if (s.latencies_ms.empty()) return 0.0;
        size_t i = static_cast<size_t>(q * (s.latencies_ms.size() - 1));
        return s.latencies_ms[i];
      };
      r.p50 = at(0.50);
      r.p90 = at(0.90);
      r.p99 = at(0.99);
      r.max = s.latencies_ms.empty() ? 0 : s.latencies_ms.back();
    }
    return out;
  }

 private:
  struct Series {
    std::vector<double> latencies_ms;
    int64_t errors = 0;
  };
  absl::Mutex mu_;
  std::map<std::string, Series> series_ ABSL_GUARDED_BY(mu_);
};

// CPU seconds and peak resident memory of another process.
struct ProcessUsage {
  double cpu_seconds = 0;
  double peak_rss_mib = 0;
};
ProcessUsage UsageOf(int pid) {
  ProcessUsage u;
  std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
  std::string text((std::istreambuf_iterator<char>(stat)),
                   std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) in parentheses.
  std::vector<std::string> fields =
      absl::StrSplit(text.substr(text.rfind(')') + 2), ' ');
  if (fields.size() > 12) {
    double utime = 0, stime = 0;
    absl::SimpleAtod(fields[11], &utime);
    absl::SimpleAtod(fields[12], &stime);
    u.cpu_seconds = (utime + stime) / sysconf(_SC_CLK_TCK);
  }
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      double kib = 0;
      std::vector<std::string> parts =
          absl::StrSplit(line, ' ', absl::SkipWhitespace());
      if (parts.size() >= 2) absl::SimpleAtod(parts[1], &kib);
      u.peak_rss_mib = kib / 1024;
    }
  }
  return u;
}

// ---- The engine
// ------------------------------------------------------------------

// One kind of call: starts it asynchronously and calls `done(ok)` when it
// ends (on a gRPC thread).
using Operation = std::function<void(std::function<void(bool)> done)>;

// Keeps `concurrency` operations in flight until `deadline` passes or
// `count` operations have been started (whichever first); `pick` chooses the
// next operation's kind.
void Drive(int concurrency, absl::Time deadline, int64_t count,
           const std::function<std::string()>& pick,
           const std::map<std::string, Operation>& operations, Stats* stats) {
  // Shared with the callbacks, which may still be returning when Drive does.
  struct State {
    absl::Mutex mu;
    int64_t started ABSL_GUARDED_BY(mu) = 0;
    int64_t in_flight ABSL_GUARDED_BY(mu) = 0;
  };
  auto state = std::make_shared<State>();
  // Claims the next operation (under the lock); empty when none is due.
  auto claim = [=, &pick](State& st) ABSL_EXCLUSIVE_LOCKS_REQUIRED(st.mu) {
    if (absl::Now() >= deadline || st.started >= count) return std::string();
    ++st.started;
    ++st.in_flight;
    return pick();
  };
  std::function<void(std::string)> start;
  start = [=, &operations, &start, &claim](std::string kind) {
    const absl::Time t0 = absl::Now();
    operations.at(kind)([=, &start, &claim](bool ok) {
      stats->Add(kind, absl::Now() - t0, ok);
      std::string next;
      {
        absl::MutexLock lock(&state->mu);
        --state->in_flight;
        next = claim(*state);
      }
      // Drive is still waiting: an operation was claimed, so in_flight > 0.
      if (!next.empty()) start(next);
    });
  };
  for (int i = 0; i < concurrency; ++i) {
    std::string kind;
    {
      absl::MutexLock lock(&state->mu);
      kind = claim(*state);
    }
    if (kind.empty()) break;
    start(kind);
  }
  absl::MutexLock lock(&state->mu);
  auto idle = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(state->mu) {
    return state->in_flight == 0 &&
           (absl::Now() >= deadline || state->started >= count);
  };
  while (
      !state->mu.AwaitWithTimeout(absl::Condition(&idle), absl::Seconds(1))) {
  }
}

// The first few errors, so that a failing run says why.
void ReportError(const grpc::Status& s) {
  static std::atomic<int> reported{0};
  if (!s.ok() && reported++ < 5) {
    std::fprintf(stderr, "call failed: %d %s\n",
                 static_cast<int>(s.error_code()), s.error_message().c_str());
  }
}

// A unary call through the callback API: the state lives until it ends, and
// `then` sees the response (on a gRPC thread; it may start the next call).
template <typename Request, typename Response, typename Start>
void Unary(const std::string& token, Request request, Start start,
           std::function<void(bool ok, const Response& response)> then) {
  struct Call {
    grpc::ClientContext ctx;
    Request request;
    Response response;
  };
  auto* call = new Call;
  call->request = std::move(request);
  if (!token.empty()) {
    call->ctx.AddMetadata("authorization", "Bearer " + token);
  }
  call->ctx.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(60));
  start(&call->ctx, &call->request, &call->response,
        [call, then = std::move(then)](grpc::Status s) {
          ReportError(s);
          then(s.ok(), call->response);
          delete call;
        });
}

// The same when only success matters.
template <typename Request, typename Response, typename Start>
void Unary(const std::string& token, Request request, Start start,
           std::function<void(bool)> done) {
  Unary<Request, Response>(
      token, std::move(request), std::move(start),
      std::function<void(bool, const Response&)>(
          [done = std::move(done)](bool ok, const Response&) { done(ok); }));
}

class UploadCall : public grpc::ClientWriteReactor<v1::UploadDocumentRequest> {
 public:
  UploadCall(v1::DocumentService::Stub* stub, const std::string& token,
             const std::string& kase, const std::string& content,
             std::function<void(bool, const std::string&)> done)
      : content_(content), done_(std::move(done)) {
    ctx_.AddMetadata("authorization", "Bearer " + token);
    ctx_.set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(60));
    v1::UploadMetadata* md = metadata_.mutable_metadata();
    md->set_case_(kase);
    md->set_type(v1::DOCUMENT_TYPE_EVIDENCE);
    md->set_title("Country conditions report");
    md->set_language("en");
    md->set_media_type("text/plain");
    md->set_declared_size_bytes(static_cast<int64_t>(content.size()));
    stub->async()->UploadDocument(&ctx_, &response_, this);
    StartWrite(&metadata_);
    StartCall();
  }
  // Sends the content in chunks as clinicctl does.
  void OnWriteDone(bool ok) override {
    if (!ok || sent_ >= content_.size()) return;
    const size_t n = std::min(kUploadChunkBytes, content_.size() - sent_);
    chunk_.set_chunk(content_.substr(sent_, n));
    sent_ += n;
    if (sent_ == content_.size()) {
      StartWriteLast(&chunk_, grpc::WriteOptions());
    } else {
      StartWrite(&chunk_);
    }
  }
  void OnDone(const grpc::Status& s) override {
    ReportError(s);
    done_(s.ok(), response_.name());
    delete this;
  }

 private:
  grpc::ClientContext ctx_;
  const std::string& content_;  // outlives every call
  v1::UploadDocumentRequest metadata_, chunk_;
  v1::Document response_;
  size_t sent_ = 0;
  std::function<void(bool, const std::string&)> done_;
};

class DownloadCall
    : public grpc::ClientReadReactor<v1::DownloadDocumentResponse> {
 public:
  DownloadCall(v1::DocumentService::Stub* stub, const std::string& token,
               const std::string& name, std::function<void(bool)> done)
      : done_(std::move(done)) {
    ctx_.AddMetadata("authorization", "Bearer " + token);
    ctx_.set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(60));
    request_.set_name(name);
    stub->async()->DownloadDocument(&ctx_, &request_, this);
    StartRead(&message_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (ok) StartRead(&message_);
  }
  void OnDone(const grpc::Status& s) override {
    ReportError(s);
    done_(s.ok());
    delete this;
  }

 private:
  grpc::ClientContext ctx_;
  v1::DownloadDocumentRequest request_;
  v1::DownloadDocumentResponse message_;
  std::function<void(bool)> done_;
};

// ---- Synthetic data
// --------------------------------------------------------------

// Names built from syllables (a few hundred thousand distinct given and
// family names), so that the name index sees a roster's variety rather than
// thousands of copies of a dozen names; a few common names recur, as they do.
const char* const kSyllables[] = {
    "a",  "ba", "da",  "fa",  "ga",  "ha",  "ka",  "la",  "ma",  "na",
    "ra", "sa", "ta",  "wa",  "ya",  "za",  "be",  "de",  "fe",  "ge",
    "he", "ke", "le",  "me",  "ne",  "re",  "se",  "te",  "bi",  "di",
    "fi", "gi", "hi",  "ki",  "li",  "mi",  "ni",  "ri",  "si",  "ti",
    "bo", "do", "go",  "ho",  "ko",  "lo",  "mo",  "no",  "ro",  "so",
    "to", "bu", "du",  "gu",  "hu",  "ku",  "lu",  "mu",  "nu",  "ru",
    "su", "tu", "ahm", "sel", "tes", "kid", "ale", "ngo", "oka", "nam"};
constexpr int kSyllableCount = sizeof(kSyllables) / sizeof(kSyllables[0]);
const char* const kCommonGiven[] = {"Mohammed", "Fatima", "Amanuel",
                                    "Maria",    "Ahmed",  "Selam"};
std::string Capitalized(std::string word) {
  if (!word.empty()) word[0] = static_cast<char>(word[0] - 'a' + 'A');
  return word;
}

// A pseudo-name of two or three syllables picked by `n`.
std::string Name(uint64_t n) {
  std::string name = kSyllables[n % kSyllableCount];
  name += kSyllables[(n / kSyllableCount) % kSyllableCount];
  if ((n / (kSyllableCount * kSyllableCount)) % 2 == 1) {
    name += kSyllables[(n / 7) % kSyllableCount];
  }
  return Capitalized(name);
}

v1::Client SyntheticClient(int64_t i) {
  const uint64_t h = static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull;
  v1::Client c;
  c.mutable_legal_name()->set_given_names(
      i % 20 == 0 ? kCommonGiven[(h >> 7) % 6] : Name(h >> 11));
  c.mutable_legal_name()->set_family_name(Name(h >> 37));
  c.mutable_birth_date()->set_year(1960 + static_cast<int>(i % 45));
  c.add_citizenships(i % 3 == 0 ? "ER" : (i % 3 == 1 ? "CO" : "AF"));
  return c;
}

struct Flags {
  int64_t clients = 100000, cases = 300000, documents = 2000;
  int64_t document_kib = 64;
  int concurrency = 32;
  int seconds = 60;
  std::map<std::string, int> mix = {{"read_case", 30}, {"list_deadlines", 25},
                                    {"search", 15},    {"create_client", 10},
                                    {"upload", 10},    {"download", 10}};
};

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(argv[i], absl::MaxSplits('=', 1));
    if (kv.first == "clients") absl::SimpleAtoi(kv.second, &f.clients);
    if (kv.first == "cases") absl::SimpleAtoi(kv.second, &f.cases);
    if (kv.first == "documents") absl::SimpleAtoi(kv.second, &f.documents);
    if (kv.first == "document_kib") {
      absl::SimpleAtoi(kv.second, &f.document_kib);
    }
    if (kv.first == "concurrency") absl::SimpleAtoi(kv.second, &f.concurrency);
    if (kv.first == "seconds") absl::SimpleAtoi(kv.second, &f.seconds);
    if (kv.first == "mix") {
      f.mix.clear();
      for (absl::string_view part : absl::StrSplit(kv.second, ',')) {
        std::pair<std::string, std::string> w =
            absl::StrSplit(part, absl::MaxSplits(':', 1));
        int weight = 0;
        if (absl::SimpleAtoi(w.second, &weight) && weight > 0)
          f.mix[w.first] = weight;
      }
    }
  }
  return f;
}

void PrintSummary(const std::string& title,
                  const std::map<std::string, Stats::Summary>& summary) {
  std::printf("%s\n", title.c_str());
  std::printf("  %-16s %10s %9s %9s %9s %9s %7s\n", "call", "per sec", "p50 ms",
              "p90 ms", "p99 ms", "max ms", "errors");
  for (const auto& [kind, s] : summary) {
    std::printf("  %-16s %10.1f %9.2f %9.2f %9.2f %9.1f %7lld\n", kind.c_str(),
                s.per_second, s.p50, s.p90, s.p99, s.max,
                static_cast<long long>(s.errors));
  }
}

}  // namespace
}  // namespace clinic

int main(int argc, char** argv) {
  using namespace clinic;  // NOLINT
  const Flags flags = ParseFlags(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  auto started =
      testing::Deployment::Start(testing::Deployment::Kind::kAllInOne);
  if (!started.ok()) {
    std::fprintf(stderr, "cannot start clinicd: %s\n",
                 started.status().ToString().c_str());
    return 1;
  }
  auto deployment = *std::move(started);
  auto intake_token = testing::CreateUserAndSignIn(deployment->Channel("auth"),
                                                   deployment->admin_token(),
                                                   "ines", {v1::ROLE_INTAKE});
  auto lawyer_token = testing::CreateUserAndSignIn(deployment->Channel("auth"),
                                                   deployment->admin_token(),
                                                   "lena", {v1::ROLE_LAWYER});
  if (!intake_token.ok() || !lawyer_token.ok()) return 1;
  // Access tokens live 15 minutes; a long seeding signs in again, as a
  // client library refreshes.
  absl::Mutex token_mu;
  std::map<std::string, std::string> tokens = {{"ines", *intake_token},
                                               {"lena", *lawyer_token}};
  auto token_of = [&](const std::string& user) {
    absl::MutexLock lock(&token_mu);
    return tokens[user];
  };
  auto ines = [&] { return token_of("ines"); };
  auto lena = [&] { return token_of("lena"); };
  std::atomic<bool> finished{false};
  std::thread renewer([&] {
    absl::Time renewed = absl::Now();
    while (!finished.load()) {
      absl::SleepFor(absl::Seconds(1));
      if (absl::Now() - renewed < absl::Minutes(10)) continue;
      renewed = absl::Now();
      for (const char* user : {"ines", "lena"}) {
        auto login = testing::LogIn(deployment->Channel("auth"), user,
                                    testing::kTestPassword);
        if (!login.ok()) continue;
        absl::MutexLock lock(&token_mu);
        tokens[user] = login->access_token();
      }
    }
  });
  struct StopRenewing {
    std::atomic<bool>& finished;
    std::thread& renewer;
    ~StopRenewing() {
      finished = true;
      renewer.join();
    }
  } stop_renewing{finished, renewer};
  // Several connections, as many clients would open.
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  const std::string ca = *storage::ReadFile(deployment->ca_file(), 1 << 20);
  for (int i = 0; i < 8; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("clinic.bench.channel", i);
    args.SetMaxReceiveMessageSize(64 << 20);
    channels.push_back(
        grpc::CreateCustomChannel(deployment->Address("intake"),
                                  MakeChannelCredentials(ca, nullptr), args));
  }
  std::vector<std::unique_ptr<v1::IntakeService::Stub>> intake;
  std::vector<std::unique_ptr<v1::DeadlineService::Stub>> deadlines;
  std::vector<std::unique_ptr<v1::HearingService::Stub>> hearings;
  std::vector<std::unique_ptr<v1::DocumentService::Stub>> documents;
  for (auto& ch : channels) {
    intake.push_back(std::make_unique<v1::IntakeService::Stub>(ch));
    deadlines.push_back(std::make_unique<v1::DeadlineService::Stub>(ch));
    hearings.push_back(std::make_unique<v1::HearingService::Stub>(ch));
    documents.push_back(std::make_unique<v1::DocumentService::Stub>(ch));
  }
  std::atomic<uint64_t> rr{0};
  auto pickc = [&] { return static_cast<size_t>(rr++ % channels.size()); };
  const int pid = deployment->Pid("intake");
  std::printf(
      "Load generator against clinicd (pid %d), TLS on loopback, 2 cores "
      "shared by the generator and the server\n",
      pid);

  // ---- Seeding
  absl::Mutex mu;
  std::vector<std::string> client_names;  // filled once seeding is done
  std::vector<v1::PersonName> client_legal_names;
  std::vector<std::string> case_names;
  std::vector<std::string> document_names;
  const absl::Time never = absl::InfiniteFuture();
  auto seed = [&](const std::string& what, int64_t n, Operation op) {
    Stats stats;
    const absl::Time t0 = absl::Now();
    const ProcessUsage before = UsageOf(pid);
    Drive(
        flags.concurrency, never, n, [&] { return what; }, {{what, op}},
        &stats);
    const absl::Duration elapsed = absl::Now() - t0;
    const ProcessUsage after = UsageOf(pid);
    PrintSummary(
        absl::StrFormat("seeding: %lld x %s in %.1f s (server cpu %.0f%%)",
                        static_cast<long long>(n), what,
                        absl::ToDoubleSeconds(elapsed),
                        100 * (after.cpu_seconds - before.cpu_seconds) /
                            absl::ToDoubleSeconds(elapsed)),
        stats.Summarize(elapsed));
  };
  std::atomic<int64_t> next{0};
  seed("create_client", flags.clients, [&](std::function<void(bool)> done) {
    v1::CreateClientRequest req;
    *req.mutable_client() = SyntheticClient(next++);
    auto* stub = intake[pickc()].get();
    Unary<v1::CreateClientRequest, v1::Client>(
        ines(), req,
        [stub](auto* ctx, auto* rq, auto* rs, auto cb) {
          stub->async()->CreateClient(ctx, rq, rs, std::move(cb));
        },
        std::move(done));
  });
  // The names come back in the responses; list them (cheaper than keeping
  // each response alive through the callback).
  {
    v1::ListClientsRequest req;
    req.set_page_size(200);
    do {
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer " + ines());
      v1::ListClientsResponse resp;
      if (!intake[0]->ListClients(&ctx, req, &resp).ok()) break;
      for (const auto& c : resp.clients()) {
        client_names.push_back(c.name());
        client_legal_names.push_back(c.legal_name());
      }
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty());
  }
  if (client_names.empty()) {
    std::fprintf(stderr, "no clients were created\n");
    return 1;
  }
  // A case: a conflict check, then the case, then a referral (its deadlines),
  // and for one case in ten a hearing.
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  absl::TimeZone toronto;
  absl::LoadTimeZone("America/Toronto", &toronto);
  auto schedule_hearing = [&](size_t ch, const std::string& kase, int64_t i,
                              std::function<void(bool)> done) {
    v1::ScheduleHearingRequest schedule;
    schedule.set_case_(kase);
    v1::Hearing* h = schedule.mutable_hearing();
    h->set_division(v1::IRB_DIVISION_RPD);
    h->set_kind(v1::HEARING_KIND_MERITS);
    // A weekday from 60 days on, 09:30 in Toronto.
    absl::CivilDay day = today + 60 + (i / 10) % 365;
    while (absl::GetWeekday(day) == absl::Weekday::saturday ||
           absl::GetWeekday(day) == absl::Weekday::sunday) {
      ++day;
    }
    const absl::Time at = absl::FromCivil(
        absl::CivilSecond(day.year(), day.month(), day.day(), 9, 30), toronto);
    h->mutable_start_time()->set_seconds(absl::ToUnixSeconds(at));
    h->mutable_duration()->set_seconds(3 * 3600);
    h->set_time_zone("America/Toronto");
    h->set_mode(v1::HEARING_MODE_VIDEO);
    h->set_video_link("https://irb.example/room/1");
    h->set_counsel("users/lena");
    schedule.set_accept_conflicts_reason(
        "synthetic data: one lawyer carries every case");
    Unary<v1::ScheduleHearingRequest, v1::ScheduleHearingResponse>(
        lena(), schedule,
        [&, ch](auto* ctx, auto* rq, auto* rs, auto cb) {
          hearings[ch]->async()->ScheduleHearing(ctx, rq, rs, std::move(cb));
        },
        std::move(done));
  };
  auto record_referral = [&](size_t ch, const std::string& kase, int64_t i,
                             std::function<void(bool)> done) {
    v1::RecordEventRequest referral;
    referral.mutable_event()->set_case_(kase);
    referral.mutable_event()->set_type(v1::EVENT_TYPE_CLAIM_REFERRED);
    referral.mutable_event()->mutable_date()->set_year(today.year());
    referral.mutable_event()->mutable_date()->set_month(today.month());
    referral.mutable_event()->mutable_date()->set_day(today.day());
    Unary<v1::RecordEventRequest, v1::RecordEventResponse>(
        lena(), referral,
        [&, ch](auto* ctx, auto* rq, auto* rs, auto cb) {
          deadlines[ch]->async()->RecordEvent(ctx, rq, rs, std::move(cb));
        },
        std::function<void(bool)>([&, ch, kase, i, done](bool ok) {
          if (!ok || i % 10 != 0) return done(ok);
          schedule_hearing(ch, kase, i, done);
        }));
  };
  auto open_case = [&](size_t ch, const std::string& principal, int64_t i,
                       const v1::ConflictCheck& check,
                       std::function<void(bool)> done) {
    v1::OpenCaseRequest open;
    open.mutable_case_()->set_type(v1::CASE_TYPE_RPD_CLAIM);
    open.mutable_case_()->set_principal_client(principal);
    open.mutable_case_()->set_province(i % 2 ? v1::PROVINCE_ON
                                             : v1::PROVINCE_QC);
    open.set_conflict_check(check.name());
    if (check.outcome() == v1::ConflictCheck::OUTCOME_POTENTIAL_CONFLICT) {
      open.set_conflict_waiver_reason(
          "reviewed: the matches are other people (synthetic data)");
    }
    v1::TeamMember* lead = open.add_team();
    lead->set_user("users/lena");
    lead->set_role(v1::TEAM_ROLE_LEAD_LAWYER);
    Unary<v1::OpenCaseRequest, v1::Case>(
        ines(), open,
        [&, ch](auto* ctx, auto* rq, auto* rs, auto cb) {
          intake[ch]->async()->OpenCase(ctx, rq, rs, std::move(cb));
        },
        std::function<void(bool, const v1::Case&)>(
            [&, ch, i, done](bool ok, const v1::Case& kase) {
              if (!ok) return done(false);
              {
                absl::MutexLock lock(&mu);
                case_names.push_back(kase.name());
              }
              record_referral(ch, kase.name(), i, done);
            }));
  };
  // A case: a conflict check, the case, a referral (its deadlines), and for
  // one case in ten a hearing: each call started when the last one answers.
  next = 0;
  seed("open_case", flags.cases, [&](std::function<void(bool)> done) {
    const int64_t i = next++;
    const int64_t k = i % static_cast<int64_t>(client_names.size());
    const std::string principal = client_names[static_cast<size_t>(k)];
    const size_t ch = pickc();
    v1::CheckConflictsRequest check;
    *check.add_subjects()->mutable_name() =
        client_legal_names[static_cast<size_t>(k)];
    check.mutable_subjects(0)->set_client(principal);
    Unary<v1::CheckConflictsRequest, v1::ConflictCheck>(
        ines(), check,
        [&, ch](auto* ctx, auto* rq, auto* rs, auto cb) {
          intake[ch]->async()->CheckConflicts(ctx, rq, rs, std::move(cb));
        },
        std::function<void(bool, const v1::ConflictCheck&)>(
            [&, ch, principal, i, done](bool ok,
                                        const v1::ConflictCheck& result) {
              if (!ok) return done(false);
              open_case(ch, principal, i, result, done);
            }));
  });
  if (case_names.empty()) {
    std::fprintf(stderr, "no cases were opened\n");
    return 1;
  }
  const std::string content(static_cast<size_t>(flags.document_kib) << 10, 'r');
  next = 0;
  seed("upload", flags.documents, [&](std::function<void(bool)> done) {
    const std::string kase =
        case_names[static_cast<size_t>(next++) % case_names.size()];
    new UploadCall(documents[pickc()].get(), lena(), kase, content,
                   [&, done](bool ok, const std::string& name) {
                     if (ok) {
                       absl::MutexLock lock(&mu);
                       document_names.push_back(name);
                     }
                     done(ok);
                   });
  });

  // ---- The measured run
  std::mt19937_64 generator(42);
  absl::Mutex random_mu;
  auto random = [&] {
    absl::MutexLock lock(&random_mu);
    return generator();
  };
  // A seeded case, picked at random.
  auto random_case = [&] {
    absl::MutexLock lock(&mu);
    return case_names[random() % case_names.size()];
  };
  std::map<std::string, Operation> mix;
  mix["read_case"] = [&](std::function<void(bool)> done) {
    v1::GetCaseRequest req;
    req.set_name(random_case());
    auto* stub = intake[pickc()].get();
    Unary<v1::GetCaseRequest, v1::Case>(
        lena(), req,
        [stub](auto* ctx, auto* rq, auto* rs, auto cb) {
          stub->async()->GetCase(ctx, rq, rs, std::move(cb));
        },
        std::move(done));
  };
  mix["list_deadlines"] = [&](std::function<void(bool)> done) {
    v1::ListDeadlinesRequest req;
    req.set_case_(random_case());
    auto* stub = deadlines[pickc()].get();
    Unary<v1::ListDeadlinesRequest, v1::ListDeadlinesResponse>(
        lena(), req,
        [stub](auto* ctx, auto* rq, auto* rs, auto cb) {
          stub->async()->ListDeadlines(ctx, rq, rs, std::move(cb));
        },
        std::move(done));
  };
  mix["search"] = [&](std::function<void(bool)> done) {
    v1::SearchClientsRequest req;
    const uint64_t r = random();
    // Someone on the roster, by their full name.
    const v1::PersonName name =
        SyntheticClient(static_cast<int64_t>(r % flags.clients)).legal_name();
    req.set_query(absl::StrCat(name.given_names(), " ", name.family_name()));
    auto* stub = intake[pickc()].get();
    Unary<v1::SearchClientsRequest, v1::SearchClientsResponse>(
        ines(), req,
        [stub](auto* ctx, auto* rq, auto* rs, auto cb) {
          stub->async()->SearchClients(ctx, rq, rs, std::move(cb));
        },
        std::move(done));
  };
  mix["create_client"] = [&](std::function<void(bool)> done) {
    v1::CreateClientRequest req;
    *req.mutable_client() = SyntheticClient(flags.clients + next++);
    auto* stub = intake[pickc()].get();
    Unary<v1::CreateClientRequest, v1::Client>(
        ines(), req,
        [stub](auto* ctx, auto* rq, auto* rs, auto cb) {
          stub->async()->CreateClient(ctx, rq, rs, std::move(cb));
        },
        std::move(done));
  };
  mix["upload"] = [&](std::function<void(bool)> done) {
    new UploadCall(documents[pickc()].get(), lena(), random_case(), content,
                   [done](bool ok, const std::string&) { done(ok); });
  };
  mix["download"] = [&](std::function<void(bool)> done) {
    std::string name;
    {
      absl::MutexLock lock(&mu);
      if (document_names.empty()) return done(false);
      name = document_names[random() % document_names.size()];
    }
    new DownloadCall(documents[pickc()].get(), lena(), name, std::move(done));
  };
  std::vector<std::pair<std::string, int>> weights;
  int total_weight = 0;
  for (const auto& [kind, w] : flags.mix) {
    if (mix.count(kind) == 0) {
      std::fprintf(stderr, "unknown call in mix: %s\n", kind.c_str());
      return 2;
    }
    weights.emplace_back(kind, w);
    total_weight += w;
  }
  auto pick = [&] {
    int r = static_cast<int>(random() % total_weight);
    for (const auto& [kind, w] : weights) {
      if (r < w) return kind;
      r -= w;
    }
    return weights.back().first;
  };
  const absl::Duration run = absl::Seconds(flags.seconds);
  Stats stats;
  const ProcessUsage before = UsageOf(pid);
  absl::Time t0 = absl::Now();
  Drive(flags.concurrency, t0 + run, INT64_MAX, pick, mix, &stats);
  absl::Duration elapsed = absl::Now() - t0;
  const ProcessUsage after = UsageOf(pid);
  auto mixed = stats.Summarize(elapsed);
  int64_t calls = 0, errors = 0;
  for (const auto& [kind, s] : mixed) {
    calls += s.calls;
    errors += s.errors;
  }
  PrintSummary(
      absl::StrFormat(
          "mixed load: concurrency %d, %.0f s, %lld calls (%.1f/s), "
          "%lld errors; server cpu %.0f%%, server peak RSS %.0f MiB",
          flags.concurrency, absl::ToDoubleSeconds(elapsed),
          static_cast<long long>(calls), calls / absl::ToDoubleSeconds(elapsed),
          static_cast<long long>(errors),
          100 * (after.cpu_seconds - before.cpu_seconds) /
              absl::ToDoubleSeconds(elapsed),
          after.peak_rss_mib),
      mixed);

  // ---- Reads alone against the framework's ceiling, same engine.
  const absl::Duration short_run = absl::Seconds(std::min(flags.seconds, 10));
  Stats reads;
  t0 = absl::Now();
  Drive(
      flags.concurrency, t0 + short_run, INT64_MAX,
      [] { return std::string("read_case"); },
      {{"read_case", mix["read_case"]}}, &reads);
  auto read_summary = reads.Summarize(absl::Now() - t0)["read_case"];

  // The framework's ceiling, with clinicd's certificate (kAllInOne's layout).
  auto bare = bench::BareServer::Start(deployment->root() + "/data/tls");
  if (!bare.ok()) {
    std::fprintf(stderr, "cannot start the bare server: %s\n",
                 bare.status().ToString().c_str());
    return 1;
  }
  const int bare_port = (*bare)->port();
  std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> bare_stubs;
  for (int i = 0; i < 8; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("clinic.bench.channel", i);
    bare_stubs.push_back(std::make_unique<grpc::health::v1::Health::Stub>(
        grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", bare_port),
                                  MakeChannelCredentials(ca, nullptr), args)));
  }
  Stats ceiling;
  t0 = absl::Now();
  Drive(
      flags.concurrency, t0 + short_run, INT64_MAX,
      [] { return std::string("bare_check"); },
      {{"bare_check",
        [&](std::function<void(bool)> done) {
          auto* stub = bare_stubs[pickc() % bare_stubs.size()].get();
          Unary<grpc::health::v1::HealthCheckRequest,
                grpc::health::v1::HealthCheckResponse>(
              "", {},
              [stub](auto* ctx, auto* rq, auto* rs, auto cb) {
                stub->async()->Check(ctx, rq, rs, std::move(cb));
              },
              std::move(done));
        }}},
      &ceiling);
  auto bare_summary = ceiling.Summarize(absl::Now() - t0)["bare_check"];
  std::printf(
      "reads alone vs the framework's ceiling (concurrency %d)\n"
      "  GetCase, authn+authz+audited  %9.1f/s  p99 %.2f ms  errors %lld\n"
      "  bare gRPC, trivial RPC        %9.1f/s  p99 %.2f ms\n"
      "  ratio: throughput %.2f (target >= 0.70), p99 %.2fx (target <= 2)\n",
      flags.concurrency, read_summary.per_second, read_summary.p99,
      static_cast<long long>(read_summary.errors), bare_summary.per_second,
      bare_summary.p99, read_summary.per_second / bare_summary.per_second,
      read_summary.p99 / bare_summary.p99);
  return errors > 0 ? 1 : 0;
}
