// End to end: clinicctl's case-data commands (clients, conflict checks, cases;
// deadlines, documents, hearings) as separate processes against the real
// clinicd over TLS, each staff member signed in with their own session.
//
// Deadline, document and hearing services are still the generated stubs in
// clinicd; their commands are tested here for argument parsing, --help, and
// the message a person sees for a service the server does not offer yet.
#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "clinic/v1/deadline.pb.h"
#include "clinic/v1/document.pb.h"
#include "clinic/v1/hearing.pb.h"
#include "clinic/v1/intake.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "storage/file_util.h"
#include "tests/testing/subprocess.h"

namespace clinic {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPassword[] = "plum orchard kettle basalt";

// The first output line that is a JSON document, parsed into `message`.
template <typename Message>
::testing::AssertionResult ParseJson(const std::string& output,
                                     Message* message) {
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    if (!absl::StartsWith(line, "{")) continue;
    google::protobuf::util::JsonParseOptions options;
    auto status = google::protobuf::util::JsonStringToMessage(std::string(line),
                                                              message, options);
    if (!status.ok()) {
      return ::testing::AssertionFailure() << status.ToString() << "\n" << line;
    }
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no JSON in:\n" << output;
}

std::string OneTimePassword(const std::string& output,
                            const std::string& label) {
  size_t at = output.find(label);
  if (at == std::string::npos) return "";
  size_t start = at + label.size();
  return output.substr(start, output.find('\n', start) - start);
}

// One clinicd process with its own data directory on an ephemeral loopback
// port, and clinicctl run as its staff (each user with their own config
// directory, hence session).
class Clinic {
 public:
  // Initialises and serves (`serve_flags` are added to `clinicd serve`), then
  // signs in the administrator.
  static absl::StatusOr<std::unique_ptr<Clinic>> Start(
      const std::vector<std::string>& serve_flags) {
    auto clinic = std::unique_ptr<Clinic>(new Clinic());
    clinic->dir_ = testing::NewTempDir("clinicctl");
    clinic->data_dir_ = storage::JoinPath(clinic->dir_, "data");
    auto init =
        testing::Run({Clinicd(), "init", "--data_dir", clinic->data_dir_});
    if (!init.ok()) return init.status();
    std::string otp = OneTimePassword(init->output, "one-time password: ");
    if (init->exit_code != 0 || otp.empty()) {
      return absl::InternalError("clinicd init failed:\n" + init->output);
    }
    std::string port_file = storage::JoinPath(clinic->dir_, "port");
    std::vector<std::string> argv = {
        Clinicd(),  "serve",       "--data_dir",  clinic->data_dir_,
        "--listen", "127.0.0.1:0", "--port_file", port_file};
    argv.insert(argv.end(), serve_flags.begin(), serve_flags.end());
    auto server = testing::Subprocess::Start(
        argv, storage::JoinPath(clinic->dir_, "server.log"));
    if (!server.ok()) return server.status();
    clinic->server_ = *std::move(server);
    auto port = testing::WaitForFile(port_file, absl::Seconds(30),
                                     clinic->server_.get());
    if (!port.ok()) return port.status();
    clinic->address_ =
        absl::StrCat("127.0.0.1:", absl::StripAsciiWhitespace(*port));
    absl::Status admin = clinic->Login("admin", otp);
    if (!admin.ok()) return admin;
    return clinic;
  }

  ~Clinic() {
    if (server_ != nullptr) {
      server_->Signal(SIGTERM);
      server_->Wait(absl::Seconds(20)).IgnoreError();
    }
  }

  // The administrator creates `user` with `role`, who then signs in.
  absl::Status AddUser(const std::string& user, const std::string& role) {
    auto created =
        Ctl("admin", {"users", "create", user, "--name", user, "--role", role});
    if (!created.ok()) return created.status();
    std::string otp = OneTimePassword(created->output, "(shown only now): ");
    if (created->exit_code != 0 || otp.empty()) {
      return absl::InternalError("users create failed:\n" + created->output);
    }
    return Login(user, otp);
  }

  // Runs clinicctl as `user`.
  absl::StatusOr<testing::RunResult> Ctl(const std::string& user,
                                         std::vector<std::string> args,
                                         const std::string& input = "") const {
    return testing::Run(CtlArgv(user, std::move(args)), input);
  }

  // The command line that runs clinicctl as `user`.
  std::vector<std::string> CtlArgv(const std::string& user,
                                   std::vector<std::string> args) const {
    std::vector<std::string> argv = {
        "/usr/bin/env",
        "CLINICCTL_CONFIG_DIR=" + dir_ + "/cfg-" + user,
        Clinicctl(),
        "--server",
        address_,
        "--ca",
        storage::JoinPath(data_dir_, "tls/ca.crt")};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  const std::string& dir() const { return dir_; }

  static std::string Clinicd() {
    return testing::RunfilePath("services/clinicd/clinicd");
  }
  static std::string Clinicctl() {
    return testing::RunfilePath("clients/clinicctl/clinicctl");
  }

 private:
  Clinic() = default;

  // Signs in with a one-time password, choosing a new password.
  absl::Status Login(const std::string& user, const std::string& otp) {
    auto login = Ctl(user, {"login", user},
                     otp + "\n" + kPassword + "\n" + kPassword + "\n");
    if (!login.ok()) return login.status();
    if (login->exit_code != 0) {
      return absl::InternalError("login failed:\n" + login->output);
    }
    return absl::OkStatus();
  }

  std::string dir_, data_dir_, address_;
  std::unique_ptr<testing::Subprocess> server_;
};

// The whole clinic (every service), shared by the tests below: an intake
// worker (ines) and two lawyers (lena, omar).
class ClinicctlIntakeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto clinic = Clinic::Start({});
    ASSERT_TRUE(clinic.ok()) << clinic.status();
    clinic_ = clinic->release();
    for (const auto& [user, role] :
         std::vector<std::pair<std::string, std::string>>{
             {"ines", "intake"}, {"lena", "lawyer"}, {"omar", "lawyer"}}) {
      absl::Status added = clinic_->AddUser(user, role);
      ASSERT_TRUE(added.ok()) << added;
    }
    dir_ = new std::string(clinic_->dir());
  }

