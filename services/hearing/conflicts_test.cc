#include "services/hearing/conflicts.h"

#include <algorithm>
#include <random>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace clinic {
namespace hearing {
namespace {

absl::TimeZone Zone(const char* name) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(name, &tz)) << name;
  return tz;
}

// A video hearing starting at local civil time `start` in `zone`.
Booking At(const std::string& name, const absl::TimeZone& zone,
           absl::CivilSecond start, absl::Duration length) {
  Booking b;
  b.name = name;
  b.start = absl::FromCivil(start, zone);
  b.end = b.start + length;
  return b;
}

Booking InPerson(Booking b, absl::string_view place) {
  b.in_person = true;
  b.place = PlaceKey(place);
  return b;
}

BufferPolicy NoBuffers() {
  BufferPolicy p;
  p.minimum_gap = absl::ZeroDuration();
  p.travel_buffer = absl::ZeroDuration();
  return p;
}

TEST(ConflictsTest, OverlappingHearingsClash) {
  absl::TimeZone toronto = Zone("America/Toronto");
  Booking a =
      At("a", toronto, absl::CivilSecond(2026, 12, 1, 9, 0, 0), absl::Hours(3));
  Booking b = At("b", toronto, absl::CivilSecond(2026, 12, 1, 11, 0, 0),
                 absl::Hours(1));
  EXPECT_EQ(Compare(a, b, NoBuffers()), Clash::kOverlap);
  EXPECT_EQ(Compare(b, a, NoBuffers()), Clash::kOverlap);
}

TEST(ConflictsTest, BackToBackHearingsDoNotOverlapButNeedTheMinimumGap) {
  absl::TimeZone toronto = Zone("America/Toronto");
  Booking a =
      At("a", toronto, absl::CivilSecond(2026, 12, 1, 9, 0, 0), absl::Hours(2));
  Booking b = At("b", toronto, absl::CivilSecond(2026, 12, 1, 11, 0, 0),
                 absl::Hours(1));
  EXPECT_EQ(Compare(a, b, NoBuffers()), Clash::kNone);
  BufferPolicy policy;
  policy.minimum_gap = absl::Minutes(15);
  EXPECT_EQ(Compare(a, b, policy), Clash::kBufferOnly);
  Booking c = At("c", toronto, absl::CivilSecond(2026, 12, 1, 11, 15, 0),
                 absl::Hours(1));
  EXPECT_EQ(Compare(a, c, policy), Clash::kNone);
}

TEST(ConflictsTest, InPersonAtDifferentPlacesNeedsTheTravelBuffer) {
  absl::TimeZone montreal = Zone("America/Toronto");
  BufferPolicy policy;  // 15 minutes, 90 minutes travel
  Booking a =
      InPerson(At("a", montreal, absl::CivilSecond(2026, 12, 1, 9, 0, 0),
                  absl::Hours(2)),
               "IRB Montreal, Guy-Favreau Complex");
  Booking b =
      InPerson(At("b", montreal, absl::CivilSecond(2026, 12, 1, 12, 0, 0),
                  absl::Hours(1)),
               "Laval detention centre");
  // One hour apart: enough for the minimum gap, not for travel.
  EXPECT_EQ(Compare(a, b, policy), Clash::kBufferOnly);
  EXPECT_EQ(RequiredGap(a, b, policy), absl::Minutes(90));
  // 90 minutes apart is enough.
  b = InPerson(At("b", montreal, absl::CivilSecond(2026, 12, 1, 12, 30, 0),
                  absl::Hours(1)),
               "Laval detention centre");
  EXPECT_EQ(Compare(a, b, policy), Clash::kNone);
}

TEST(ConflictsTest, SamePlaceSpelledDifferentlyNeedsOnlyTheMinimumGap) {
  absl::TimeZone montreal = Zone("America/Toronto");
  BufferPolicy policy;
  Booking a =
      InPerson(At("a", montreal, absl::CivilSecond(2026, 12, 1, 9, 0, 0),
                  absl::Hours(2)),
               "IRB Montreal,  Guy-Favreau Complex");
  Booking b =
      InPerson(At("b", montreal, absl::CivilSecond(2026, 12, 1, 11, 30, 0),
                  absl::Hours(1)),
               "irb montreal - guy favreau complex");
  EXPECT_EQ(a.place, b.place);
  EXPECT_EQ(Compare(a, b, policy), Clash::kNone);
}

