// `focusd admin migrate-database`: an install on SQLite, copied into an empty
// PostgreSQL database, answers every read exactly as before, attachments
// included (they stay under --data), and gives no id twice. PostgreSQL pass only.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "attachments_support.h"
#include "test_database.h"

namespace focusd::test {
namespace {

using boost::json::object;

class MigrateDatabase : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!on_postgres()) GTEST_SKIP() << "needs the PostgreSQL test cluster";
  }

  static HttpResponse send(const FocusdServer& server, const SeededUser& user, const std::string& method,
                           const std::string& target, const boost::json::value& body = nullptr) {
    Headers headers = user.basic();
    if (body.is_null()) return server.client().request(method, target, headers);
    headers.emplace_back("Content-Type", "application/json");
    return server.client().request(method, target, headers, boost::json::serialize(body));
  }
  static std::int64_t created(const HttpResponse& res) {
    EXPECT_EQ(res.status / 100, 2) << res.body;
    return res.status / 100 == 2 ? res.json().at("id").as_int64() : 0;
  }
};

TEST_F(MigrateDatabase, ACopiedInstallAnswersAsBeforeAndReusesNoId) {
  FocusdServer source({.sqlite = true});
  auto owner = source.seed_user();
  auto member = source.seed_user("", owner.organization_id, "member");
  auto gone = source.seed_user();
  const std::string ws = "/api/workspaces/" + std::to_string(owner.workspace_id);
  const std::string org_ws = owner.workspace_path();

  const auto client = created(send(source, owner, "POST", ws + "/clients", object{{"name", "Acme"}}));
  const auto tag = created(send(source, owner, "POST", ws + "/tags", object{{"name", "urgent"}, {"color", "#ff0000"}}));
  const auto child = created(send(source, owner, "POST", org_ws + "/projects",
                                  object{{"name", "Child"},
                                         {"client_id", client},
                                         {"tag_ids", {tag}},
                                         {"private", true},
                                         {"fixed_fee", object{{"amount", 1234.5}, {"currency", "EUR"}}}}));
  const auto parent = created(send(source, owner, "POST", org_ws + "/projects", object{{"name", "Parent"}}));
  // The parent has the greater id: the copy must not insert the child first with its parent.
  ASSERT_EQ(
      send(source, owner, "PATCH", org_ws + "/projects/" + std::to_string(child), object{{"parent_project_id", parent}})
          .status,
      201);
  ASSERT_EQ(send(source, owner, "POST", org_ws + "/projects/" + std::to_string(child) + "/members",
                 object{{"user_ids", {member.user_id}}, {"role_id", 2}})
                    .status /
                100,
            2);
  ASSERT_EQ(
      send(source, owner, "POST", owner.organization_path() + "/groups",
           object{{"name", "Design"}, {"organization_users", {member.user_id}}, {"workspaces", {owner.workspace_id}}})
          .status,
      201);
  ASSERT_EQ(send(source, owner, "POST", org_ws + "/projects/" + std::to_string(child) + "/rates",
                 object{{"hourly_rate", 120.25}, {"currency", "EUR"}, {"start_at", "2020-01-01"}})
                .status,
            201);
  const auto task = created(send(source, owner, "POST", org_ws + "/tasks",
                                 object{{"name", "Write"}, {"project_id", child}, {"tag_ids", {tag}}}));
  const auto parent_task = created(send(source, owner, "POST", org_ws + "/tasks", object{{"name", "Plan"}}));
  ASSERT_EQ(
      send(source, owner, "PATCH", org_ws + "/tasks/" + std::to_string(task), object{{"parent_task_id", parent_task}})
              .status /
          100,
      2);
  ASSERT_EQ(
      send(source, owner, "POST", org_ws + "/time-entries/bulk",
           boost::json::array{
               object{{"type", "activity"}, {"duration", 90}, {"task_id", task}, {"start", "2026-03-01T09:00:00Z"}},
               object{{"type", "break"}, {"duration", 30}, {"start", "2026-03-01T11:00:00Z"}}})
          .status,
      204);
  ASSERT_EQ(send(source, owner, "POST", org_ws + "/tracking/start",
                 object{{"type", "activity"}, {"start", "2026-03-01T12:00:00Z"}})
                .status,
            200);
  ASSERT_EQ(
      send(source, owner, "PATCH", "/api/users/me/settings", object{{"theme", "dark"}, {"start_week_on", 1}}).status /
          100,
      2);
  const std::string bytes = binary_bytes(300000, 7);
  HttpClient uploader = source.client();
  const std::string attachments = org_ws + "/projects/" + std::to_string(child) + "/attachments";
  const auto attachment = created(
      upload(uploader, owner, attachments, {file_part("file", "report.bin", bytes), field("display_order", "2")}));
  // A user deleted: SQLite never gives its id again, nor may PostgreSQL.
  source.exec_sql("DELETE FROM organization_users WHERE user_id = " + std::to_string(gone.user_id) +
                  "; DELETE FROM users WHERE id = " + std::to_string(gone.user_id));

  const std::vector<std::pair<const SeededUser*, std::string>> reads = {
      {&owner, org_ws + "/projects?archived="},
      {&owner, org_ws + "/projects/" + std::to_string(child)},
      {&owner, org_ws + "/projects/" + std::to_string(parent) + "/children"},
      {&owner, org_ws + "/projects/" + std::to_string(child) + "/members"},
      {&owner, org_ws + "/projects/" + std::to_string(child) + "/rates"},
      {&owner, org_ws + "/tasks"},
      {&owner, org_ws + "/tasks/" + std::to_string(task)},
      {&owner, org_ws + "/time-entries?date_from=2026-03-01T00:00:00Z&date_to=2026-03-02T00:00:00Z"},
      {&owner, org_ws + "/tracking/current"},
      {&owner, ws + "/clients"},
      {&owner, ws + "/tags"},
      {&owner, attachments},
      {&owner, "/api/users/me/settings"},
      {&member, org_ws + "/projects"},
      {&member, org_ws + "/projects/" + std::to_string(child)},
  };
  std::vector<HttpResponse> before;
  for (const auto& [user, target] : reads) {
    before.push_back(send(source, *user, "GET", target));
    EXPECT_EQ(before.back().status, 200) << target << " -> " << before.back().body;
  }
  ASSERT_EQ(source.stop(), 0);

  pgtest::TestDatabase target;
  auto copied = run_process(
      {FOCUSD_BINARY, "admin", "migrate-database", "--data", source.data_dir().string(), "--to", target.url()});
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  const auto report = boost::json::parse(copied.out).as_object();
  EXPECT_EQ(report.at("tables").at("projects").as_int64(), 2);
  EXPECT_EQ(report.at("tables").at("time_entries").as_int64(), 3);
  EXPECT_EQ(report.at("tables").at("attachments").as_int64(), 1);
  EXPECT_EQ(report.at("database").as_string().find("postgresql://"), 0u);

  FocusdServer copy({.data_dir = source.data_dir(), .database = target.url()});
  for (std::size_t i = 0; i < reads.size(); ++i) {
    auto after = send(copy, *reads[i].first, "GET", reads[i].second);
    EXPECT_EQ(after.status, 200) << reads[i].second;
    if (after.status == 200) {
      EXPECT_EQ(after.json(), before[i].json()) << reads[i].second;
    }
  }
  auto view = send(copy, owner, "GET", attachments + "/" + std::to_string(attachment) + "/view");
  EXPECT_EQ(view.status, 200);
  EXPECT_TRUE(view.body == bytes) << "the attachment's bytes";

  // Ids go on past every id SQLite gave, deleted ones included.
  auto next = copy.seed_user("after@example.com");
  EXPECT_GT(next.user_id, gone.user_id);
  EXPECT_GT(created(send(copy, owner, "POST", org_ws + "/projects", object{{"name", "After"}})), parent);
  EXPECT_EQ(copy.admin({"fsck"}).exit_code, 0);

  // A database with rows is refused, and left as it was.
  auto again = run_process(
      {FOCUSD_BINARY, "admin", "migrate-database", "--data", source.data_dir().string(), "--to", target.url()});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("not empty"), std::string::npos) << again.err;
  EXPECT_EQ(send(copy, owner, "GET", org_ws + "/projects/" + std::to_string(child)).status, 200);
}

TEST_F(MigrateDatabase, NothingIsCopiedWithoutASqliteDatabase) {
  TempDir empty;
  pgtest::TestDatabase target;
  auto result = run_process(
      {FOCUSD_BINARY, "admin", "migrate-database", "--data", (empty.path() / "none").string(), "--to", target.url()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("no SQLite database"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace focusd::test