  static void TearDownTestSuite() {
    delete clinic_;
    clinic_ = nullptr;
  }

  static std::string Clinicctl() { return Clinic::Clinicctl(); }

  static absl::StatusOr<testing::RunResult> Ctl(const std::string& user,
                                                std::vector<std::string> args,
                                                const std::string& input = "") {
    return clinic_->Ctl(user, std::move(args), input);
  }

  // Registers a person as intake worker ines; their resource name.
  static std::string CreateClient(std::vector<std::string> flags) {
    std::vector<std::string> args = {"client", "create", "--json"};
    args.insert(args.end(), flags.begin(), flags.end());
    auto run = Ctl("ines", args);
    if (!run.ok() || run->exit_code != 0) {
      ADD_FAILURE() << (run.ok() ? run->output : run.status().ToString());
      return "";
    }
    v1::Client client;
    EXPECT_TRUE(ParseJson(run->output, &client));
    return client.name();
  }

  // A case for a new client (conflict check, registration, opening) with lena
  // as lead lawyer; its resource name.
  static std::string OpenCase(const std::string& family,
                              const std::string& given) {
    auto check = Ctl("ines", {"conflict-check", "--json", "--person",
                              family + ", " + given});
    v1::ConflictCheck clear;
    if (!check.ok() || !ParseJson(check->output, &clear)) {
      ADD_FAILURE() << "conflict check failed";
      return "";
    }
    std::string client = CreateClient({"--given", given, "--family", family});
    auto opened =
        Ctl("ines", {"case", "open", client, "--type", "rpd-claim",
                     "--province", "QC", "--conflict-check", clear.name(),
                     "--lead", "lena", "--port-of-entry", "--json"});
    v1::Case k;
    if (!opened.ok() || opened->exit_code != 0 ||
        !ParseJson(opened->output, &k)) {
      ADD_FAILURE() << (opened.ok() ? opened->output : "case open failed");
      return "";
    }
    return k.name();
  }

  static std::string DaysAgo(int days) {
    return absl::FormatTime("%Y-%m-%d", absl::Now() - absl::Hours(24 * days),
                            absl::UTCTimeZone());
  }

  static Clinic* clinic_;
  static std::string* dir_;
};

Clinic* ClinicctlIntakeTest::clinic_ = nullptr;
std::string* ClinicctlIntakeTest::dir_ = nullptr;

TEST_F(ClinicctlIntakeTest, ClientCreateRecordsEveryFieldAsTyped) {
  auto run = Ctl("ines", {"client",
                          "create",
                          "--json",
                          "--given",
                          "Amina",
                          "--family",
                          "Tesfay",
                          "--original-script",
                          "ኣሚና ተስፋይ",
                          "--born",
                          "~1990-05",
                          "--citizenship",
                          "er,sd",
                          "--language",
                          "ti",
                          "--language",
                          "ar:Sudanese Arabic",
                          "--interpreter",
                          "ti",
                          "--uci",
                          "1234-5678",
                          "--entry-mode",
                          "irregular-crossing",
                          "--entry-place",
                          "Lacolle",
                          "--entry-date",
                          "2026-10-30",
                          "--vulnerability",
                          "gender-based-violence-survivor",
                          "--alias",
                          "Tesfai, Amna"});
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->exit_code, 0) << run->output;
  v1::Client client;
  ASSERT_TRUE(ParseJson(run->output, &client));
  EXPECT_TRUE(absl::StartsWith(client.name(), "clients/"));
  EXPECT_EQ(client.legal_name().original_script(), "ኣሚና ተስፋይ");
  EXPECT_EQ(client.birth_date().year(), 1990);
  EXPECT_EQ(client.birth_date().month(), 5);
  EXPECT_EQ(client.birth_date().day(), 0);
  EXPECT_TRUE(client.birth_date().approximate());
  EXPECT_THAT(client.citizenships(), ::testing::ElementsAre("ER", "SD"));
  ASSERT_EQ(client.languages_size(), 2);
  EXPECT_EQ(client.languages(1).dialect(), "Sudanese Arabic");
  EXPECT_EQ(client.uci(), "1234-5678");
  EXPECT_EQ(client.arrival().mode(), v1::ENTRY_MODE_IRREGULAR_CROSSING);
  ASSERT_EQ(client.other_names_size(), 1);
  EXPECT_EQ(client.other_names(0).kind(), v1::OtherName::KIND_ALIAS);

  // The table view for people shows the same record.
  auto shown = Ctl("ines", {"client", "get", client.name()});
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->exit_code, 0) << shown->output;
  EXPECT_THAT(shown->output, HasSubstr("Amina TESFAY (ኣሚና ተስፋይ)"));
  EXPECT_THAT(shown->output, HasSubstr("~1990-05"));
  EXPECT_THAT(shown->output, HasSubstr("ar (Sudanese Arabic)"));
}

