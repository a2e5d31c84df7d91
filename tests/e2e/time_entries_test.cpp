// Time entries and the timer: …/tracking/{current,start,stop} and
// …/time-entries, as real Focus clients use them.
#include <chrono>
#include <ctime>

#include "projects_support.h"

namespace focusd::test {
namespace {

using boost::json::object;

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
  std::string ws() const {
    return "/api/organizations/" + std::to_string(owner.organization_id) + "/workspaces/" +
           std::to_string(owner.workspace_id);
  }
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
  auto stopped = stop(owner, R"({"end":"2026-03-01T08:30:00Z"})");
  ASSERT_EQ(stopped.status, 200);
  EXPECT_EQ(stopped.json().at("duration").as_int64(), 0) << "end == start is valid";
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

}  // namespace
}  // namespace focusd::test
