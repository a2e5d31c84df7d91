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

  std::string projects() const {
    return "/api/organizations/" + std::to_string(owner.organization_id) + "/workspaces/" +
           std::to_string(owner.workspace_id) + "/projects";
  }

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

TEST_F(TwoNodes, OneTimerPerUserWhenBothNodesStartOneAtOnce) {
  const std::string workspace = "/api/organizations/" + std::to_string(owner.organization_id) + "/workspaces/" +
                                std::to_string(owner.workspace_id);
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
