// The timer's request bodies and an entry's duration (domain/time_entries.h).
#include "domain/time_entries.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace focusd::domain {
namespace {

constexpr const char* kNow = "2026-03-01T12:00:00Z";

boost::json::object obj(const std::string& text) {
  return boost::json::parse(text).as_object();
}

TEST(TimeEntries, StartNeedsATypeAndTakesNowUnlessAStartIsGiven) {
  auto plain = read_start_tracking(obj(R"({"type":"activity"})"), kNow);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->start, kNow);
  EXPECT_EQ(plain->type, "activity");
  EXPECT_FALSE(plain->task_id);
  EXPECT_FALSE(plain->tag_ids) << "no tag_ids: the task's tags";
  auto full = read_start_tracking(obj(R"({"type":"break","start":"2026-03-01T09:00:00+02:00","task_id":4,)"
                                      R"("project_id":null,"description":"lunch","billable":true,"tag_ids":[2,2],)"
                                      R"("calendar_event_id":null,"time_block_id":null})"),
                                  kNow);
  ASSERT_TRUE(full) << full.error().description;
  EXPECT_EQ(full->start, "2026-03-01T07:00:00Z");
  EXPECT_EQ(full->task_id, 4);
  EXPECT_EQ(full->description, "lunch");
  EXPECT_TRUE(full->billable);
  EXPECT_EQ(full->tag_ids, std::vector<std::int64_t>{2});
  const struct {
    const char* body;
    const char* field;
  } refused[] = {
      {R"({})", "type"},
      {R"({"type":"meeting"})", "type"},
      {R"({"type":1})", "type"},
      {R"({"type":"activity","start":"2026-03-01"})", "start"},
      {R"({"type":"activity","start":"9am"})", "start"},
      {R"({"type":"activity","task_id":0})", "task_id"},
      {R"({"type":"activity","project_id":"3"})", "project_id"},
      {R"({"type":"activity","billable":"yes"})", "billable"},
      {R"({"type":"activity","tag_ids":[-1]})", "tag_ids"},
      {R"({"type":"activity","calendar_event_id":5})", "calendar_event_id"},
      {R"({"type":"activity","time_block_id":5})", "time_block_id"},
      {R"({"type":"activity","end":"2026-03-01T10:00:00Z"})", "end"},
  };
  for (const auto& c : refused) {
    auto read = read_start_tracking(obj(c.body), kNow);
    ASSERT_FALSE(read) << c.body;
    EXPECT_EQ(read.error().values.count(c.field), 1u) << c.body << ": " << read.error().description;
  }
}

TEST(TimeEntries, StopTakesNowOrAnEnd) {
  EXPECT_EQ(read_stop_tracking(obj("{}"), kNow).value(), kNow);
  EXPECT_EQ(read_stop_tracking(obj(R"({"end":null})"), kNow).value(), kNow);
  EXPECT_EQ(read_stop_tracking(obj(R"({"end":"2026-03-01T13:00:00+01:00"})"), kNow).value(), kNow);
  for (const char* bad : {R"({"end":"2026-03-01"})", R"({"end":5})", R"({"stop":"2026-03-01T13:00:00Z"})"}) {
    EXPECT_FALSE(read_stop_tracking(obj(bad), kNow)) << bad;
  }
}

TEST(TimeEntries, ARunningEntrysDurationIsMinusItsStartAndAStoppedOnesIsItsLength) {
  TimeEntryFields f;
  f.start = "2026-03-01T09:00:00Z";
  EXPECT_EQ(duration_of(f), -1772355600);
  f.stop = "2026-03-01T09:00:00Z";
  EXPECT_EQ(duration_of(f), 0);
  f.stop = "2026-03-01T10:30:05Z";
  EXPECT_EQ(duration_of(f), 5405);
}

}  // namespace
}  // namespace focusd::domain
