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

TEST(TimeEntries, AStopIsNotBeforeTheStartNorMoreThanTenYearsAfterIt) {
  EXPECT_TRUE(check_stop("2026-03-01T08:00:00Z", "2026-03-01T08:00:00Z"));
  EXPECT_TRUE(check_stop("2026-03-01T08:00:00Z", "2036-03-08T08:00:00Z"));  // 3,660 days
  for (const char* stop : {"2026-03-01T07:59:59Z", "2036-03-08T08:00:01Z", "9999-12-31T23:59:59Z"}) {
    auto refused = check_stop("2026-03-01T08:00:00Z", stop);
    ASSERT_FALSE(refused) << stop;
    EXPECT_EQ(refused.error().values.count("end"), 1u) << stop;
    EXPECT_EQ(check_stop_by_start("2026-03-01T08:00:00Z", stop).error().values.count("start"), 1u) << stop;
  }
  EXPECT_EQ(check_stop("garbage", "2026-03-01T08:00:00Z").error().code, ErrorCode::Internal);
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

TEST(TimeEntries, ACreatedEntryStartsNowAndLastsItsDurationElse0) {
  auto plain = read_time_entry_input(obj(R"({"type":"activity"})"), EntryBody::Create, {}, kNow);
  ASSERT_TRUE(plain) << plain.error().description;
  EXPECT_EQ(plain->write.fields.start, kNow);
  EXPECT_EQ(plain->write.fields.stop, kNow) << "stopped, 0 s: only the timer runs";
  EXPECT_TRUE(plain->write.billable_default) << "no billable: the task's";
  EXPECT_FALSE(plain->write.project_named);
  EXPECT_FALSE(plain->user_id);
  auto full = read_time_entry_input(obj(R"({"type":"break","tracked_at":"2026-03-01T09:00:00+01:00","duration":5400,)"
                                        R"("description":"d","billable":true,"project_id":3,"tag_ids":[],"user_id":7,)"
                                        R"("planned_start":null,"time_block_id":null})"),
                                    EntryBody::Create, {}, kNow);
  ASSERT_TRUE(full) << full.error().description;
  const TimeEntryFields& f = full->write.fields;
  EXPECT_EQ(f.start, "2026-03-01T08:00:00Z");
  EXPECT_EQ(f.stop, "2026-03-01T09:30:00Z");
  EXPECT_EQ(f.type, "break");
  EXPECT_EQ(f.description, "d");
  EXPECT_TRUE(f.billable);
  EXPECT_FALSE(full->write.billable_default);
  EXPECT_EQ(f.project_id, 3);
  EXPECT_TRUE(full->write.project_named);
  EXPECT_EQ(f.tag_ids, std::vector<std::int64_t>{}) << "an empty override, not the task's tags";
  EXPECT_EQ(full->user_id, 7);
  const struct {
    const char* body;
    EntryBody kind;
    const char* field;
  } refused[] = {
      {R"({})", EntryBody::Create, "type"},
      {R"({"type":"activity","duration":-1})", EntryBody::Create, "duration"},
      {R"({"type":"activity","duration":1.5})", EntryBody::Create, "duration"},
      {R"({"type":"activity","duration":316224001})", EntryBody::Create, "duration"},
      {R"({"type":"activity","start":"9999-12-31T23:59:59Z","duration":1})", EntryBody::Create, "duration"},
      {R"({"type":"activity","start":"2026-03-01T09:00:00Z","tracked_at":"2026-03-01T10:00:00Z"})", EntryBody::Create,
       "tracked_at"},
      {R"({"type":"activity","task_id":4})", EntryBody::Create, "task_id"},
      {R"({"type":"activity","planned_duration":60})", EntryBody::Create, "planned_duration"},
      {R"({"type":"activity","calendar_event_id":1})", EntryBody::Create, "calendar_event_id"},
      {R"({"type":"activity","user_id":0})", EntryBody::BulkCreate, "user_id"},
      {R"({"type":"activity","billable":true})", EntryBody::Replace, "billable"},
      {R"({"description":"no type"})", EntryBody::Replace, "type"},
      {R"({"start":null})", EntryBody::Patch, "start"},
      {R"({"user_id":3})", EntryBody::Patch, "user_id"},
      {R"({"billable":true,"reset_billable_to_default":true})", EntryBody::Patch, "billable"},
      {R"({"tag_ids":[0]})", EntryBody::Patch, "tag_ids"},
  };
  for (const auto& c : refused) {
    auto read = read_time_entry_input(obj(c.body), c.kind, {}, kNow);
    ASSERT_FALSE(read) << c.body;
    EXPECT_EQ(read.error().values.count(c.field), 1u) << c.body << ": " << read.error().description;
  }
}

TEST(TimeEntries, AnEditChangesWhatItIsGivenAndKeepsTheDurationOfAMovedEntry) {
  TimeEntryFields current;
  current.task_id = 4;
  current.project_id = 9;  // named over the task's
  current.description = "notes";
  current.tag_ids = std::vector<std::int64_t>{2};
  current.start = "2026-03-01T09:00:00Z";
  current.stop = "2026-03-01T10:00:00Z";
  auto moved = read_time_entry_input(obj(R"({"start":"2026-03-01T11:00:00Z"})"), EntryBody::Patch, current, kNow);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->write.fields.stop, "2026-03-01T12:00:00Z") << "the hour is kept";
  EXPECT_EQ(moved->write.fields.description, "notes");
  EXPECT_EQ(moved->write.fields.tag_ids, std::vector<std::int64_t>{2});
  EXPECT_EQ(moved->write.fields.project_id, 9);
  EXPECT_TRUE(moved->write.project_named) << "neither task nor project named: both kept";
  EXPECT_FALSE(moved->write.billable_default);

  auto cleared =
      read_time_entry_input(obj(R"({"description":null,"tag_ids":null,"task_id":5})"), EntryBody::Patch, current, kNow);
  ASSERT_TRUE(cleared);
  EXPECT_FALSE(cleared->write.fields.description);
  EXPECT_FALSE(cleared->write.fields.tag_ids) << "null: the task's tags";
  EXPECT_EQ(cleared->write.fields.task_id, 5);
  EXPECT_FALSE(cleared->write.project_named) << "a new task brings its project";
  auto taskless = read_time_entry_input(obj(R"({"task_id":null})"), EntryBody::Patch, current, kNow);
  ASSERT_TRUE(taskless);
  EXPECT_FALSE(taskless->write.fields.task_id);
  EXPECT_EQ(taskless->write.fields.project_id, 9) << "without its task it keeps its project";
  EXPECT_TRUE(taskless->write.project_named);

  auto replaced = read_time_entry_input(obj(R"({"type":"break"})"), EntryBody::Replace, current, kNow);
  ASSERT_TRUE(replaced);
  EXPECT_FALSE(replaced->write.fields.description) << "PUT clears what it is not sent";
  EXPECT_FALSE(replaced->write.fields.tag_ids);
  EXPECT_EQ(replaced->write.fields.start, current.start);
  EXPECT_EQ(replaced->write.fields.stop, current.stop);

  TimeEntryFields running = current;
  running.stop.reset();
  auto still = read_time_entry_input(obj(R"({"start":"2026-03-01T08:00:00Z"})"), EntryBody::Patch, running, kNow);
  ASSERT_TRUE(still);
  EXPECT_FALSE(still->write.fields.stop) << "a running entry runs on";
  auto stopped = read_time_entry_input(obj(R"({"duration":60})"), EntryBody::Patch, running, kNow);
  ASSERT_TRUE(stopped);
  EXPECT_EQ(stopped->write.fields.stop, "2026-03-01T09:01:00Z");
  auto reset = read_time_entry_input(obj(R"({"reset_billable_to_default":true})"), EntryBody::Patch, current, kNow);
  ASSERT_TRUE(reset);
  EXPECT_TRUE(reset->write.billable_default);
}

TEST(TimeEntries, OnlyTheOwnerAndThoseWhoSeeAllMayEditAnEntry) {
  TimeEntryRecord entry;
  entry.user_id = 3;
  EXPECT_TRUE(may_edit_time_entry(Viewer{3, false}, entry));
  EXPECT_TRUE(may_edit_time_entry(Viewer{4, true}, entry));
  EXPECT_FALSE(may_edit_time_entry(Viewer{4, false}, entry));
}

}  // namespace
}  // namespace focusd::domain
