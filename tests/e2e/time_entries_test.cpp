// Time entries and the timer: …/tracking/{current,start,stop} and
// …/time-entries, as real Focus clients use them.
#include <chrono>
#include <ctime>

#include "projects_support.h"

namespace focusd::test {
namespace {

using boost::json::array;
using boost::json::object;
using Totals = std::pair<std::int64_t, std::int64_t>;  // a task's seconds and entries

// Today's range in UTC, written with a +00:00 offset as some clients do.
std::string today_range() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char day[16];
  std::strftime(day, sizeof day, "%Y-%m-%d", &tm);
  std::tm next = tm;
  next.tm_mday += 1;
  const std::time_t tomorrow_time = timegm(&next);
  std::tm t2{};
  gmtime_r(&tomorrow_time, &t2);
  char tomorrow[16];
  std::strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", &t2);
  return std::string("date_from=") + day + "T00:00:00%2B00:00&date_to=" + tomorrow + "T00:00:00%2B00:00";
}

class TimeEntries : public WorkspaceTest {
 protected:
  void SetUp() override {
    member = server.seed_user("", owner.organization_id, "member");
    outsider = server.seed_user();
  }
  std::string ws() const { return owner.workspace_path(); }
  HttpResponse start(const SeededUser& user, const object& body) {
    return call_json(user, "POST", ws() + "/tracking/start", body);
  }
  HttpResponse stop(const SeededUser& user, const std::string& body = "") {
    return call(user, "POST", ws() + "/tracking/stop", body);
  }
  std::vector<std::int64_t> listed(const SeededUser& user, const std::string& query) {
    auto res = call(user, "GET", ws() + "/time-entries?" + query);
    EXPECT_EQ(res.status, 200) << res.body;
    std::vector<std::int64_t> ids;
    if (res.status != 200) return ids;
    const auto body = res.json();
    for (const auto& e : body.at("data").as_array()) ids.push_back(e.at("id").as_int64());
    return ids;
  }

  // POSTs an entry (201) and returns its id.
  std::int64_t write(const SeededUser& user, const std::string& target, const object& body) {
    return create(user, ws() + target, body).at("id").as_int64();
  }
  std::string entry(std::int64_t id) const { return ws() + "/time-entries/" + std::to_string(id); }
  // {total_tracked_secs} of a project, {total_tracked_time, time_entry_total_count} of a task.
  std::int64_t project_secs(std::int64_t id) {
    auto res = call(owner, "GET", project(id));
    EXPECT_EQ(res.status, 200) << res.body;
    const auto body = res.json();
    EXPECT_EQ(body.at("total_tracked_time"), body.at("total_tracked_secs"));
    return body.at("total_tracked_secs").as_int64();
  }
  std::pair<std::int64_t, std::int64_t> task_totals(std::int64_t id) {
    auto res = call(owner, "GET", ws() + "/tasks/" + std::to_string(id));
    EXPECT_EQ(res.status, 200) << res.body;
    const auto body = res.json();
    return {body.at("total_tracked_time").as_int64(), body.at("time_entry_total_count").as_int64()};
  }

  SeededUser member, outsider;
};

// The request sequence of the Focus clients tried for issue 16, as raw HTTP:
// find the workspace from the settings, look around, then track.
TEST_F(TimeEntries, AClientsJourneyFromTheSettingsToTheStreamOfEntries) {
  auto client = server.client();
  const std::string auth = owner.basic().front().second;
  auto request = [&](const std::string& method, const std::string& target, const std::string& body = "") {
    std::string raw = method + " " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth + "\r\n";
    if (!body.empty()) {
      raw += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    }
    client.send_raw(raw + "\r\n" + body);
    return client.read_response(method == "HEAD");
  };
  auto settings = request("GET", "/api/users/me/settings").json().as_object();
  const auto& acks = settings.at("tos_ack_decoupled_licenses").as_object();
  ASSERT_EQ(acks.size(), 1u);
  const std::string org(acks.begin()->key());
  EXPECT_EQ(org, std::to_string(owner.organization_id));
  const std::string W =
      "/api/organizations/" + org + "/workspaces/" + std::to_string(settings.at("default_workspace_id").as_int64());
  EXPECT_EQ(request("GET", W + "/projects").status, 200);
  auto task = request("POST", W + "/tasks", R"({"name":"Write the report"})");
  ASSERT_EQ(task.status, 201) << task.body;
  const std::int64_t task_id = task.json().at("id").as_int64();
  auto tasks = request("GET", W + "/tasks/stream");
  ASSERT_EQ(tasks.status, 200) << tasks.body;
  EXPECT_EQ(tasks.json().as_array().size(), 1u);

  auto idle = request("GET", W + "/tracking/current");
  EXPECT_EQ(idle.status, 204);
  EXPECT_TRUE(idle.body.empty());
  auto started = request("POST", W + "/tracking/start",
                         R"({"type":"activity","task_id":)" + std::to_string(task_id) + R"(,"description":"draft"})");
  ASSERT_EQ(started.status, 200) << started.body;
  const auto entry = started.json().as_object();
  EXPECT_EQ(entry.at("task_id").as_int64(), task_id);
  EXPECT_LT(entry.at("duration").as_int64(), 0) << "running: -(start as Unix seconds)";
  auto current = request("GET", W + "/tracking/current");
  ASSERT_EQ(current.status, 200);
  EXPECT_EQ(current.json().at("id"), entry.at("id"));
  auto stopped = request("POST", W + "/tracking/stop");  // no body, no Content-Type: now
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_GE(stopped.json().at("duration").as_int64(), 0);
  EXPECT_LE(stopped.json().at("duration").as_int64(), 2) << "stopped in the same second or so";
  auto again = request("POST", W + "/tracking/stop");
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.json().at("error").as_string(), "not_found");