TEST_F(ClinicctlIntakeTest, ConflictCheckThenOpenCaseThenListAsJson) {
  // Before registering: a check on the prospective client is clear.
  auto check = Ctl("ines", {"conflict-check", "--json", "--person",
                            "Haile, Tsegay; 1985; ER"});
  ASSERT_TRUE(check.ok());
  ASSERT_EQ(check->exit_code, 0) << check->output;
  v1::ConflictCheck clear;
  ASSERT_TRUE(ParseJson(check->output, &clear));
  EXPECT_EQ(clear.outcome(), v1::ConflictCheck::OUTCOME_CLEAR);

  std::string client = CreateClient({"--given", "Tsegay", "--family", "Haile",
                                     "--born", "1985", "--citizenship", "ER"});
  ASSERT_FALSE(client.empty());
  auto opened =
      Ctl("ines", {"case", "open", client, "--type", "rpd-claim", "--province",
                   "qc", "--conflict-check", clear.name(), "--lead", "lena",
                   "--port-of-entry", "--adverse", "Haile, Berhane; 1980; ER"});
  ASSERT_TRUE(opened.ok());
  ASSERT_EQ(opened->exit_code, 0) << opened->output;
  EXPECT_THAT(opened->output, HasSubstr("Opened cases/"));
  EXPECT_THAT(opened->output, HasSubstr("lena (lead-lawyer)"));
  EXPECT_THAT(opened->output, HasSubstr("ines (intake-worker)"));

  // A later check on a spelling variant finds the client, with a score and
  // the reasons, in a table.
  auto variant =
      Ctl("ines", {"conflict-check", "--person", "Haile, Tsegaye; 1985; ER"});
  ASSERT_TRUE(variant.ok());
  EXPECT_EQ(variant->exit_code, 0) << variant->output;
  EXPECT_THAT(variant->output, HasSubstr("POTENTIAL CONFLICT"));
  EXPECT_THAT(variant->output, HasSubstr("SCORE"));
  EXPECT_THAT(variant->output, HasSubstr("WHY"));
  EXPECT_THAT(variant->output, HasSubstr(client));
  EXPECT_THAT(variant->output, HasSubstr("Tsegay HAILE"));

  // The lead lawyer's list, parsed back from JSON, holds the case.
  auto listed = Ctl("lena", {"case", "list", "--json"});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->exit_code, 0) << listed->output;
  v1::ListCasesResponse cases;
  ASSERT_TRUE(ParseJson(listed->output, &cases));
  const v1::Case* found = nullptr;
  for (const v1::Case& k : cases.cases()) {
    if (k.principal_client() == client) found = &k;
  }
  ASSERT_NE(found, nullptr) << listed->output;
  EXPECT_EQ(found->type(), v1::CASE_TYPE_RPD_CLAIM);
  EXPECT_EQ(found->province(), v1::PROVINCE_QC);
  EXPECT_EQ(found->status(), v1::CASE_STATUS_INTAKE);
  EXPECT_EQ(found->conflict_check(), clear.name());
  ASSERT_EQ(found->related_parties_size(), 1);
  EXPECT_EQ(found->related_parties(0).role(), v1::PARTY_ROLE_ADVERSE);

  // A lawyer outside the team sees neither the case nor the client.
  auto other = Ctl("omar", {"case", "list", "--json"});
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->exit_code, 0) << other->output;
  v1::ListCasesResponse none;
  ASSERT_TRUE(ParseJson(other->output, &none));
  for (const v1::Case& k : none.cases()) EXPECT_NE(k.name(), found->name());
  auto refused = Ctl("omar", {"case", "get", found->name()});
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->exit_code, 1) << refused->output;
  EXPECT_THAT(refused->output, HasSubstr("not found"));

  // The table view lists it for people.
  auto table = Ctl("lena", {"case", "list"});
  ASSERT_TRUE(table.ok());
  EXPECT_THAT(table->output, HasSubstr("CASE"));
  EXPECT_THAT(table->output, HasSubstr(found->name()));
  EXPECT_THAT(table->output, HasSubstr("rpd-claim"));
}

TEST_F(ClinicctlIntakeTest, CaseStatusAndTeamChangesFetchTheEtagFirst) {
  auto check = Ctl("ines", {"conflict-check", "--json", "--person",
                            "Osman, Yusuf; 1979; SD"});
  ASSERT_TRUE(check.ok());
  v1::ConflictCheck clear;
  ASSERT_TRUE(ParseJson(check->output, &clear));
  std::string client = CreateClient({"--given", "Yusuf", "--family", "Osman",
                                     "--born", "1979", "--citizenship", "SD"});
  ASSERT_FALSE(client.empty());
  auto opened = Ctl("ines", {"case", "open", client, "--type", "rpd-claim",
                             "--province", "ON", "--conflict-check",
                             clear.name(), "--lead", "lena", "--json"});
  ASSERT_TRUE(opened.ok());
  ASSERT_EQ(opened->exit_code, 0) << opened->output;
  v1::Case k;
  ASSERT_TRUE(ParseJson(opened->output, &k));

  auto active = Ctl("lena", {"case", "status", k.name(), "active"});
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->exit_code, 0) << active->output;
  EXPECT_THAT(active->output, HasSubstr("intake -> active"));
  // The server refuses a transition its diagram does not allow.
  auto illegal = Ctl("lena", {"case", "status", k.name(), "decided"});
  ASSERT_TRUE(illegal.ok());
  EXPECT_EQ(illegal->exit_code, 1) << illegal->output;

  auto added = Ctl(
      "lena", {"case", "team", "add", k.name(), "omar", "--role", "lawyer"});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->exit_code, 0) << added->output;
  EXPECT_THAT(added->output, HasSubstr("omar (lawyer)"));
  auto removed = Ctl("lena", {"case", "team", "remove", k.name(), "omar"});
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->exit_code, 0) << removed->output;
  EXPECT_THAT(removed->output, Not(HasSubstr("omar")));
}

