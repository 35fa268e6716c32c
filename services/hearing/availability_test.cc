#include "services/hearing/availability.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace clinic {
namespace hearing {
namespace {

absl::TimeZone Zone(const char* name) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(name, &tz)) << name;
  return tz;
}

AvailabilityQuery Query(const absl::TimeZone& zone, absl::CivilDay from,
                        absl::CivilDay to) {
  AvailabilityQuery q;
  q.from = from;
  q.to = to;
  q.zone = zone;
  q.duration = absl::Hours(1);
  return q;
}

Booking Busy(const std::string& name, const absl::TimeZone& zone,
             absl::CivilSecond start, absl::Duration length) {
  Booking b;
  b.name = name;
  b.start = absl::FromCivil(start, zone);
  b.end = b.start + length;
  return b;
}

absl::Time T(const absl::TimeZone& zone, absl::CivilSecond cs) {
  return absl::FromCivil(cs, zone);
}

TEST(ParseWorkingHoursTest, AcceptsHHMMAndRejectsTheRest) {
  auto hours = ParseWorkingHours("08:30", "16:45");
  ASSERT_TRUE(hours.ok());
  EXPECT_EQ(hours->start_minutes, 8 * 60 + 30);
  EXPECT_EQ(hours->end_minutes, 16 * 60 + 45);
  EXPECT_EQ(ParseWorkingHours("9:00", "17:00").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_NE(ParseWorkingHours("24:00", "17:00")
                .status()
                .message()
                .find("hearing.working_day_start"),
            std::string::npos);
  EXPECT_NE(ParseWorkingHours("17:00", "09:00")
                .status()
                .message()
                .find("hearing.working_day_end"),
            std::string::npos);
}

TEST(FreeSlotsTest, AnEmptyWorkingDayIsOneWindow) {
  absl::TimeZone tz = Zone("America/Toronto");
  auto slots = FreeSlots(
      Query(tz, absl::CivilDay(2026, 12, 1), absl::CivilDay(2026, 12, 1)), {},
      BufferPolicy());
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0].start, T(tz, absl::CivilSecond(2026, 12, 1, 9, 0, 0)));
  EXPECT_EQ(slots[0].end, T(tz, absl::CivilSecond(2026, 12, 1, 17, 0, 0)));
}

TEST(FreeSlotsTest, HearingsAndTheirGapsAreCutOut) {
  absl::TimeZone tz = Zone("America/Toronto");
  std::vector<Booking> busy = {
      Busy("a", tz, absl::CivilSecond(2026, 12, 1, 11, 0, 0), absl::Hours(1))};
  auto slots = FreeSlots(
      Query(tz, absl::CivilDay(2026, 12, 1), absl::CivilDay(2026, 12, 1)), busy,
      BufferPolicy());
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].start, T(tz, absl::CivilSecond(2026, 12, 1, 9, 0, 0)));
  EXPECT_EQ(slots[0].end, T(tz, absl::CivilSecond(2026, 12, 1, 10, 45, 0)));
  EXPECT_EQ(slots[1].start, T(tz, absl::CivilSecond(2026, 12, 1, 12, 15, 0)));
  EXPECT_EQ(slots[1].end, T(tz, absl::CivilSecond(2026, 12, 1, 17, 0, 0)));
}

TEST(FreeSlotsTest, WindowsShorterThanTheDurationAreDropped) {
  absl::TimeZone tz = Zone("America/Toronto");
  std::vector<Booking> busy = {
      Busy("a", tz, absl::CivilSecond(2026, 12, 1, 9, 45, 0), absl::Hours(7))};
  AvailabilityQuery q =
      Query(tz, absl::CivilDay(2026, 12, 1), absl::CivilDay(2026, 12, 1));
  q.duration = absl::Minutes(45);
  auto slots = FreeSlots(q, busy, BufferPolicy());
  // 09:00-09:30 is too short; 16:45+15 min = 17:00 leaves nothing.
  EXPECT_TRUE(slots.empty());
}

TEST(FreeSlotsTest, TravelBufferAppliesAroundInPersonHearingsElsewhere) {
  absl::TimeZone tz = Zone("America/Toronto");
  Booking elsewhere =
      Busy("a", tz, absl::CivilSecond(2026, 12, 1, 13, 0, 0), absl::Hours(1));
  elsewhere.in_person = true;
  elsewhere.place = PlaceKey("Laval detention centre");
  AvailabilityQuery q =
      Query(tz, absl::CivilDay(2026, 12, 1), absl::CivilDay(2026, 12, 1));
  q.in_person = true;
  q.place = PlaceKey("IRB Montreal");
  auto slots = FreeSlots(q, {elsewhere}, BufferPolicy());
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].end, T(tz, absl::CivilSecond(2026, 12, 1, 11, 30, 0)));
  EXPECT_EQ(slots[1].start, T(tz, absl::CivilSecond(2026, 12, 1, 15, 30, 0)));
  // By video, only the minimum gap.
  q.in_person = false;
  slots = FreeSlots(q, {elsewhere}, BufferPolicy());
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].end, T(tz, absl::CivilSecond(2026, 12, 1, 12, 45, 0)));
}