  // Two more entries, then today's list two at a time with a +00:00 range.
  for (const char* type : {"break", "activity"}) {
    ASSERT_EQ(request("POST", W + "/tracking/start", std::string(R"({"type":")") + type + R"("})").status, 200);
  }
  ASSERT_EQ(request("POST", W + "/tracking/stop").status, 200);
  std::vector<std::int64_t> paged;
  for (int page = 1; page <= 2; ++page) {
    auto res = request("GET", W + "/time-entries?" + today_range() + "&per_page=2&page=" + std::to_string(page));
    ASSERT_EQ(res.status, 200) << res.body;
    const auto body = res.json();
    EXPECT_EQ(body.at("per_page").as_int64(), 2);
    for (const auto& e : body.at("data").as_array()) paged.push_back(e.at("id").as_int64());
  }
  EXPECT_EQ(paged.size(), 3u);
  auto streamed = request("GET", W + "/time-entries/stream?" + today_range());
  ASSERT_EQ(streamed.status, 200) << streamed.body;
  EXPECT_EQ(streamed.header("transfer-encoding"), "chunked");
  std::vector<std::int64_t> stream_ids;
  const auto stream_body = streamed.json();
  for (const auto& e : stream_body.as_array()) stream_ids.push_back(e.at("id").as_int64());
  EXPECT_EQ(stream_ids, paged) << "newest first, as the list";
  EXPECT_EQ(stream_body.as_array().back().at("task_id").as_int64(), task_id);
}

TEST_F(TimeEntries, StartStopsTheRunningEntryAndStopChecksItsEnd) {
  auto first = start(owner, {{"type", "activity"}, {"start", "2026-03-01T09:00:00+01:00"}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json().at("start").as_string(), "2026-03-01T08:00:00Z") << "returned in UTC";
  auto second = start(owner, {{"type", "break"}, {"start", "2026-03-01T08:30:00Z"}});
  ASSERT_EQ(second.status, 200);
  auto old = call(owner, "GET", ws() + "/time-entries/" + std::to_string(first.json().at("id").as_int64()));
  EXPECT_EQ(old.json().at("duration").as_int64(), 1800) << "stopped at the new start";
  expect_validation(stop(owner, R"({"end":"2026-03-01T08:29:59Z"})"), "end");
  expect_validation(stop(owner, R"({"end":"2026-03-01"})"), "end");
  // No longer than the longest duration (10 years), as every other way of ending an entry:
  // neither by an end nor by a new start, which then starts nothing.
  expect_validation(stop(owner, R"({"end":"9999-03-01T08:30:00Z"})"), "end");
  expect_validation(stop(owner, R"({"end":"2036-03-09T08:30:00Z"})"), "end");  // 3,661 days
  const auto running = call(owner, "GET", ws() + "/tracking/current").json().at("id").as_int64();
  expect_validation(start(owner, {{"type", "activity"}, {"start", "2036-03-09T08:30:00Z"}}), "start");
  EXPECT_EQ(call(owner, "GET", ws() + "/tracking/current").json().at("id").as_int64(), running);
  auto stopped = stop(owner, R"({"end":"2026-03-01T08:30:00Z"})");
  ASSERT_EQ(stopped.status, 200);
  EXPECT_EQ(stopped.json().at("duration").as_int64(), 0) << "end == start is valid";
  // `null`, what SDKs send for no body, stops it now.
  ASSERT_EQ(start(owner, {{"type", "activity"}}).status, 200);
  auto by_null = stop(owner, "null");
  ASSERT_EQ(by_null.status, 200) << by_null.body;
  EXPECT_EQ(call(owner, "GET", ws() + "/tracking/current").status, 204);
  // An entry keeps its owner's timezone setting (an IANA name) of the moment it starts.
  expect_validation(call(owner, "PATCH", "/api/users/me/settings", R"({"timezone":"Mars/Olympus"})"), "timezone");
  ASSERT_EQ(call(owner, "PATCH", "/api/users/me/settings", R"({"timezone":"Europe/Tallinn"})").status, 200);
  auto zoned = start(owner, {{"type", "activity"}, {"start", "2026-03-01T09:00:00Z"}});
  ASSERT_EQ(zoned.status, 200) << zoned.body;
  EXPECT_EQ(zoned.json().at("timezone").as_string(), "Europe/Tallinn");
  EXPECT_EQ(first.json().at("timezone").as_string(), "UTC");
  expect_validation(start(owner, {{"start", "2026-03-01T09:00:00Z"}}), "type");
  expect_validation(start(owner, {{"type", "meeting"}}), "type");
  expect_validation(start(owner, {{"type", "activity"}, {"task_id", 999999}}), "task_id");
  EXPECT_EQ(start(outsider, {{"type", "activity"}}).status, 404);
  EXPECT_EQ(call(owner, "GET", ws() + "/time-entries/999999").status, 404);
}

TEST_F(TimeEntries, ATasksEntriesAreListedAsTheTaskIsSeen) {
  const std::int64_t secret = create_project({{"name", "Secret"}, {"private", true}});
  const auto task_of = [&](const object& body) { return create(owner, ws() + "/tasks", body).at("id").as_int64(); };
  const std::int64_t hidden = task_of({{"name", "Hidden"}, {"project_id", secret}});
  const std::int64_t open = task_of({{"name", "Open"}});
  std::vector<std::int64_t> on_open;
  for (const char* at : {"2026-03-01T09:00:00Z", "2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z"}) {
    auto res = start(owner, {{"type", "activity"}, {"task_id", open}, {"start", at}});
    ASSERT_EQ(res.status, 200) << res.body;
    on_open.push_back(res.json().at("id").as_int64());
  }
  ASSERT_EQ(start(owner, {{"type", "break"}, {"task_id", hidden}, {"start", "2026-03-01T12:00:00Z"}}).status, 200);
  auto ids = [&](const SeededUser& user, const std::string& target) {
    auto res = call(user, "GET", target);
    EXPECT_EQ(res.status, 200) << res.body;
    std::vector<std::int64_t> out;
    if (res.status != 200) return out;
    const auto body = res.json();
    for (const auto& e : body.at("data").as_array()) out.push_back(e.at("id").as_int64());
    return out;
  };
  const std::string entries = ws() + "/tasks/" + std::to_string(open) + "/time-entries";
  EXPECT_EQ(ids(owner, entries), (std::vector<std::int64_t>{on_open[2], on_open[1], on_open[0]}));
  EXPECT_EQ(ids(owner, entries + "?order_by=start&per_page=2&page=2"), std::vector<std::int64_t>{on_open[2]});
  EXPECT_EQ(ids(owner, entries + "?type=break"), std::vector<std::int64_t>{});
  expect_validation(call(owner, "GET", entries + "?type=lunch"), "type");
  // The task must be one the caller sees: a private project's task is a missing one.
  EXPECT_EQ(call(member, "GET", ws() + "/tasks/" + std::to_string(hidden) + "/time-entries").status, 404);
  EXPECT_EQ(call(outsider, "GET", entries).status, 404);
  // A task without a project, created by the owner: only its creator (and admins) see it.
  EXPECT_EQ(call(member, "GET", entries).status, 404);
}

TEST_F(TimeEntries, TheListsOrderAsTheSpecSaysAndPlanningFiltersMatchNothing) {
  const std::int64_t task = create(owner, ws() + "/tasks", object{{"name", "T"}}).at("id").as_int64();
  const std::int64_t late = write(owner, "/time-entries", {{"type", "activity"}, {"start", "2026-03-01T12:00:00Z"}});
  const std::int64_t early = write(owner, "/tasks/" + std::to_string(task) + "/time-entries",
                                   {{"type", "activity"}, {"start", "2026-03-01T09:00:00Z"}});
  const std::string range = "date_from=2026-03-01T00:00:00Z&date_to=2026-03-02T00:00:00Z";
  EXPECT_EQ(listed(owner, range), (std::vector<std::int64_t>{late, early})) << "newest start first";
  EXPECT_EQ(listed(owner, range + "&order_by=start"), (std::vector<std::int64_t>{early, late}));
  EXPECT_EQ(listed(owner, range + "&order_by=-created_at,start"), (std::vector<std::int64_t>{early, late}))
      << "created later, or in the same second and starting first";
  EXPECT_EQ(listed(owner, range + "&order_by=-task_id"), (std::vector<std::int64_t>{early, late}));
  EXPECT_EQ(listed(owner, range + "&order_by=updated_at,-start"), (std::vector<std::int64_t>{late, early}));
  expect_validation(call(owner, "GET", ws() + "/time-entries?" + range + "&order_by=duration"), "order_by");
  // focusd has no statuses and no time blocks: a filter on one matches no entry.
  EXPECT_TRUE(listed(owner, range + "&status_id=3").empty());
  EXPECT_TRUE(listed(owner, range + "&time_block_id=3&expand_calendar_event=true").empty());
  expect_validation(call(owner, "GET", ws() + "/time-entries?" + range + "&status_id=x"), "status_id");
  auto of_task = call(owner, "GET", ws() + "/tasks/" + std::to_string(task) + "/time-entries?time_block_id=1");
  ASSERT_EQ(of_task.status, 200);
  EXPECT_TRUE(of_task.json().at("data").as_array().empty());
}

TEST_F(TimeEntries, TheDeprecatedRoutesUnderATaskAreTheEntrysOwnWhenItIsThatTasks) {
  const auto task_of = [&](const char* name) {
    return create(owner, ws() + "/tasks", object{{"name", name}}).at("id").as_int64();
  };
  const std::int64_t copy = task_of("Copy"), other = task_of("Other");
  const std::int64_t id = write(owner, "/tasks/" + std::to_string(copy) + "/time-entries", {{"type", "activity"}});
  const std::string under = ws() + "/tasks/" + std::to_string(copy) + "/time-entries/" + std::to_string(id);
  const std::string elsewhere = ws() + "/tasks/" + std::to_string(other) + "/time-entries/" + std::to_string(id);
  EXPECT_EQ(call(owner, "GET", under).status, 200);
  ASSERT_EQ(call_json(owner, "PATCH", under, object{{"description", "via the task"}}).status, 204);
  EXPECT_EQ(call(owner, "GET", entry(id)).json().at("description").as_string(), "via the task");
  // Under another task the entry is a missing one, for every operation.
  const auto missing = call(owner, "GET", elsewhere);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(call_json(owner, "PATCH", elsewhere, object{{"description", "no"}}).status, 404);
  EXPECT_EQ(call(owner, "DELETE", elsewhere).status, 404);
  EXPECT_EQ(call(owner, "POST", elsewhere + "/archive").status, 404);
  ASSERT_EQ(call(owner, "DELETE", under).status, 204);
  EXPECT_EQ(call(owner, "PATCH", elsewhere + "/restore").status, 404);
  EXPECT_EQ(call(owner, "PATCH", under + "/restore").status, 204);
  EXPECT_EQ(call(owner, "GET", entry(id)).json().at("description").as_string(), "via the task");
}

TEST_F(TimeEntries, TheDeprecatedTrackingRoutesAreTheSameTimer) {
  const std::string legacy =
      "/api/" + std::to_string(owner.organization_id) + "/workspaces/" + std::to_string(owner.workspace_id);
  EXPECT_EQ(call(owner, "GET", legacy + "/tracking/current").status, 204);
  auto started = call(owner, "POST", legacy + "/tracking/start", R"({"type":"activity"})");
  ASSERT_EQ(started.status, 200) << started.body;
  auto current = call(owner, "GET", ws() + "/tracking/current");
  ASSERT_EQ(current.status, 200);
  EXPECT_EQ(current.json().at("id"), started.json().at("id"));
  EXPECT_EQ(call(owner, "POST", legacy + "/tracking/stop").status, 200);
  EXPECT_EQ(call(owner, "POST", ws() + "/tracking/stop").status, 404);
  EXPECT_EQ(call(outsider, "GET", legacy + "/tracking/current").status, 404);
}

TEST_F(TimeEntries, EntriesOfAPrivateProjectAreInvisibleToThoseWhoCannotSeeIt) {
  const std::int64_t secret = create_project({{"name", "Secret"}, {"private", true}});
  const std::int64_t open = create_project({{"name", "Open"}});
  auto on_secret = start(owner, {{"type", "activity"}, {"project_id", secret}, {"start", "2026-03-01T09:00:00Z"}});
  auto on_open = start(owner, {{"type", "activity"}, {"project_id", open}, {"start", "2026-03-01T10:00:00Z"}});
  auto own = start(member, {{"type", "activity"}, {"start", "2026-03-01T11:00:00Z"}});
  auto theirs_loose = start(owner, {{"type", "activity"}, {"start", "2026-03-01T12:00:00Z"}});
  for (const auto* res : {&on_secret, &on_open, &own, &theirs_loose}) ASSERT_EQ(res->status, 200) << res->body;
  auto id = [](const HttpResponse& res) { return res.json().at("id").as_int64(); };
  const std::string range = "date_from=2026-03-01T00:00:00Z&date_to=2026-03-02T00:00:00Z";
  EXPECT_EQ(listed(member, range), (std::vector<std::int64_t>{id(own), id(on_open)}));
  EXPECT_EQ(listed(owner, range), (std::vector<std::int64_t>{id(theirs_loose), id(own), id(on_open), id(on_secret)}));
  EXPECT_EQ(call(member, "GET", ws() + "/time-entries/" + std::to_string(id(on_secret))).status, 404);
  EXPECT_EQ(call(member, "GET", ws() + "/time-entries/" + std::to_string(id(theirs_loose))).status, 404);
  EXPECT_EQ(call(member, "GET", ws() + "/time-entries/" + std::to_string(id(on_open))).status, 200);
  expect_validation(start(member, {{"type", "activity"}, {"project_id", secret}}), "project_id");
}

// An admin may give a user an entry on a project, or a task, that the user
// may not see: the user sees their entry, never the project's or task's
// name or id.
TEST_F(TimeEntries, AnEntryOnWhatItsOwnerMayNotSeeNamesNeither) {
  const std::int64_t secret = create_project({{"name", "SecretProject"}, {"private", true}});
  const std::int64_t open = create_project({{"name", "Open"}});
  const auto hidden_task =
      create(owner, ws() + "/tasks", {{"name", "SecretTask"}, {"project_id", open}, {"private", true}}).at("id");
  const auto on_secret = write(owner, "/time-entries",
                               {{"type", "activity"},
                                {"start", "2026-08-01T10:00:00Z"},
                                {"duration", 60},
                                {"user_id", member.user_id},
                                {"project_id", secret}});
  const auto on_task =
      write(owner, "/tasks/" + std::to_string(hidden_task.as_int64()) + "/time-entries",
            {{"type", "activity"}, {"start", "2026-08-01T11:00:00Z"}, {"duration", 60}, {"user_id", member.user_id}});
  const std::string range = "date_from=2026-08-01T00:00:00Z&date_to=2026-08-02T00:00:00Z";
  auto list = call(member, "GET", ws() + "/time-entries?" + range);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.body.find("Secret"), std::string::npos) << list.body;
  const auto listed_entries = list.json();
  for (const auto& e : listed_entries.at("data").as_array()) {
    if (e.at("id").as_int64() == on_secret) {
      EXPECT_FALSE(e.as_object().contains("project_id"));
      EXPECT_FALSE(e.as_object().contains("project"));
    }
    if (e.at("id").as_int64() == on_task) {
      EXPECT_TRUE(e.at("task_id").is_null());
      EXPECT_EQ(e.at("project_id").as_int64(), open);
    }
  }
  EXPECT_EQ(listed_entries.at("data").as_array().size(), 2u);
  auto one = call(member, "GET", entry(on_secret));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_FALSE(one.json().as_object().contains("project_id"));
  EXPECT_EQ(call(owner, "GET", entry(on_secret)).json().at("project_id").as_int64(), secret);  // it stays
}

// billable_source says where `billable` came from: the task's default
// (task_default) when none was given, on a start as on a write, or the writer
// (manual); an edit that does not touch billable keeps it.
TEST_F(TimeEntries, BillableSourceSaysWhereBillableCameFrom) {
  const std::int64_t site = create_project({{"name", "Site"}});
  const auto billed =
      create(owner, ws() + "/tasks", object{{"name", "Billed"}, {"project_id", site}, {"billable", true}})
          .at("id")
          .as_int64();
  auto started = start(owner, {{"type", "activity"}, {"task_id", billed}, {"start", "2026-03-01T09:00:00Z"}});
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_TRUE(started.json().at("billable").as_bool()) << "the task's";
  EXPECT_EQ(started.json().at("billable_source").as_string(), "task_default");
  auto own = start(owner, {{"type", "activity"}, {"task_id", billed}, {"billable", false}});
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_FALSE(own.json().at("billable").as_bool());
  EXPECT_EQ(own.json().at("billable_source").as_string(), "manual");
  ASSERT_EQ(stop(owner).status, 200);

  auto written = call_json(owner, "POST", ws() + "/tasks/" + std::to_string(billed) + "/time-entries",
                           object{{"type", "activity"}, {"start", "2026-03-02T09:00:00Z"}, {"duration", 60}});
  ASSERT_EQ(written.status, 201) << written.body;
  const std::int64_t id = written.json().at("id").as_int64();
  EXPECT_EQ(written.json().at("billable_source").as_string(), "task_default");
  auto source = [&] {
    auto e = call(owner, "GET", entry(id)).json();
    return std::pair{e.at("billable").as_bool(), std::string(e.at("billable_source").as_string())};
  };
  ASSERT_EQ(call_json(owner, "PATCH", entry(id), object{{"description", "kept"}}).status, 204);
  EXPECT_EQ(source(), std::pair(true, std::string("task_default")));
  ASSERT_EQ(call_json(owner, "PATCH", entry(id), object{{"billable", false}}).status, 204);
  EXPECT_EQ(source(), std::pair(false, std::string("manual")));
  ASSERT_EQ(call_json(owner, "PATCH", entry(id), object{{"reset_billable_to_default", true}}).status, 204);
  EXPECT_EQ(source(), std::pair(true, std::string("task_default")));
}

// The aggregates follow every change of an entry: stop, write, edit,
// delete, restore, a move to another task or project, and its task's delete.
TEST_F(TimeEntries, AProjectsAndATasksTotalsFollowEveryChangeOfTheirEntries) {
  const std::int64_t site = create_project({{"name", "Site"}, {"billable", true}});
  const std::int64_t shop = create_project({{"name", "Shop"}});
  const auto task_on = [&](std::int64_t project_id) {
    return create(owner, ws() + "/tasks", object{{"name", "Task"}, {"project_id", project_id}}).at("id").as_int64();
  };
  const std::int64_t copy = task_on(site), cart = task_on(shop);
  ASSERT_EQ(start(owner, {{"type", "activity"}, {"task_id", copy}, {"start", "2026-03-01T09:00:00Z"}}).status, 200);
  EXPECT_EQ(project_secs(site), 0) << "a running entry counts once stopped";
  EXPECT_EQ(task_totals(copy), Totals(0, 0));
  ASSERT_EQ(stop(owner, R"({"end":"2026-03-01T09:30:00Z"})").status, 200);
  EXPECT_EQ(project_secs(site), 1800);
  EXPECT_EQ(task_totals(copy), Totals(1800, 1));

  auto written = call_json(owner, "POST", ws() + "/tasks/" + std::to_string(copy) + "/time-entries",
                           object{{"type", "activity"}, {"start", "2026-03-01T10:00:00+01:00"}, {"duration", 600}});
  ASSERT_EQ(written.status, 201) << written.body;
  const auto w = written.json().as_object();
  EXPECT_EQ(w.at("start").as_string(), "2026-03-01T09:00:00Z");
  EXPECT_EQ(w.at("duration").as_int64(), 600);
  EXPECT_EQ(w.at("task_id").as_int64(), copy);
  EXPECT_EQ(w.at("project_id").as_int64(), site) << "the task's project";
  EXPECT_TRUE(w.at("billable").as_bool() == false) << "the task's billable (false), not the project's";
  const std::int64_t id = w.at("id").as_int64();
  EXPECT_EQ(project_secs(site), 2400);
  EXPECT_EQ(task_totals(copy), Totals(2400, 2));

  ASSERT_EQ(call_json(owner, "PATCH", entry(id), object{{"duration", 900}}).status, 204);
  EXPECT_EQ(task_totals(copy), Totals(2700, 2));
  ASSERT_EQ(call_json(owner, "PATCH", entry(id), object{{"start", "2026-03-01T08:00:00Z"}}).status, 204);
  EXPECT_EQ(call(owner, "GET", entry(id)).json().at("duration").as_int64(), 900) << "a moved start keeps the duration";

  ASSERT_EQ(call(owner, "DELETE", entry(id)).status, 204);
  EXPECT_EQ(call(owner, "GET", entry(id)).status, 404);
  EXPECT_EQ(call(owner, "DELETE", entry(id)).status, 404);
  EXPECT_EQ(project_secs(site), 1800);
  EXPECT_EQ(task_totals(copy), Totals(1800, 1));
  ASSERT_EQ(call(owner, "PATCH", entry(id) + "/restore").status, 204);
  EXPECT_EQ(project_secs(site), 2700);

  // Another task takes its project along; a named project overrides it.
  ASSERT_EQ(call_json(owner, "PATCH", entry(id), object{{"task_id", cart}}).status, 204);
  EXPECT_EQ(project_secs(site), 1800);
  EXPECT_EQ(project_secs(shop), 900);
  EXPECT_EQ(task_totals(copy), Totals(1800, 1));
  EXPECT_EQ(task_totals(cart), Totals(900, 1));
  ASSERT_EQ(call_json(owner, "PATCH", entry(id), object{{"project_id", site}}).status, 204);
  EXPECT_EQ(project_secs(site), 2700);
  EXPECT_EQ(project_secs(shop), 0);
  EXPECT_EQ(task_totals(cart), Totals(900, 1));
  ASSERT_EQ(call_json(owner, "PATCH", entry(id), object{{"task_id", nullptr}}).status, 204);
  EXPECT_EQ(task_totals(cart), Totals(0, 0));
  EXPECT_EQ(project_secs(site), 2700) << "taskless, it keeps its project";

  // A deleted task's entries are out of sight, and out of its project's total, until it is restored.
  ASSERT_EQ(call(owner, "DELETE", ws() + "/tasks/" + std::to_string(copy)).status, 204);
  EXPECT_EQ(project_secs(site), 900);
  ASSERT_EQ(call(owner, "PATCH", ws() + "/tasks/" + std::to_string(copy) + "/restore").status, 204);
  EXPECT_EQ(project_secs(site), 2700);

  // Archived entries still count; they are listed with archived=true only.
  ASSERT_EQ(call(owner, "POST", entry(id) + "/archive").status, 204);
  EXPECT_EQ(project_secs(site), 2700);
  const std::string range = "date_from=2026-03-01T00:00:00Z&date_to=2026-03-02T00:00:00Z";
  EXPECT_EQ(listed(owner, range).size(), 1u);
  EXPECT_EQ(listed(owner, range + "&archived=true"), std::vector<std::int64_t>{id});
  ASSERT_EQ(call(owner, "POST", entry(id) + "/unarchive").status, 204);

  // PUT: what it is not sent is cleared (description), or kept (start, duration).
  ASSERT_EQ(call_json(owner, "PATCH", entry(id), object{{"description", "notes"}}).status, 204);
  ASSERT_EQ(call_json(owner, "PUT", entry(id), object{{"type", "break"}}).status, 204);
  const auto put = call(owner, "GET", entry(id)).json().as_object();
  EXPECT_FALSE(put.contains("description"));
  EXPECT_EQ(put.at("type").as_string(), "break");
  EXPECT_EQ(put.at("duration").as_int64(), 900);
  expect_validation(call_json(owner, "PUT", entry(id), object{{"description", "no type"}}), "type");
  expect_validation(call_json(owner, "PATCH", entry(id), object{{"start", nullptr}}), "start");
  expect_validation(call_json(owner, "PATCH", entry(id), object{{"planned_start", "2026-03-01T08:00:00Z"}}),
                    "planned_start");

  // The lists inline each entry's task and project.
  auto listed_entries = call(owner, "GET", ws() + "/time-entries?" + range + "&order_by=start");
  ASSERT_EQ(listed_entries.status, 200);
  const auto first = listed_entries.json().at("data").as_array().at(1).as_object();
  EXPECT_EQ(first.at("task").at("id").as_int64(), copy);
  EXPECT_EQ(first.at("task").at("total_tracked_time").as_int64(), 1800);
  EXPECT_EQ(first.at("project").at("name").as_string(), "Site");
}

TEST_F(TimeEntries, OnlyTheOwnerAndAdminsChangeAnEntry) {
  const std::int64_t open = create_project({{"name", "Open"}});
  const std::int64_t theirs =
      write(owner, "/time-entries", {{"type", "activity"}, {"project_id", open}, {"duration", 60}});
  EXPECT_EQ(call(member, "GET", entry(theirs)).status, 200) << "seen through its project";
  EXPECT_EQ(call_json(member, "PATCH", entry(theirs), object{{"duration", 1}}).status, 403);
  EXPECT_EQ(call_json(member, "PUT", entry(theirs), object{{"type", "activity"}}).status, 403);
  EXPECT_EQ(call(member, "DELETE", entry(theirs)).status, 403);
  EXPECT_EQ(call(member, "POST", entry(theirs) + "/archive").status, 403);
  EXPECT_EQ(call(outsider, "DELETE", entry(theirs)).status, 404);
  EXPECT_EQ(call(owner, "GET", entry(theirs)).json().at("duration").as_int64(), 60) << "unchanged";

  const std::int64_t mine = write(member, "/time-entries", {{"type", "break"}, {"duration", 300}});
  EXPECT_EQ(call_json(member, "PATCH", entry(mine), object{{"duration", 600}}).status, 204);
  EXPECT_EQ(call_json(owner, "PATCH", entry(mine), object{{"description", "checked"}}).status, 204) << "an admin";
  EXPECT_EQ(call(member, "GET", entry(mine)).json().at("description").as_string(), "checked");

  // On behalf of another member: owners and admins only, and members only.
  EXPECT_EQ(call_json(member, "POST", ws() + "/time-entries", object{{"type", "activity"}, {"user_id", owner.user_id}})
                .status,
            403);
  auto for_member =
      call_json(owner, "POST", ws() + "/time-entries", object{{"type", "activity"}, {"user_id", member.user_id}});
  ASSERT_EQ(for_member.status, 201) << for_member.body;
  EXPECT_EQ(for_member.json().at("toggl_user_id").as_int64(), member.user_id);
  EXPECT_EQ(call(member, "GET", entry(for_member.json().at("id").as_int64())).status, 200);
  expect_validation(
      call_json(owner, "POST", ws() + "/time-entries", object{{"type", "activity"}, {"user_id", outsider.user_id}}),
      "user_id");
  // A task the caller does not see is a missing one.
  const std::int64_t secret = create_project({{"name", "Secret"}, {"private", true}});
  const std::int64_t hidden =
      create(owner, ws() + "/tasks", object{{"name", "Hidden"}, {"project_id", secret}}).at("id").as_int64();
  EXPECT_EQ(call_json(member, "POST", ws() + "/tasks/" + std::to_string(hidden) + "/time-entries",
                      object{{"type", "activity"}})
                .status,
            404);
  // The planning operations are not served.
  auto planned = call(owner, "POST", entry(theirs) + "/log");
  EXPECT_EQ(planned.status, 501);
  EXPECT_NE(planned.body.find("log-planned-time-with-org"), std::string::npos) << planned.body;
}

TEST_F(TimeEntries, BulkWritesAreAllOrNothing) {
  const std::string bulk = ws() + "/time-entries/bulk",
                    range = "date_from=2026-03-01T00:00:00Z&date_to=2026-03-02T00:00:00Z";
  const auto at = [](const char* start) { return object{{"type", "activity"}, {"start", start}, {"duration", 60}}; };
  auto broken = call_json(owner, "POST", bulk, array{at("2026-03-01T09:00:00Z"), object{{"duration", 60}}});
  expect_validation(broken, "[1].type");
  object unseen = at("2026-03-01T10:00:00Z");
  unseen["task_id"] = 999999;
  expect_validation(call_json(owner, "POST", bulk, array{at("2026-03-01T09:00:00Z"), unseen}), "[1].task_id");
  EXPECT_TRUE(listed(owner, range).empty()) << "nothing of a refused bulk is written";

  ASSERT_EQ(call_json(owner, "POST", bulk, array{at("2026-03-01T09:00:00Z"), at("2026-03-01T10:00:00Z")}).status, 204);
  const auto ids = listed(owner, range + "&order_by=start");
  ASSERT_EQ(ids.size(), 2u);
  const std::string a = std::to_string(ids[0]), b = std::to_string(ids[1]);
  const std::int64_t members = write(member, "/time-entries", at("2026-03-01T11:00:00Z"));

  EXPECT_EQ(call_json(owner, "PATCH", bulk, array{object{{"id", ids[0]}, {"description", "x"}}, object{{"id", 999999}}})
                .status,
            404);
  expect_validation(
      call_json(owner, "PATCH", bulk,
                array{object{{"id", ids[0]}, {"description", "x"}}, object{{"id", ids[1]}, {"duration", -1}}}),
      "[1].duration");
  EXPECT_FALSE(call(owner, "GET", entry(ids[0])).json().as_object().contains("description")) << "unchanged";
  EXPECT_EQ(call_json(member, "PATCH", ws() + "/time-entries/bulk-edit",
                      object{{"ids", {members, ids[0]}}, {"changes", {{"description", "mine"}}}})
                .status,
            404)
      << "the owner's entry without a project is not the member's to see";
  EXPECT_FALSE(call(member, "GET", entry(members)).json().as_object().contains("description")) << "unchanged";
  ASSERT_EQ(call_json(owner, "PATCH", ws() + "/time-entries/bulk-edit",
                      object{{"ids", {ids[0], ids[1], members}}, {"changes", {{"billable", true}}}})
                .status,
            204);
  auto batch = call(owner, "GET", ws() + "/time-entries/batch?ids=" + std::to_string(members) + "," + b + "," + a);
  ASSERT_EQ(batch.status, 200);
  std::vector<std::int64_t> batched;
  const auto batch_body = batch.json();
  for (const auto& e : batch_body.as_array()) {
    batched.push_back(e.at("id").as_int64());
    EXPECT_TRUE(e.at("billable").as_bool());
  }
  EXPECT_EQ(batched, (std::vector<std::int64_t>{ids[0], ids[1], members})) << "by id";

  EXPECT_EQ(call(owner, "DELETE", bulk + "?ids=" + a + ",999999").status, 404);
  EXPECT_EQ(call(owner, "GET", entry(ids[0])).status, 200) << "nothing of a refused bulk delete is deleted";
  ASSERT_EQ(call(owner, "DELETE", bulk + "?ids=" + a + "," + b).status, 204);
  EXPECT_EQ(listed(owner, range), std::vector<std::int64_t>{members});
  auto after = call(owner, "GET", ws() + "/time-entries/batch?ids=" + a + "," + b);
  EXPECT_EQ(after.body, "[]") << "deleted entries are left out";
  ASSERT_EQ(call(owner, "PATCH", ws() + "/time-entries/bulk/restore?ids=" + a + "," + b).status, 204);
  EXPECT_EQ(listed(owner, range).size(), 3u);
}

// A browser extension's flow: find the task by name (and project, and tags),
// or create what it may, then start on it; never over a running timer.
TEST_F(TimeEntries, StartFromDescriptionFindsOrCreatesTheTaskThenStartsOnIt) {
  const std::string from = ws() + "/tracking/start-from-description";
  const object described{{"type", "activity"},           {"name", "Review PR 7"},
                         {"extension_source", "github"}, {"project_name", "Web"},
                         {"tag_names", {"review"}},      {"resolution_strategy", "name_project_tags"}};
  auto nothing = call_json(owner, "POST", from, described);
  EXPECT_EQ(nothing.status, 404) << "nothing matches and nothing may be created: " << nothing.body;
  EXPECT_EQ(call(owner, "GET", ws() + "/tracking/current").status, 204);

  object creating = described;
  creating["create_project_if_not_found"] = true;
  creating["create_tags_if_not_found"] = true;
  creating["create_task_if_not_found"] = true;
  creating["notes"] = "from the extension";
  creating["description"] = "reading";
  creating["start"] = "2026-03-01T09:00:00+01:00";
  auto created = call_json(owner, "POST", from, creating);
  ASSERT_EQ(created.status, 200) << created.body;
  const auto first = created.json().as_object();
  EXPECT_TRUE(first.at("project_created").as_bool());
  EXPECT_TRUE(first.at("project_resolved").as_bool());
  EXPECT_TRUE(first.at("task_created").as_bool());
  EXPECT_EQ(first.at("match_reason").as_string(), "created");
  EXPECT_EQ(first.at("tags_created"), (array{"review"}));
  EXPECT_EQ(first.at("tags_not_found"), array{});
  const auto& task = first.at("task").as_object();
  EXPECT_EQ(task.at("name").as_string(), "Review PR 7");
  EXPECT_EQ(task.at("description").as_string(), "from the extension");
  EXPECT_EQ(task.at("project").at("name").as_string(), "Web");
  EXPECT_EQ(task.at("tags").as_array().size(), 1u);
  const auto& timer = first.at("time_entry").as_object();
  EXPECT_EQ(timer.at("task_id"), task.at("id"));
  EXPECT_EQ(timer.at("start").as_string(), "2026-03-01T08:00:00Z");
  EXPECT_EQ(timer.at("description").as_string(), "reading");
  EXPECT_LT(timer.at("duration").as_int64(), 0) << "running";

  auto busy = call_json(owner, "POST", from, creating);
  EXPECT_EQ(busy.status, 409) << "a running timer is not stopped by this flow: " << busy.body;
  ASSERT_EQ(stop(owner, R"({"end":"2026-03-01T08:30:00Z"})").status, 200);

  // The same description, spelt in another case, finds what was created.
  object again = described;
  again["name"] = "review pr 7";
  again["project_name"] = "WEB";
  auto found = call_json(owner, "POST", from, again);
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_FALSE(found.json().at("task_created").as_bool());
  EXPECT_FALSE(found.json().at("project_created").as_bool());
  EXPECT_EQ(found.json().at("match_reason").as_string(), "name_project_tags");
  EXPECT_EQ(found.json().at("task").at("id"), task.at("id"));
  ASSERT_EQ(stop(owner).status, 200);
  // A tag the task lacks is no match under name_project_tags, and an unknown tag is reported.
  object other_tag = described;
  other_tag["tag_names"] = {"blocked"};
  auto unmatched = call_json(owner, "POST", from, other_tag);
  EXPECT_EQ(unmatched.status, 404) << unmatched.body;
  other_tag["resolution_strategy"] = "name";
  auto by_name = call_json(owner, "POST", from, other_tag);
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  EXPECT_EQ(by_name.json().at("tags_not_found"), (array{"blocked"}));
  EXPECT_EQ(by_name.json().at("task").at("id"), task.at("id"));
  ASSERT_EQ(stop(owner).status, 200);

  expect_validation(call_json(owner, "POST", from, object{{"type", "activity"}, {"name", "x"}}), "extension_source");
  expect_validation(
      call_json(
          owner, "POST", from,
          object{{"type", "activity"}, {"name", "x"}, {"extension_source", "s"}, {"resolution_strategy", "fuzzy"}}),
      "resolution_strategy");
  EXPECT_EQ(call_json(outsider, "POST", from, described).status, 404);
}

}  // namespace
}  // namespace focusd::test