TEST_F(ClinicctlIntakeTest, ClientUpdateChangesOnlyTheNamedFields) {
  std::string client =
      CreateClient({"--given", "Mohammed", "--family", "Abdelrahman", "--born",
                    "1988", "--citizenship", "SD", "--phone", "+15145550123"});
  ASSERT_FALSE(client.empty());
  auto updated =
      Ctl("ines", {"client", "update", client, "--city", "Montréal", "--street",
                   "1 rue Sainte-Catherine", "--province", "qc",
                   "--postal-code", "H2X 1Y4", "--json"});
  ASSERT_TRUE(updated.ok());
  ASSERT_EQ(updated->exit_code, 0) << updated->output;
  v1::Client c;
  ASSERT_TRUE(ParseJson(updated->output, &c));
  EXPECT_EQ(c.contact().address().city(), "Montréal");
  EXPECT_EQ(c.contact().phone(), "+15145550123");  // kept
  EXPECT_EQ(c.legal_name().family_name(), "Abdelrahman");

  auto search = Ctl(
      "ines", {"client", "search", "Muhammad Abd al-Rahman", "--born", "1988"});
  ASSERT_TRUE(search.ok());
  EXPECT_EQ(search->exit_code, 0) << search->output;
  EXPECT_THAT(search->output, HasSubstr(client));
  EXPECT_THAT(search->output, HasSubstr("SCORE"));
}

TEST_F(ClinicctlIntakeTest, FamilyLinkRecordsBothDirections) {
  std::string parent = CreateClient({"--given", "Selam", "--family", "Kidane"});
  std::string child = CreateClient(
      {"--given", "Ruth", "--family", "Kidane", "--born", "2015-02-01"});
  ASSERT_FALSE(parent.empty());
  ASSERT_FALSE(child.empty());
  auto linked = Ctl("ines", {"family", "link", parent, child, "--as", "child"});
  ASSERT_TRUE(linked.ok());
  ASSERT_EQ(linked->exit_code, 0) << linked->output;
  auto shown = Ctl("ines", {"client", "get", child, "--json"});
  v1::Client c;
  ASSERT_TRUE(ParseJson(shown->output, &c));
  ASSERT_EQ(c.family_links_size(), 1);
  EXPECT_EQ(c.family_links(0).client(), parent);
  EXPECT_EQ(c.family_links(0).relationship(), v1::RELATIONSHIP_PARENT);
}

TEST_F(ClinicctlIntakeTest, UsageMistakesAreCaughtBeforeAnyCall) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"client", "create", "--given", "A", "--born", "1990-13"},
            "--born must be a year, year-month or date"},
           {{"client", "create", "--given", "A", "--sex", "f"},
            "--sex must be one of female, male, x, not-stated"},
           {{"client", "create", "--sex", "female"},
            "give at least one of --given, --family"},
           {{"client", "create", "--given", "A", "--citizenship", "ERI"},
            "--citizenship must be a two-letter country code"},
           {{"case", "open", "clients/x", "--type", "asylum", "--province",
             "QC", "--conflict-check", "c"},
            "--type must be one of rpd-claim, rad-appeal"},
           {{"case", "get", "clients/x"}, "CASE must name a cases resource"},
           {{"conflict-check"}, "name who to check"},
           {{"case", "status", "cases/x", "closed"},
            "--close-reason must be one of"},
       }) {
    auto run = Ctl("ines", c.args);
    ASSERT_TRUE(run.ok());
    EXPECT_EQ(run->exit_code, 2) << run->output;
    EXPECT_THAT(run->output, HasSubstr(c.message)) << c.args[0];
  }
}

TEST_F(ClinicctlIntakeTest, ServerRefusalsAreExplained) {
  // Not found (and row-level refusals look the same).
  auto missing = Ctl("ines", {"client", "get", "clients/nosuchclient"});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->exit_code, 1);
  EXPECT_THAT(missing->output, HasSubstr("error: clients/nosuchclient"));
  // The server's field-level validation reaches the person unchanged.
  auto bad_uci =
      Ctl("ines", {"client", "create", "--given", "A", "--uci", "12-34"});
  ASSERT_TRUE(bad_uci.ok());
  EXPECT_EQ(bad_uci->exit_code, 1);
  EXPECT_THAT(bad_uci->output, HasSubstr("uci"));
  // An administrator may not read client files without break-glass.
  auto admin = Ctl("admin", {"client", "list"});
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->exit_code, 5) << admin->output;
  EXPECT_THAT(admin->output, HasSubstr("ask an administrator"));
  // Signed out: log in first.
  auto anonymous = Ctl("nobody", {"case", "list"});
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(anonymous->exit_code, 4);
  EXPECT_THAT(anonymous->output, HasSubstr("clinicctl login"));
}

TEST_F(ClinicctlIntakeTest, EveryCaseDataCommandHasHelpWithExamples) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"client", "create"},
           {"client", "get"},
           {"client", "list"},
           {"client", "search"},
           {"client", "update"},
           {"family", "link"},
           {"family", "unlink"},
           {"conflict-check"},
           {"case", "open"},
           {"case", "get"},
           {"case", "list"},
           {"case", "status"},
           {"case", "team", "add"},
           {"case", "team", "remove"},
           {"deadline", "list"},
           {"deadline", "upcoming"},
           {"deadline", "show"},
           {"deadline", "complete"},
           {"deadline", "waive"},
           {"deadline", "extend"},
           {"deadline", "override"},
           {"deadline", "compute"},
           {"event", "record"},
           {"event", "list"},
           {"holidays"},
           {"rules", "list"},
           {"rules", "replace"},
           {"doc", "upload"},
           {"doc", "download"},
           {"doc", "list"},
           {"doc", "show"},
           {"doc", "delete"},
           {"hearing", "schedule"},
           {"hearing", "list"},
           {"hearing", "show"},
           {"hearing", "reschedule"},
           {"hearing", "cancel"},
           {"hearing", "postpone"},
           {"hearing", "availability"},
           {"hearing", "ical"},
       }) {
    args.insert(args.begin(), Clinicctl());
    args.push_back("--help");
    auto run = testing::Run(args);
    ASSERT_TRUE(run.ok());
    EXPECT_EQ(run->exit_code, 0) << args[1] << "\n" << run->output;
    EXPECT_THAT(run->output, HasSubstr("Usage:"));
    EXPECT_THAT(run->output, HasSubstr("Example"))
        << args[1] << " has no example";
  }
}

