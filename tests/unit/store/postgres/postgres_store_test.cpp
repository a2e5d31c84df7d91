// What the PostgreSQL store does beyond the Store contract: migrating once
// when several nodes start together, and failing as Unavailable, never
// hanging, when the database cannot be reached.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "store/postgres/migrations.h"
#include "store/postgres/postgres_store.h"
#include "test_database.h"

namespace focusd {
namespace {

using namespace std::chrono_literals;

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pgtest::postgres_wanted()) GTEST_SKIP() << "without PostgreSQL (FOCUSD_TEST_PG=1 or ./scripts/test --pg)";
    database_.emplace();
  }
  std::optional<pgtest::TestDatabase> database_;
};

TEST_F(PostgresStoreTest, NodesStartingTogetherMigrateOnce) {
  constexpr int kNodes = 6;
  std::vector<std::optional<Result<std::unique_ptr<PostgresStore>>>> stores(kNodes);
  std::vector<std::thread> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.emplace_back([&, i] { stores[i].emplace(PostgresStore::open({database_->url(), 2})); });
  }
  for (auto& node : nodes) node.join();
  for (const auto& store : stores) {
    ASSERT_TRUE(store && store->ok()) << (store ? store->error().detail : "not run");
  }
  auto connection = postgres::Connection::open(database_->url());
  postgres::Rows applied = connection->exec("SELECT version, count(*) FROM schema_migrations GROUP BY version");
  EXPECT_EQ(applied.size(), static_cast<int>(postgres::migrations().size()));
  for (int i = 0; i < applied.size(); ++i) EXPECT_EQ(applied.int64(i, 1), 1) << "version " << applied.int64(i, 0);
  // Every node works on the one schema.
  ASSERT_TRUE((**stores[0])->create_user({"alice@example.com", "", "h", std::nullopt, OrgRole::Member}).ok());
  EXPECT_TRUE((**stores[kNodes - 1])->find_user_by_email("alice@example.com").ok());
}

TEST_F(PostgresStoreTest, ASchemaNewerThanThisBinaryIsRefused) {
  ASSERT_TRUE(PostgresStore::open({database_->url(), 1}).ok());
  auto connection = postgres::Connection::open(database_->url());
  connection->exec("INSERT INTO schema_migrations (version, applied_at) VALUES (1000, 'later')");
  auto store = PostgresStore::open({database_->url(), 1});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::InvalidArgument);
}

TEST_F(PostgresStoreTest, AnUnreachableDatabaseIsUnavailableAtOnce) {
  const auto start = std::chrono::steady_clock::now();
  auto store = PostgresStore::open({"postgresql://focusd@127.0.0.1:1/focusd", 1});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::Unavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(PostgresStoreTest, ADatabaseThatGoesAwayIsUnavailableAndComesBack) {
  auto opened = PostgresStore::open({database_->url(), 1, 500ms});
  ASSERT_TRUE(opened.ok());
  PostgresStore& store = **opened;
  ASSERT_TRUE(store.create_user({"alice@example.com", "", "h", std::nullopt, OrgRole::Member}).ok());
  // Every connection to the database ended by the server (as a restart would).
  auto admin = postgres::Connection::open(pgtest::cluster_url());
  admin->exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
              postgres::Params(database_->name()));
  auto lost = store.find_user_by_email("alice@example.com");
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().code, ErrorCode::Unavailable);
  EXPECT_TRUE(store.find_user_by_email("alice@example.com").ok()) << "the pool opened a new connection";
}

}  // namespace
}  // namespace focusd