TEST(ConflictsTest, VideoHearingNextToInPersonNeedsOnlyTheMinimumGap) {
  absl::TimeZone montreal = Zone("America/Toronto");
  BufferPolicy policy;
  Booking a =
      InPerson(At("a", montreal, absl::CivilSecond(2026, 12, 1, 9, 0, 0),
                  absl::Hours(2)),
               "IRB Montreal");
  Booking b = At("b", montreal, absl::CivilSecond(2026, 12, 1, 11, 30, 0),
                 absl::Hours(1));
  EXPECT_EQ(Compare(a, b, policy), Clash::kNone);
}

TEST(ConflictsTest, HalifaxAndVancouverCompareAsInstantsNotClockTimes) {
  absl::TimeZone halifax = Zone("America/Halifax");
  absl::TimeZone vancouver = Zone("America/Vancouver");
  // 13:00 in Halifax (AST, UTC-4) is 09:00 in Vancouver (PST, UTC-8).
  Booking halifax_hearing = At(
      "h", halifax, absl::CivilSecond(2026, 12, 1, 13, 0, 0), absl::Hours(2));
  Booking vancouver_hearing = At(
      "v", vancouver, absl::CivilSecond(2026, 12, 1, 9, 30, 0), absl::Hours(1));
  EXPECT_EQ(Compare(halifax_hearing, vancouver_hearing, NoBuffers()),
            Clash::kOverlap);
  // Same clock time, four hours apart in fact.
  Booking same_clock =
      At("v2", vancouver, absl::CivilSecond(2026, 12, 1, 13, 0, 0),
         absl::Hours(2));
  EXPECT_EQ(Compare(halifax_hearing, same_clock, BufferPolicy()), Clash::kNone);
  // Halifax ends 15:00 AST = 11:00 PST; a Vancouver hearing at 11:10 PST is
  // 10 minutes later: inside the 15 minute minimum gap.
  Booking close = At("v3", vancouver, absl::CivilSecond(2026, 12, 1, 11, 10, 0),
                     absl::Hours(1));
  EXPECT_EQ(Compare(halifax_hearing, close, BufferPolicy()),
            Clash::kBufferOnly);
}

TEST(ConflictsTest, FallBackDayRepeatedHourIsComparedByInstant) {
  absl::TimeZone toronto = Zone("America/Toronto");
  // 2026-11-01: clocks go back from 02:00 EDT to 01:00 EST.
  Booking first;
  first.name = "a";
  first.start = absl::FromCivil(absl::CivilSecond(2026, 11, 1, 0, 30, 0),
                                toronto);    // 04:30Z
  first.end = first.start + absl::Hours(1);  // 01:30 EDT = 05:30Z
  // 01:15 EST (the second 01:15) = 06:15Z: clock times overlap, instants
  // do not.
  absl::TimeZone::TimeInfo repeated =
      toronto.At(absl::CivilSecond(2026, 11, 1, 1, 15, 0));
  ASSERT_EQ(repeated.kind, absl::TimeZone::TimeInfo::REPEATED);
  Booking second;
  second.name = "b";
  second.start = repeated.post;
  second.end = second.start + absl::Hours(1);
  EXPECT_EQ(second.start - first.end, absl::Minutes(45));
  EXPECT_EQ(Compare(first, second, BufferPolicy()), Clash::kNone);
  // The first 01:15 (EDT) does overlap.
  Booking third = second;
  third.name = "c";
  third.start = repeated.pre;
  third.end = third.start + absl::Hours(1);
  EXPECT_EQ(Compare(first, third, BufferPolicy()), Clash::kOverlap);
}

TEST(ConflictsTest, SpringForwardDayHearingLastsItsRealDuration) {
  absl::TimeZone toronto = Zone("America/Toronto");
  // 2026-03-08: 02:00 EST becomes 03:00 EDT. A two-hour hearing from 01:00
  // EST ends at 04:00 EDT on the clock.
  Booking night =
      At("a", toronto, absl::CivilSecond(2026, 3, 8, 1, 0, 0), absl::Hours(2));
  EXPECT_EQ(absl::ToCivilSecond(night.end, toronto),
            absl::CivilSecond(2026, 3, 8, 4, 0, 0));
  Booking at_0345 =
      At("b", toronto, absl::CivilSecond(2026, 3, 8, 3, 45, 0), absl::Hours(1));
  EXPECT_EQ(Compare(night, at_0345, NoBuffers()), Clash::kOverlap);
  Booking at_0400 =
      At("c", toronto, absl::CivilSecond(2026, 3, 8, 4, 0, 0), absl::Hours(1));
  EXPECT_EQ(Compare(night, at_0400, NoBuffers()), Clash::kNone);
}