TEST_F(ClinicctlIntakeTest, DeadlineDocumentHearingUsageMistakesAreCaught) {
  const std::string pdf = *dir_ + "/boc.pdf";
  const std::string odd = *dir_ + "/notes.xyz";
  const std::string existing = *dir_ + "/already-there.pdf";
  for (const std::string& f : {pdf, odd, existing}) {
    ASSERT_TRUE(storage::WriteFileAtomically(f, "%PDF-1.4\n", 0600).ok());
  }
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<std::string> hearing = {
      "hearing",    "schedule",  "cases/x", "--start", "2026-12-01 09:30",
      "--division", "rpd",       "--kind",  "merits",  "--mode",
      "in-person",  "--counsel", "lena"};
  auto with = [](std::vector<std::string> base, std::vector<std::string> more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
  };
  for (const Case& c : std::vector<Case>{
           {{"deadline", "list", "clients/x"},
            "CASE must name a cases resource"},
           {{"deadline", "upcoming", "--within", "-1"},
            "--within must be 0..3650"},
           {{"deadline", "extend", "cases/x/deadlines/d", "--to", "tomorrow",
             "--reason", "granted"},
            "--to must be a date like 2026-03-02"},
           {{"deadline", "compute", "rpd.boc", "--trigger", "2026-03-02",
             "--province", "XX"},
            "--province must be one of ab, bc"},
           {{"event", "record", "cases/x", "--type", "boc-filed", "--date",
             "2026-02-30"},
            "--date must be a date"},
           {{"event", "record", "cases/x", "--type", "decision-received",
             "--date", "2026-06-10", "--received-by", "mail"},
            "--received-by mail needs --sent"},
           {{"event", "record", "cases/x", "--type", "boc", "--date",
             "2026-06-10"},
            "--type must be one of claim-referred"},
           {{"holidays", "QC", "1800"}, "YEAR must be between 1990 and 2100"},
           {{"rules", "replace", *dir_ + "/missing.textproto"}, "cannot read"},
           {{"doc", "upload", "cases/x", *dir_ + "/missing.pdf", "--type",
             "identity", "--title", "Passport"},
            "is not a readable file"},
           {{"doc", "upload", "cases/x", odd, "--type", "identity", "--title",
             "Passport"},
            "give --media-type"},
           {{"doc", "upload", "cases/x", pdf, "--type", "passport", "--title",
             "Passport"},
            "--type must be one of identity, boc-form"},
           {{"doc", "upload", "cases/x", pdf, "--title", "Passport"},
            "--type and --title are required"},
           {{"doc", "download", "cases/x/documents/d", "-o", existing},
            "exists; choose another -o or add --force"},
           {with(hearing, {"--zone", "Mars/Base", "--duration", "3h"}),
            "--zone must be an IANA time zone"},
           {with(hearing, {"--zone", "America/Montreal", "--duration", "3"}),
            "--duration must be a duration like 3h"},
           {{"hearing", "reschedule", "cases/x/hearings/h", "--start",
             "next week", "--reason", "IRB notice"},
            "--start must be a time like"},
           {{"hearing", "postpone", "cases/x/hearings/h", "--by", "lawyer",
             "--reason", "surgery"},
            "--by must be one of claimant, minister, board"},
           {{"hearing", "availability", "lena", "--from", "2026-12-01", "--to",
             "2026-12-19", "--duration", "3h", "--zone", "America/Montreal",
             "--max", "900"},
            "--max must be 1..500"},
       }) {
    auto run = Ctl("lena", c.args);
    ASSERT_TRUE(run.ok());
    EXPECT_EQ(run->exit_code, 2) << c.args[0] << " " << c.args[1] << "\n"
                                 << run->output;
    EXPECT_THAT(run->output, HasSubstr(c.message))
        << c.args[0] << " " << c.args[1];
  }
}

// A server that hosts only some services (one process of a split deployment,
// or an older server): commands for the others say so plainly, not with a raw
// gRPC status, and a transfer that cannot start leaves no file.
TEST(ClinicctlPartialServerTest, ServicesThisServerDoesNotOfferAreExplained) {
  auto clinic = Clinic::Start({"--services", "auth,audit,intake"});
  ASSERT_TRUE(clinic.ok()) << clinic.status();
  absl::Status added = (*clinic)->AddUser("lena", "lawyer");
  ASSERT_TRUE(added.ok()) << added;
  const std::string dir = (*clinic)->dir();
  const std::string pdf = dir + "/boc.pdf";
  ASSERT_TRUE(storage::WriteFileAtomically(pdf, "%PDF-1.4\n", 0600).ok());
  const std::string downloads = testing::NewTempDir("downloads");
  struct Case {
    std::vector<std::string> args;
    std::string feature;
  };
  for (const Case& c : std::vector<Case>{
           {{"rules", "list"}, "deadlines"},
           {{"deadline", "upcoming", "--within", "14"}, "deadlines"},
           {{"deadline", "show", "cases/x/deadlines/y"}, "deadlines"},
           {{"event", "record", "cases/x", "--type", "claim-referred", "--date",
             "2026-03-02"},
            "deadlines"},
           {{"holidays", "QC", "2026"}, "deadlines"},
           {{"doc", "list", "cases/x"}, "documents"},
           {{"doc", "upload", "cases/x", pdf, "--type", "boc-form", "--title",
             "BOC"},
            "documents"},
           {{"doc", "download", "cases/x/documents/d", "-o",
             downloads + "/boc.pdf"},
            "documents"},
           {{"hearing", "list"}, "hearings"},
           {{"hearing", "ical", "-o", dir + "/h.ics"}, "hearings"},
       }) {
    auto run = (*clinic)->Ctl("lena", c.args);
    ASSERT_TRUE(run.ok());
    EXPECT_EQ(run->exit_code, 1) << c.args[0] << " " << c.args[1] << "\n"
                                 << run->output;
    EXPECT_THAT(run->output, HasSubstr("error: this server does not offer " +
                                       c.feature + " yet"))
        << c.args[0] << " " << c.args[1];
    EXPECT_THAT(run->output, Not(HasSubstr("UNIMPLEMENTED")));
  }
  EXPECT_TRUE(*storage::IsEmptyDirectory(downloads));
  EXPECT_FALSE(storage::PathExists(dir + "/h.ics"));
}

