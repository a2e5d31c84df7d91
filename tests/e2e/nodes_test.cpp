// Two focusd processes on one PostgreSQL database (the PostgreSQL pass only:
// on SQLite each server has a database of its own): what one writes the other
// reads at once, and what either remembers in memory (an API key's user) is
// given up within its documented bound once the database says otherwise.
#include <gtest/gtest.h>

#include <thread>

#include "support.h"

namespace focusd::test {
namespace {

class TwoNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!on_postgres()) GTEST_SKIP() << "two nodes share a database on PostgreSQL only";
    a.emplace();
    b.emplace(ServerOptions{.database = a->database()});
    owner = a->seed_user();
  }

  std::string projects() const { return owner.workspace_path() + "/projects"; }

  static HttpResponse send(const FocusdServer& node, const Headers& auth, const std::string& method,
                           const std::string& target, const std::string& body = "") {
    Headers headers = auth;
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return node.client().request(method, target, headers, body);
  }

  // Polls `ok` every 20 ms until it holds or `bound` has passed; whether it held.
  static bool within(std::chrono::milliseconds bound, const std::function<bool()>& ok) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (!ok()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  std::optional<FocusdServer> a;
  std::optional<FocusdServer> b;
  SeededUser owner;
};

TEST_F(TwoNodes, WritesThroughOneAreReadThroughTheOtherAtOnce) {
  auto created = send(*a, owner.basic(), "POST", projects(), R"({"name":"Shared","color":"#aabbcc"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string project = projects() + "/" + std::to_string(created.json().at("id").as_int64());

  auto read = send(*b, owner.basic(), "GET", project);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json().at("name").as_string(), "Shared");

  ASSERT_EQ(send(*b, owner.basic(), "PATCH", project, R"({"name":"Renamed"})").status, 201);  // as Focus answers
  EXPECT_EQ(send(*a, owner.basic(), "GET", project).json().at("name").as_string(), "Renamed");

  // A name taken through one node is taken for the other.
  EXPECT_EQ(send(*b, owner.basic(), "POST", projects(), R"({"name":"renamed"})").status, 409);

  EXPECT_EQ(send(*a, owner.basic(), "DELETE", project).status, 204);
  EXPECT_EQ(send(*b, owner.basic(), "GET", project).status, 404);
}

TEST_F(TwoNodes, AKeyReplacedThroughOneIsRefusedByTheOtherWithinTheKeyCacheTtl) {
  const std::string old_key = a->create_api_key(owner.email);
  // Node b remembers the key's user (for --api-key-cache-ttl-ms, 1000 by default).
  ASSERT_EQ(send(*b, bearer(old_key), "GET", "/api/users/me/settings").status, 200);
  ASSERT_EQ(send(*b, bearer(old_key), "GET", "/api/users/me/settings").status, 200);

  const auto replaced = std::chrono::steady_clock::now();
  const std::string new_key = a->create_api_key(owner.email);  // revokes the old one
  EXPECT_EQ(send(*b, bearer(new_key), "GET", "/api/users/me/settings").status, 200) << "the new key at once";
  EXPECT_TRUE(within(std::chrono::milliseconds(1000), [&] {
    return send(*b, bearer(old_key), "GET", "/api/users/me/settings").status == 401;
  })) << "node b took the revoked key past the key cache's TTL";
  EXPECT_LT(std::chrono::steady_clock::now() - replaced, std::chrono::milliseconds(1500));
  EXPECT_EQ(send(*a, bearer(old_key), "GET", "/api/users/me/settings").status, 401);
}

TEST_F(TwoNodes, AMembershipRemovedIsHonouredByEveryNodeAtOnce) {
  auto member = a->seed_user("", owner.organization_id, "member");
  ASSERT_EQ(send(*b, member.basic(), "GET", projects()).status, 200);
  a->exec_sql("DELETE FROM organization_users WHERE user_id = " + std::to_string(member.user_id));
  EXPECT_EQ(send(*b, member.basic(), "GET", projects()).status, 404);
  EXPECT_EQ(send(*a, member.basic(), "GET", projects()).status, 404);
}

