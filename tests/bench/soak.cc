// Mixed load against the real clinicd process for a long time, watching the
// server for leaks: its resident memory and open file descriptors are sampled
// throughout, errors are counted, and at the end every write the server
// acknowledged is read back.
//
//   bazel run --config=opt //tests/bench:soak -- [minutes, default 30]
//       [concurrency, default 8] [seed clients, default 2000]
//
// The mix (per worker, round robin): read a client, search by name, list a
// case's deadlines, create a client, upload a 64 KiB document, download it.
// For the first third of the time all of it; then without the creations and
// uploads, so that the data stops growing: from then on, memory and
// descriptors must stay flat (caches and the name index legitimately grow with
// the data, a leak grows with the calls). Exits non-zero on any error, any
// lost write, or growth in the second phase (memory by more than 10% between
// its first and last fifth, descriptors by more than 4).
#include <dirent.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "clinic/v1/deadline.grpc.pb.h"
#include "clinic/v1/document.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "storage/crypto/sha256.h"
#include "tests/bench/load.h"
#include "tests/testing/accounts.h"
#include "tests/testing/cases.h"
#include "tests/testing/deployment.h"

namespace clinic {
namespace {

using testing::TokenContext;

struct Sample {
  double minutes;
  double rss_mib;
  int fds;
};

Sample Measure(int pid, absl::Time start) {
  Sample s{absl::ToDoubleMinutes(absl::Now() - start), 0, 0};
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      double kib = 0;
      absl::SimpleAtod(
          absl::StripAsciiWhitespace(line.substr(6, line.size() - 9)), &kib);
      s.rss_mib = kib / 1024;
    }
  }
  if (DIR* d = opendir(absl::StrCat("/proc/", pid, "/fd").c_str())) {
    while (readdir(d) != nullptr) ++s.fds;
    closedir(d);
    s.fds -= 2;  // . and ..
  }
  return s;
}

// Staff sessions for a run longer than an access token lives: signed in again
// every few minutes, as a client library would refresh.
class Sessions {
 public:
  explicit Sessions(std::shared_ptr<grpc::Channel> auth)
      : auth_(std::move(auth)) {}
  void Set(const std::string& user, const std::string& token) {
    absl::MutexLock lock(&mu_);
    tokens_[user] = token;
  }
  std::string Token(const std::string& user) const {
    absl::MutexLock lock(&mu_);
    return tokens_.at(user);
  }
  void Renew() {
    for (const std::string& user : {std::string("ines"), std::string("lena")}) {
      auto login = testing::LogIn(auth_, user, testing::kTestPassword);
      if (login.ok()) Set(user, login->access_token());
    }
  }

 private:
  const std::shared_ptr<grpc::Channel> auth_;
  mutable absl::Mutex mu_;
  std::map<std::string, std::string> tokens_;
};

}  // namespace
}  // namespace clinic