TEST_F(ClinicctlIntakeTest, FailedDownloadLeavesNoFile) {
  const std::string dir = testing::NewTempDir("download");
  auto run = Ctl("lena", {"doc", "download", "cases/x/documents/nosuchdoc",
                          "-o", dir + "/boc.pdf"});
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 1) << run->output;
  auto empty = storage::IsEmptyDirectory(dir);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(*empty) << "a failed download left a file behind";
}

TEST_F(ClinicctlIntakeTest, EventRecordCreatesDeadlinesThatExplainThemselves) {
  std::string k = OpenCase("Mehari", "Senait");
  ASSERT_FALSE(k.empty());
  auto recorded = Ctl("lena", {"event", "record", k, "--type", "claim-referred",
                               "--date", DaysAgo(10)});
  ASSERT_TRUE(recorded.ok());
  ASSERT_EQ(recorded->exit_code, 0) << recorded->output;
  EXPECT_THAT(recorded->output, HasSubstr("Recorded claim-referred"));
  EXPECT_THAT(recorded->output, HasSubstr("CHANGE"));
  EXPECT_THAT(recorded->output, HasSubstr("created"));

  auto listed = Ctl("lena", {"deadline", "list", k, "--json"});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->exit_code, 0) << listed->output;
  v1::ListDeadlinesResponse deadlines;
  ASSERT_TRUE(ParseJson(listed->output, &deadlines));
  ASSERT_FALSE(deadlines.deadlines().empty());
  const v1::Deadline& first = deadlines.deadlines(0);

  // The explanation: rule, citation, counting steps.
  auto shown = Ctl("lena", {"deadline", "show", first.name()});
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->exit_code, 0) << shown->output;
  EXPECT_THAT(shown->output, HasSubstr("Why this date"));
  EXPECT_THAT(shown->output, HasSubstr("Rule:"));
  EXPECT_THAT(shown->output, HasSubstr(first.explanation().citation()));
  EXPECT_THAT(shown->output, HasSubstr("Steps:"));
  EXPECT_THAT(shown->output, HasSubstr("1. "));

  // Upcoming: overdue first, then by days left, with the days column.
  auto upcoming = Ctl("lena", {"deadline", "upcoming", "--json"});
  ASSERT_TRUE(upcoming.ok());
  ASSERT_EQ(upcoming->exit_code, 0) << upcoming->output;
  v1::ListUpcomingDeadlinesResponse open;
  ASSERT_TRUE(ParseJson(upcoming->output, &open));
  ASSERT_FALSE(open.deadlines().empty());
  for (int i = 1; i < open.deadlines_size(); ++i) {
    EXPECT_LE(open.deadlines(i - 1).days_remaining(),
              open.deadlines(i).days_remaining());
  }
  auto table = Ctl("lena", {"deadline", "upcoming"});
  ASSERT_TRUE(table.ok());
  EXPECT_THAT(table->output, HasSubstr("DAYS LEFT"));
  EXPECT_THAT(table->output, HasSubstr(k));

  // Completing fetches the etag itself.
  auto completed =
      Ctl("lena", {"deadline", "complete", first.name(), "--filed",
                   "BOC form and narrative", "--filed-date", DaysAgo(0)});
  ASSERT_TRUE(completed.ok());
  EXPECT_EQ(completed->exit_code, 0) << completed->output;
  EXPECT_THAT(completed->output, HasSubstr("now completed"));
}