TEST(FreeSlotsTest, WeekendsAndHolidaysHaveNoSlots) {
  absl::TimeZone tz = Zone("America/Toronto");
  // Fri 2026-12-25 (holiday), Sat, Sun, Mon 2026-12-28 (holiday), Tue.
  AvailabilityQuery q =
      Query(tz, absl::CivilDay(2026, 12, 25), absl::CivilDay(2026, 12, 29));
  q.holidays = {absl::CivilDay(2026, 12, 25), absl::CivilDay(2026, 12, 28)};
  auto slots = FreeSlots(q, {}, BufferPolicy());
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0].start, T(tz, absl::CivilSecond(2026, 12, 29, 9, 0, 0)));
}

TEST(FreeSlotsTest, WorkingHoursAreLocalOnDstTransitionDays) {
  absl::TimeZone tz = Zone("America/Toronto");
  // Saturday 2026-03-07 is EST (UTC-5); Sunday 2026-03-08 is EDT (UTC-4).
  AvailabilityQuery q =
      Query(tz, absl::CivilDay(2026, 3, 7), absl::CivilDay(2026, 3, 8));
  q.non_working_weekdays.clear();
  auto slots = FreeSlots(q, {}, BufferPolicy());
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].start,
            absl::FromCivil(absl::CivilSecond(2026, 3, 7, 14, 0, 0),
                            absl::UTCTimeZone()));
  EXPECT_EQ(slots[1].start,
            absl::FromCivil(absl::CivilSecond(2026, 3, 8, 13, 0, 0),
                            absl::UTCTimeZone()));
  EXPECT_EQ(slots[1].end - slots[1].start, absl::Hours(8));
}

TEST(FreeSlotsTest, AVancouverHearingBlocksAHalifaxLawyersAfternoon) {
  absl::TimeZone halifax = Zone("America/Halifax");
  absl::TimeZone vancouver = Zone("America/Vancouver");
  // 09:00-10:00 PST = 13:00-14:00 AST.
  std::vector<Booking> busy = {Busy(
      "v", vancouver, absl::CivilSecond(2026, 12, 1, 9, 0, 0), absl::Hours(1))};
  auto slots = FreeSlots(
      Query(halifax, absl::CivilDay(2026, 12, 1), absl::CivilDay(2026, 12, 1)),
      busy, BufferPolicy());
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].end,
            T(halifax, absl::CivilSecond(2026, 12, 1, 12, 45, 0)));
  EXPECT_EQ(slots[1].start,
            T(halifax, absl::CivilSecond(2026, 12, 1, 14, 15, 0)));
}

TEST(FreeSlotsTest, NotBeforeAndMaxSlotsAreHonoured) {
  absl::TimeZone tz = Zone("America/Toronto");
  AvailabilityQuery q =
      Query(tz, absl::CivilDay(2026, 12, 1), absl::CivilDay(2026, 12, 31));
  q.not_before = T(tz, absl::CivilSecond(2026, 12, 1, 15, 0, 0));
  q.max_slots = 3;
  auto slots = FreeSlots(q, {}, BufferPolicy());
  ASSERT_EQ(slots.size(), 3u);
  EXPECT_EQ(slots[0].start, T(tz, absl::CivilSecond(2026, 12, 1, 15, 0, 0)));
  EXPECT_EQ(slots[1].start, T(tz, absl::CivilSecond(2026, 12, 2, 9, 0, 0)));
}

TEST(FreeSlotsTest, AgreesWithTheScanOnAlignedSchedules) {
  absl::TimeZone tz = Zone("America/Vancouver");
  std::mt19937 rng(11);
  std::vector<Booking> busy;
  for (int i = 0; i < 300; ++i) {
    absl::CivilDay day =
        absl::CivilDay(2026, 12, 1) + static_cast<int>(rng() % 60);
    int minute = 15 * static_cast<int>(rng() % 64);
    Booking b =
        Busy(absl::StrCat("h", i), tz, absl::CivilSecond(day) + minute * 60,
             absl::Minutes(15 * (1 + rng() % 12)));
    b.in_person = rng() % 2;
    if (b.in_person) b.place = absl::StrCat("p", rng() % 3);
    busy.push_back(b);
  }
  AvailabilityQuery q =
      Query(tz, absl::CivilDay(2026, 12, 1), absl::CivilDay(2027, 1, 31));
  q.max_slots = 1000;
  q.in_person = true;
  q.place = "p1";
  for (absl::Duration d : {absl::Minutes(30), absl::Hours(2)}) {
    q.duration = d;
    auto fast = FreeSlots(q, busy, BufferPolicy());
    auto scan = FreeSlotsByScan(q, busy, BufferPolicy());
    ASSERT_EQ(fast.size(), scan.size());
    for (size_t i = 0; i < fast.size(); ++i) {
      EXPECT_EQ(fast[i].start, scan[i].start) << i;
      EXPECT_EQ(fast[i].end, scan[i].end) << i;
    }
  }
}

}  // namespace
}  // namespace hearing
}  // namespace clinic