TEST(ConflictsTest, IndexFindsEachPersonsConflicts) {
  absl::TimeZone toronto = Zone("America/Toronto");
  ScheduleIndex index;
  Scheduled existing;
  existing.booking =
      At("cases/c1/hearings/h1", toronto,
         absl::CivilSecond(2026, 12, 1, 9, 0, 0), absl::Hours(3));
  existing.parties.lawyer = "users/lena";
  existing.parties.interpreter = InterpreterKey("Maria  Lopez");
  existing.parties.clients = {"clients/amina"};
  index.Add(existing);

  Scheduled candidate;
  candidate.booking =
      At("cases/c2/hearings/h2", toronto,
         absl::CivilSecond(2026, 12, 1, 10, 0, 0), absl::Hours(1));
  candidate.parties.lawyer = "users/omar";
  candidate.parties.interpreter = InterpreterKey("maria lopez");
  candidate.parties.clients = {"clients/amina", "clients/yonas"};
  std::vector<Conflict> found = index.FindConflicts(candidate, BufferPolicy());
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].who, PartyKind::kInterpreter);
  EXPECT_EQ(found[1].who, PartyKind::kClient);
  EXPECT_EQ(found[1].party, "clients/amina");
  EXPECT_EQ(found[1].other.name, "cases/c1/hearings/h1");
  EXPECT_FALSE(found[1].buffer_only);

  // A hearing never conflicts with itself (rescheduling).
  Scheduled moved = existing;
  moved.booking.start += absl::Minutes(30);
  moved.booking.end += absl::Minutes(30);
  EXPECT_TRUE(index.FindConflicts(moved, BufferPolicy()).empty());

  index.Remove(existing);
  EXPECT_TRUE(index.FindConflicts(candidate, BufferPolicy()).empty());
}

using Key = std::tuple<int, std::string, std::string, bool>;
std::vector<Key> Keys(const std::vector<Conflict>& conflicts) {
  std::vector<Key> keys;
  for (const Conflict& c : conflicts) {
    keys.emplace_back(static_cast<int>(c.who), c.party, c.other.name,
                      c.buffer_only);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST(ConflictsTest, IndexAgreesWithAFullScan) {
  std::mt19937 rng(7);
  const absl::Time base = absl::FromUnixSeconds(1798000000);
  std::vector<Scheduled> all;
  ScheduleIndex index;
  for (int i = 0; i < 2000; ++i) {
    Scheduled s;
    s.booking.name = absl::StrCat("cases/c", i % 97, "/hearings/h", i);
    s.booking.start = base + absl::Minutes(15 * (rng() % 4000));
    s.booking.end = s.booking.start + absl::Minutes(15 * (1 + rng() % 24));
    s.booking.in_person = rng() % 2;
    if (s.booking.in_person) s.booking.place = absl::StrCat("p", rng() % 3);
    s.parties.lawyer = absl::StrCat("users/l", rng() % 20);
    if (rng() % 2) s.parties.interpreter = absl::StrCat("i", rng() % 10);
    s.parties.clients = {absl::StrCat("clients/k", rng() % 300)};
    all.push_back(s);
    index.Add(s);
  }
  for (int i = 0; i < 300; ++i) {
    Scheduled c = all[rng() % all.size()];
    c.booking.name = absl::StrCat("cases/new/hearings/n", i);
    c.booking.start = base + absl::Minutes(15 * (rng() % 4000));
    c.booking.end = c.booking.start + absl::Minutes(15 * (1 + rng() % 24));
    EXPECT_EQ(Keys(index.FindConflicts(c, BufferPolicy())),
              Keys(FindConflictsByScan(c, all, BufferPolicy())));
  }
}

}  // namespace
}  // namespace hearing
}  // namespace clinic