TEST_F(ClinicctlIntakeTest, DocumentUploadDownloadRoundTripIsVerified) {
  std::string k = OpenCase("Gebre", "Hanna");
  ASSERT_FALSE(k.empty());
  // Several chunks' worth of content behind a PDF header.
  std::string content = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  for (int i = 0; content.size() < 1300 * 1000; ++i) {
    content += absl::StrCat("line ", i, " of the Basis of Claim narrative\n");
  }
  const std::string file = *dir_ + "/narrative.pdf";
  ASSERT_TRUE(storage::WriteFileAtomically(file, content, 0600).ok());
  auto uploaded = Ctl("lena", {"doc", "upload", k, file, "--type", "boc-form",
                               "--title", "BOC narrative", "--json"});
  ASSERT_TRUE(uploaded.ok());
  ASSERT_EQ(uploaded->exit_code, 0) << uploaded->output;
  // No progress bar when no one is watching (stderr is not a terminal).
  EXPECT_THAT(uploaded->output, Not(HasSubstr("Uploading")));
  v1::Document doc;
  ASSERT_TRUE(ParseJson(uploaded->output, &doc));
  ASSERT_EQ(doc.versions_size(), 1);
  EXPECT_EQ(doc.versions(0).media_type(), "application/pdf");

  const std::string out = testing::NewTempDir("dl") + "/copy.pdf";
  auto downloaded = Ctl("lena", {"doc", "download", doc.name(), "-o", out});
  ASSERT_TRUE(downloaded.ok());
  ASSERT_EQ(downloaded->exit_code, 0) << downloaded->output;
  EXPECT_THAT(downloaded->output, HasSubstr("SHA-256 verified"));
  EXPECT_EQ(*storage::ReadFile(out), content);
  EXPECT_EQ(*storage::FileMode(out), 0600);

  const std::string range = testing::NewTempDir("dl") + "/range.bin";
  auto ranged = Ctl("lena", {"doc", "download", doc.name(), "-o", range,
                             "--offset", "9", "--length", "100"});
  ASSERT_TRUE(ranged.ok());
  ASSERT_EQ(ranged->exit_code, 0) << ranged->output;
  EXPECT_EQ(*storage::ReadFile(range), content.substr(9, 100));

  auto listed = Ctl("lena", {"doc", "list", k});
  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(listed->output, HasSubstr("BOC narrative"));
  EXPECT_THAT(listed->output, HasSubstr("boc-form"));

  // Deleting asks first; "no" keeps it.
  auto declined = Ctl(
      "lena", {"doc", "delete", doc.name(), "--reason", "wrong case"}, "n\n");
  ASSERT_TRUE(declined.ok());
  EXPECT_EQ(declined->exit_code, 1);
  EXPECT_THAT(declined->output, HasSubstr("Nothing was deleted"));
  EXPECT_EQ(Ctl("lena", {"doc", "show", doc.name()})->exit_code, 0);
  auto deleted = Ctl(
      "lena", {"doc", "delete", doc.name(), "--reason", "wrong case", "--yes"});
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted->exit_code, 0) << deleted->output;
  EXPECT_THAT(deleted->output, HasSubstr("Destroyed"));

  // A download that fails leaves nothing behind.
  const std::string gone_dir = testing::NewTempDir("dl");
  auto gone = Ctl(
      "lena", {"doc", "download", doc.name(), "-o", gone_dir + "/gone.pdf"});
  ASSERT_TRUE(gone.ok());
  EXPECT_NE(gone->exit_code, 0);
  EXPECT_TRUE(*storage::IsEmptyDirectory(gone_dir));
}

TEST_F(ClinicctlIntakeTest, HearingScheduledInItsZoneListsAndExports) {
  std::string k = OpenCase("Tekle", "Dawit");
  ASSERT_FALSE(k.empty());
  const std::vector<std::string> schedule = {"hearing",
                                             "schedule",
                                             k,
                                             "--start",
                                             "2030-03-05 09:30",
                                             "--zone",
                                             "America/Toronto",
                                             "--duration",
                                             "3h",
                                             "--division",
                                             "rpd",
                                             "--kind",
                                             "merits",
                                             "--mode",
                                             "in-person",
                                             "--location",
                                             "IRB Toronto",
                                             "--counsel",
                                             "lena"};
  auto scheduled = Ctl("lena", schedule);
  ASSERT_TRUE(scheduled.ok());
  ASSERT_EQ(scheduled->exit_code, 0) << scheduled->output;
  EXPECT_THAT(scheduled->output, HasSubstr("2030-03-05 09:30 EST"));

  auto listed = Ctl("lena", {"hearing", "list", "--case", k, "--json"});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->exit_code, 0) << listed->output;
  v1::ListHearingsResponse hearings;
  ASSERT_TRUE(ParseJson(listed->output, &hearings));
  ASSERT_EQ(hearings.hearings_size(), 1);
  // 09:30 in Toronto in March (before DST) is 14:30 UTC.
  EXPECT_EQ(absl::FormatTime("%Y-%m-%dT%H:%M",
                             absl::FromUnixSeconds(
                                 hearings.hearings(0).start_time().seconds()),
                             absl::UTCTimeZone()),
            "2030-03-05T14:30");

  // The same time again conflicts: refused, with the way to go ahead.
  auto conflict = Ctl("lena", schedule);
  ASSERT_TRUE(conflict.ok());
  EXPECT_EQ(conflict->exit_code, 1) << conflict->output;
  EXPECT_THAT(conflict->output, HasSubstr("--accept-conflicts"));

  const std::string ics = *dir_ + "/hearings.ics";
  auto exported = Ctl("lena", {"hearing", "ical", "-o", ics, "--from",
                               "2030-03-01", "--to", "2030-03-31"});
  ASSERT_TRUE(exported.ok());
  ASSERT_EQ(exported->exit_code, 0) << exported->output;
  auto text = storage::ReadFile(ics);
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(absl::StartsWith(*text, "BEGIN:VCALENDAR"));
  EXPECT_EQ(*storage::FileMode(ics), 0600);
}

}  // namespace
}  // namespace clinic