// Node b remembers the projects it reads by id (--database-cache-entries) and
// asks the database only whether their workspace changed: every kind of change
// to what such a read returns, made through node a or straight in the
// database, is seen by b's next read.
TEST_F(TwoNodes, AProjectOneNodeRemembersIsReadAfreshAfterAnyChangeThroughTheOtherOrTheDatabase) {
  const std::string workspace = "/api/workspaces/" + std::to_string(owner.workspace_id);
  const auto client = send(*a, owner.basic(), "POST", workspace + "/clients", R"({"name":"Client"})");
  ASSERT_EQ(client.status / 100, 2) << client.body;
  const std::int64_t client_id = client.json().at("id").as_int64();
  const auto tag = send(*a, owner.basic(), "POST", workspace + "/tags", R"({"name":"Tag","color":"#112233"})");
  ASSERT_EQ(tag.status / 100, 2) << tag.body;
  const std::int64_t tag_id = tag.json().at("id").as_int64();
  const auto created = send(*a, owner.basic(), "POST", projects(),
                            R"({"name":"Remembered","client_id":)" + std::to_string(client_id) + R"(,"tag_ids":[)" +
                                std::to_string(tag_id) + "]}");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = std::to_string(created.json().at("id").as_int64());
  const std::string project = projects() + "/" + id;
  const std::string now = "'2026-03-01T09:00:00Z'";

  // Node b's read of the project for `user`, after one read before (so that it is remembered).
  auto read_by = [&](const SeededUser& user) {
    send(*b, user.basic(), "GET", project);
    return send(*b, user.basic(), "GET", project);
  };
  auto read = [&] {
    auto got = read_by(owner);
    EXPECT_EQ(got.status, 200) << got.body;
    return got.status == 200 ? got.json() : boost::json::value();
  };

  EXPECT_EQ(read().at("client").at("name").as_string(), "Client");
  ASSERT_EQ(send(*a, owner.basic(), "PUT", workspace + "/clients/" + std::to_string(client_id),
                 R"({"name":"Client renamed"})")
                    .status /
                100,
            2);
  EXPECT_EQ(read().at("client").at("name").as_string(), "Client renamed");

  EXPECT_EQ(read().at("tags").at(0).at("name").as_string(), "Tag");
  ASSERT_EQ(send(*a, owner.basic(), "PUT", workspace + "/tags/" + std::to_string(tag_id),
                 R"({"name":"Tag renamed","color":"#112233"})")
                    .status /
                100,
            2);
  EXPECT_EQ(read().at("tags").at(0).at("name").as_string(), "Tag renamed");

  EXPECT_EQ(read().at("task_estimated_mins").as_int64(), 0);
  a->exec_sql(
      "INSERT INTO tasks (workspace_id, project_id, name, estimated_mins, creator_id, created_at, updated_at)"
      " VALUES (" +
      std::to_string(owner.workspace_id) + ", " + id + ", 'Task', 90, " + std::to_string(owner.user_id) + ", " + now +
      ", " + now + ")");
  EXPECT_EQ(read().at("task_estimated_mins").as_int64(), 90);

  EXPECT_EQ(read().at("total_tracked_secs").as_int64(), 0);
  a->exec_sql(
      "INSERT INTO time_entries (workspace_id, user_id, project_id, type, start, stop, seconds, timezone, created_at,"
      " updated_at) VALUES (" +
      std::to_string(owner.workspace_id) + ", " + std::to_string(owner.user_id) + ", " + id +
      ", 'activity', '2026-03-01T09:00:00Z', '2026-03-01T09:10:00Z', 600, 'UTC', " + now + ", " + now + ")");
  EXPECT_EQ(read().at("total_tracked_secs").as_int64(), 600);

  a->exec_sql("UPDATE tasks SET deleted_at = " + now + " WHERE project_id = " + id);
  EXPECT_EQ(read().at("task_estimated_mins").as_int64(), 0);

  EXPECT_FALSE(read().at("pinned").as_bool());
  ASSERT_EQ(send(*a, owner.basic(), "POST", project + "/pinned").status / 100, 2);
  EXPECT_TRUE(read().at("pinned").as_bool());

  // A private project: a member sees it through the project's members, then a group's.
  ASSERT_EQ(send(*a, owner.basic(), "PATCH", project, R"({"private":true})").status, 201);
  EXPECT_TRUE(read().at("private").as_bool());
  const auto member = a->seed_user("", owner.organization_id, "member");
  EXPECT_EQ(read_by(member).status, 404);
  a->exec_sql("INSERT INTO project_users (project_id, user_id, role, created_at) VALUES (" + id + ", " +
              std::to_string(member.user_id) + ", 'member', " + now + ")");
  EXPECT_EQ(read_by(member).status, 200);
  a->exec_sql("DELETE FROM project_users WHERE user_id = " + std::to_string(member.user_id));
  EXPECT_EQ(read_by(member).status, 404);

  a->exec_sql("INSERT INTO groups (id, organization_id, name, created_at, updated_at) VALUES (9000, " +
              std::to_string(owner.organization_id) + ", 'Group', " + now + ", " + now + ")");
  a->exec_sql("INSERT INTO project_groups (project_id, group_id, role, created_at) VALUES (" + id +
              ", 9000, 'member', " + now + ")");
  EXPECT_EQ(read_by(member).status, 404);
  a->exec_sql("INSERT INTO group_users (group_id, user_id) VALUES (9000, " + std::to_string(member.user_id) + ")");
  EXPECT_EQ(read_by(member).status, 200);
  a->exec_sql("DELETE FROM group_users WHERE user_id = " + std::to_string(member.user_id));
  EXPECT_EQ(read_by(member).status, 404);

  // An admin sees every project; a member again, not this one.
  a->exec_sql("UPDATE organization_users SET role = 'admin' WHERE user_id = " + std::to_string(member.user_id));
  EXPECT_EQ(read_by(member).status, 200);
  a->exec_sql("UPDATE organization_users SET role = 'member' WHERE user_id = " + std::to_string(member.user_id));
  EXPECT_EQ(read_by(member).status, 404);

  ASSERT_EQ(send(*a, owner.basic(), "DELETE", project).status, 204);
  EXPECT_EQ(read_by(owner).status, 404);

  // Node b did answer from memory, and did find what it remembered outdated.
  const auto exposition = send(*b, {}, "GET", "/metrics");
  ASSERT_EQ(exposition.status, 200);
  auto count = [&](const std::string& result) {
    const std::string series = "focusd_database_cached_reads_total{result=\"" + result + "\"} ";
    const auto at = exposition.body.find("\n" + series);
    return at == std::string::npos ? -1.0 : std::stod(exposition.body.substr(at + 1 + series.size()));
  };
  EXPECT_GT(count("hit"), 0) << exposition.body;
  EXPECT_GT(count("stale"), 0) << exposition.body;
  EXPECT_GT(count("miss"), 0) << exposition.body;
}

TEST_F(TwoNodes, OneTimerPerUserWhenBothNodesStartOneAtOnce) {
  const std::string workspace = owner.workspace_path();
  std::vector<std::thread> threads;
  std::atomic<int> started{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      const FocusdServer& node = i % 2 ? *a : *b;
      const std::string body = R"({"type":"activity","start":"2026-03-01T09:0)" + std::to_string(i) + R"(:00Z"})";
      if (send(node, owner.basic(), "POST", workspace + "/tracking/start", body).status == 200) ++started;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(started.load(), 8);
  auto entries =
      send(*b, owner.basic(), "GET",
           workspace + "/time-entries?date_from=2026-03-01T00:00:00%2B00:00&date_to=2026-03-02T00:00:00%2B00:00");
  ASSERT_EQ(entries.status, 200) << entries.body;
  const auto listed = entries.json();
  int running = 0;
  for (const auto& entry : listed.at("data").as_array()) running += entry.at("duration").as_int64() < 0;
  EXPECT_EQ(listed.at("data").as_array().size(), 8u);
  EXPECT_EQ(running, 1);
}

}  // namespace
}  // namespace focusd::test