int main(int argc, char** argv) {
  using namespace clinic;  // NOLINT
  const double minutes = argc > 1 ? std::atof(argv[1]) : 30;
  const int concurrency = argc > 2 ? std::atoi(argv[2]) : 8;
  const int seed_clients = argc > 3 ? std::atoi(argv[3]) : 2000;
  auto d = testing::Deployment::Start(testing::Deployment::Kind::kAllInOne);
  if (!d.ok()) {
    std::fprintf(stderr, "cannot start: %s\n", d.status().ToString().c_str());
    return 1;
  }
  auto deployment = *std::move(d);
  auto intake_token = testing::CreateUserAndSignIn(deployment->Channel("auth"),
                                                   deployment->admin_token(),
                                                   "ines", {v1::ROLE_INTAKE});
  auto lawyer_token = testing::CreateUserAndSignIn(deployment->Channel("auth"),
                                                   deployment->admin_token(),
                                                   "lena", {v1::ROLE_LAWYER});
  if (!intake_token.ok() || !lawyer_token.ok()) return 1;
  Sessions sessions(deployment->Channel("auth"));
  sessions.Set("ines", *intake_token);
  sessions.Set("lena", *lawyer_token);
  v1::IntakeService::Stub intake(deployment->Channel("intake"));
  v1::DeadlineService::Stub deadlines(deployment->Channel("deadline"));
  v1::DocumentService::Stub documents(deployment->Channel("document"));

  // Seed: clients, and one case with deadlines to read.
  std::printf("seeding %d clients...\n", seed_clients);
  std::vector<std::string> clients;
  const char* families[] = {"Tesfay", "Haile",  "Rodríguez", "Mohammadi",
                            "Okafor", "Nguyen", "Petrenko",  "Abdi"};
  for (int i = 0; i < seed_clients; ++i) {
    v1::CreateClientRequest req;
    req.mutable_client()->mutable_legal_name()->set_given_names(
        absl::StrCat("Seed", i));
    req.mutable_client()->mutable_legal_name()->set_family_name(
        families[i % 8]);
    v1::Client out;
    auto ctx = TokenContext(*intake_token);
    if (intake.CreateClient(ctx.get(), req, &out).ok()) {
      clients.push_back(out.name());
    }
  }
  v1::Client principal;
  principal.set_name(clients.front());
  *principal.mutable_legal_name() =
      testing::Person("Seed0", families[0]).legal_name();
  auto opened = testing::OpenCaseFor(deployment->Channel("intake"),
                                     *intake_token, principal);
  if (!opened.ok()) {
    std::fprintf(stderr, "cannot open the case: %s\n",
                 opened.status().ToString().c_str());
    return 1;
  }
  const v1::Case kase = *opened;
  v1::RecordEventRequest referral;
  referral.mutable_event()->set_case_(kase.name());
  referral.mutable_event()->set_type(v1::EVENT_TYPE_CLAIM_REFERRED);
  absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::LocalTimeZone());
  referral.mutable_event()->mutable_date()->set_year(today.year());
  referral.mutable_event()->mutable_date()->set_month(today.month());
  referral.mutable_event()->mutable_date()->set_day(today.day());
  v1::RecordEventResponse recorded;
  auto ctx = TokenContext(*lawyer_token);
  deadlines.RecordEvent(ctx.get(), referral, &recorded);

  const int pid = deployment->Pid("intake");
  const absl::Time start = absl::Now();
  std::vector<Sample> samples{Measure(pid, start)};
  std::atomic<bool> stop{false};
  std::atomic<bool> writing{true};
  std::mutex mu;
  std::vector<std::string> created;                       // client names
  std::vector<std::pair<std::string, std::string>> docs;  // name, sha
  std::atomic<int64_t> ops{0}, errors{0};
  std::thread sampler([&] {
    absl::Time renewed = absl::Now();
    while (!stop.load()) {
      absl::SleepFor(absl::Seconds(10));
      samples.push_back(Measure(pid, start));
      if (absl::Now() - renewed > absl::Minutes(5)) {
        sessions.Renew();
        renewed = absl::Now();
      }
    }
  });
  std::vector<std::thread> workers;
  for (int w = 0; w < concurrency; ++w) {
    workers.emplace_back([&, w] {
      std::string last_doc;
      for (int i = 0; !stop.load(); ++i) {
        bool ok = false;
        int kind = i % 6;
        if (!writing.load() && (kind == 3 || kind == 4)) kind = i % 3;
        switch (kind) {
          case 0: {
            v1::GetClientRequest get;
            get.set_name(clients[(w * 7919 + i) % clients.size()]);
            v1::Client out;
            auto c = TokenContext(sessions.Token("ines"));
            ok = intake.GetClient(c.get(), get, &out).ok();
            break;
          }
          case 1: {
            v1::SearchClientsRequest search;
            search.set_query(families[i % 8]);
            v1::SearchClientsResponse out;
            auto c = TokenContext(sessions.Token("ines"));
            ok = intake.SearchClients(c.get(), search, &out).ok();
            break;
          }
          case 2: {
            v1::ListDeadlinesRequest list;
            list.set_case_(kase.name());
            v1::ListDeadlinesResponse out;
            auto c = TokenContext(sessions.Token("lena"));
            ok = deadlines.ListDeadlines(c.get(), list, &out).ok();
            break;
          }
          case 3: {
            v1::CreateClientRequest req;
            req.mutable_client()->mutable_legal_name()->set_given_names("Soak");
            req.mutable_client()->mutable_legal_name()->set_family_name(
                absl::StrCat("W", w, "N", i));
            v1::Client out;
            auto c = TokenContext(sessions.Token("ines"));
            ok = intake.CreateClient(c.get(), req, &out).ok();
            if (ok) {
              std::lock_guard<std::mutex> lock(mu);
              created.push_back(out.name());
            }
            break;
          }
          case 4: {
            std::string content =
                absl::StrCat("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n", w, "-", i, "\n");
            content.resize(64 * 1024, 'x');
            v1::Document out;
            auto c = TokenContext(sessions.Token("lena"));
            auto upload = documents.UploadDocument(c.get(), &out);
            v1::UploadDocumentRequest first;
            first.mutable_metadata()->set_case_(kase.name());
            first.mutable_metadata()->set_type(v1::DOCUMENT_TYPE_EVIDENCE);
            first.mutable_metadata()->set_title(
                absl::StrCat("Soak ", w, "-", i));
            first.mutable_metadata()->set_media_type("application/pdf");
            first.mutable_metadata()->set_declared_size_bytes(content.size());
            v1::UploadDocumentRequest chunk;
            chunk.set_chunk(content);
            upload->Write(first);
            upload->Write(chunk);
            upload->WritesDone();
            ok = upload->Finish().ok();
            if (ok) {
              last_doc = out.name();
              std::lock_guard<std::mutex> lock(mu);
              docs.emplace_back(out.name(), storage::Sha256Hex(content));
            }
            break;
          }
          default: {
            if (last_doc.empty()) {
              ok = true;
              break;
            }
            v1::DownloadDocumentRequest get;
            get.set_name(last_doc);
            auto c = TokenContext(sessions.Token("lena"));
            auto reader = documents.DownloadDocument(c.get(), get);
            v1::DownloadDocumentResponse part;
            while (reader->Read(&part)) {
            }
            ok = reader->Finish().ok();
            break;
          }
        }
        ++ops;
        if (!ok) ++errors;
      }
    });
  }
  absl::SleepFor(absl::Seconds(minutes * 20));
  writing = false;
  const size_t steady_from = samples.size() + 1;
  absl::SleepFor(absl::Seconds(minutes * 40));
  stop = true;
  for (auto& t : workers) t.join();
  sampler.join();
  samples.push_back(Measure(pid, start));
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);

  // Every acknowledged write reads back.
  sessions.Renew();
  int64_t missing = 0;
  for (const std::string& name : created) {
    v1::GetClientRequest get;
    get.set_name(name);
    v1::Client out;
    auto c = TokenContext(sessions.Token("ines"));
    if (!intake.GetClient(c.get(), get, &out).ok()) ++missing;
  }
  for (const auto& [name, sha] : docs) {
    v1::GetDocumentRequest get;
    get.set_name(name);
    v1::Document out;
    auto c = TokenContext(sessions.Token("lena"));
    if (!documents.GetDocument(c.get(), get, &out).ok() ||
        out.versions().empty() || out.versions(0).sha256() != sha) {
      ++missing;
    }
  }

  std::printf(
      "soak: %.1f min, %d workers, %lld operations (%.0f/s), %lld "
      "errors; %zu clients and %zu documents written, %lld missing "
      "afterwards\n",
      seconds / 60, concurrency, static_cast<long long>(ops.load()),
      ops.load() / seconds, static_cast<long long>(errors.load()),
      created.size(), docs.size(), static_cast<long long>(missing));
  std::printf("server samples (minute: RSS MiB, open fds):\n");
  for (const Sample& s : samples) {
    std::printf("  %5.1f: %6.1f MiB  %3d fds\n", s.minutes, s.rss_mib, s.fds);
  }
  // Growth while the data stood still: the last fifth of the second phase
  // against its first fifth.
  const std::vector<Sample> steady(
      samples.begin() + std::min(steady_from, samples.size() - 1),
      samples.end());
  const size_t n = steady.size();
  const size_t fifth = std::max<size_t>(1, n / 5);
  double early = 0, late = 0;
  int early_fds = 0, late_fds = 0;
  for (size_t i = 0; i < fifth; ++i) {
    early = std::max(early, steady[i].rss_mib);
    early_fds = std::max(early_fds, steady[i].fds);
    late = std::max(late, steady[n - 1 - i].rss_mib);
    late_fds = std::max(late_fds, steady[n - 1 - i].fds);
  }
  std::printf(
      "reads only (from minute %.1f): RSS %.1f -> %.1f MiB, fds %d -> "
      "%d\n",
      steady.front().minutes, early, late, early_fds, late_fds);
  const bool leak = late > early * 1.10 || late_fds > early_fds + 4;
  if (errors.load() > 0 || missing > 0 || leak) {
    std::printf("FAILED: %s\n", leak ? "growth" : "errors or lost writes");
    return 1;
  }
  std::printf("OK\n");
  return 0;
}