namespace clinic {
namespace {

TEST_F(ClinicctlIntakeTest, DashboardShowsDueDeadlinesAndNewDocuments) {
  std::string k = OpenCase("Haile", "Ruth");
  ASSERT_FALSE(k.empty());
  // Referred 40 days ago: the 45-day BOC falls within the next 14 days.
  auto recorded = Ctl("lena", {"event", "record", k, "--type", "claim-referred",
                               "--date", DaysAgo(40)});
  ASSERT_TRUE(recorded.ok());
  ASSERT_EQ(recorded->exit_code, 0) << recorded->output;
  const std::string file = *dir_ + "/identity.pdf";
  ASSERT_TRUE(storage::WriteFileAtomically(
                  file, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\npassport scan\n", 0600)
                  .ok());
  auto uploaded = Ctl("lena", {"doc", "upload", k, file, "--type", "identity",
                               "--title", "Passport of Ruth Haile"});
  ASSERT_TRUE(uploaded.ok());
  ASSERT_EQ(uploaded->exit_code, 0) << uploaded->output;

  auto table = Ctl("lena", {"dashboard"});
  ASSERT_TRUE(table.ok());
  ASSERT_EQ(table->exit_code, 0) << table->output;
  EXPECT_THAT(table->output, HasSubstr("DEADLINES DUE IN THE NEXT 14 DAYS"));
  EXPECT_THAT(table->output, HasSubstr("Basis of Claim"));
  EXPECT_THAT(table->output, HasSubstr("NEXT HEARINGS"));
  EXPECT_THAT(table->output, HasSubstr("Passport of Ruth Haile"));

  auto json = Ctl("lena", {"dashboard", "--json"});
  ASSERT_TRUE(json.ok());
  ASSERT_EQ(json->exit_code, 0) << json->output;
  EXPECT_THAT(json->output, HasSubstr("\"deadlines\":["));
  EXPECT_THAT(json->output, HasSubstr("\"rule_id\":\"rpd.boc.poe.45d\""));
  EXPECT_THAT(json->output, HasSubstr("\"documents\":[{"));
  // Omar is on no case: nothing of Lena's shows on his.
  auto other = Ctl("omar", {"dashboard", "--json"});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->exit_code, 0) << other->output;
  EXPECT_THAT(other->output, Not(HasSubstr(k)));
}

// A user of its own: a config pointing intake elsewhere must not touch
// the other tests' sessions.
TEST_F(ClinicctlIntakeTest, ConfigFileRemembersSettingsAndRefusesUnknownKeys) {
  auto set =
      Ctl("config-only", {"config", "set", "service.intake", "10.0.0.5:7443"});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->exit_code, 0) << set->output;
  auto shown = Ctl("config-only", {"config", "show", "--json"});
  ASSERT_TRUE(shown.ok());
  EXPECT_THAT(shown->output, HasSubstr("\"intake\":\"10.0.0.5:7443\""));
  auto bad = Ctl("config-only", {"config", "set", "colour", "blue"});
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->exit_code, 2);
  EXPECT_THAT(bad->output, HasSubstr("not a setting"));
  auto unset = Ctl("config-only", {"config", "unset", "service.intake"});
  ASSERT_TRUE(unset.ok());
  EXPECT_EQ(unset->exit_code, 0);
  EXPECT_THAT(Ctl("config-only", {"config", "show"})->output,
              Not(HasSubstr("10.0.0.5")));
}

TEST_F(ClinicctlIntakeTest, DeadlineWatchStreamsChangesAsJsonLines) {
  std::string k = OpenCase("Tekle", "Miriam");
  ASSERT_FALSE(k.empty());
  const std::string log = *dir_ + "/watch.log";
  auto watch = testing::Subprocess::Start(
      clinic_->CtlArgv("lena", {"deadline", "watch", "--case", k, "--json"}),
      log);
  ASSERT_TRUE(watch.ok()) << watch.status();
  absl::SleepFor(absl::Seconds(1));  // the watch subscribes first
  auto recorded = Ctl("lena", {"event", "record", k, "--type", "claim-referred",
                               "--date", DaysAgo(2)});
  ASSERT_TRUE(recorded.ok());
  ASSERT_EQ(recorded->exit_code, 0) << recorded->output;
  std::string seen;
  for (int i = 0; i < 100 && !absl::StrContains(seen, "rpd.boc.poe.45d"); ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    seen = (*watch)->Log();
  }
  (*watch)->Signal(SIGTERM);
  (void)(*watch)->Wait(absl::Seconds(5));
  EXPECT_THAT(seen, HasSubstr("\"kind\":\"KIND_CREATED\""));
  EXPECT_THAT(seen, HasSubstr("rpd.boc.poe.45d"));
  // JSON Lines: every line is one change.
  for (absl::string_view line : absl::StrSplit(seen, '\n', absl::SkipEmpty())) {
    v1::DeadlineChange change;
    EXPECT_TRUE(ParseJson(std::string(line), &change)) << line;
  }
}

}  // namespace
}  // namespace clinic

namespace clinic {
namespace {

TEST_F(ClinicctlIntakeTest, AdministratorSeesStatusAndTakesAVerifiableBackup) {
  auto status = Ctl("admin", {"admin", "status", "--json"});
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->exit_code, 0) << status->output;
  EXPECT_THAT(status->output, HasSubstr("\"services\""));
  auto table = Ctl("admin", {"admin", "status"});
  ASSERT_TRUE(table.ok());
  EXPECT_THAT(table->output, HasSubstr("SERVING"));

  const std::string archive = testing::NewTempDir("backup") + "/clinic.backup";
  auto backup = Ctl("admin", {"backup", "create", "-o", archive});
  ASSERT_TRUE(backup.ok());
  ASSERT_EQ(backup->exit_code, 0) << backup->output;
  EXPECT_THAT(backup->output, HasSubstr("Backup written to"));
  EXPECT_FALSE(storage::PathExists(archive + ".partial"));
  // Offline, with the server's master key: every byte checks out.
  auto verified = testing::Run({Clinic::Clinicd(), "backup", "verify", archive,
                                "--data_dir", clinic_->dir() + "/data"});
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->exit_code, 0) << verified->output;

  // A lawyer may not.
  auto refused = Ctl("lena", {"backup", "create", "-o", archive + ".2"});
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->exit_code, 5) << refused->output;
  EXPECT_FALSE(storage::PathExists(archive + ".2"));
  EXPECT_FALSE(storage::PathExists(archive + ".2.partial"));
}

}  // namespace
}  // namespace clinic
