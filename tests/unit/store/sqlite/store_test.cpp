// The SQLite store and its migrations, on real database files.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sql_common.h"
#include "store/sqlite/sqlite_store.h"

namespace focusd {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("focusd-unit-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string db_path() const { return (dir_ / "focusd.db").string(); }
  std::unique_ptr<SqliteStore> open() {
    auto store = SqliteStore::open({db_path(), 2, "full", std::chrono::milliseconds(1000)});
    EXPECT_TRUE(store) << store.error().description;
    return std::move(store).value();
  }
  std::filesystem::path dir_;
};

// focusd's migrations up to and including `version`: a database as an older focusd left it.
std::vector<Migration> migrations_through(int version) {
  std::vector<Migration> older;
  for (const auto& m : sqlite_migrations()) {
    if (m.version <= version) older.push_back(m);
  }
  return older;
}

// The first column of the first row of `sql`, as an integer; nullopt when there is no row.
std::optional<std::int64_t> first_int(sqlite::Connection& db, const std::string& sql) {
  auto stmt = db.prepare(sql);
  if (!stmt.step()) return std::nullopt;
  return stmt.int64(0);
}

int schema_version(const std::string& path) {
  auto db = sqlite::Connection::open(path, {});
  return static_cast<int>(first_int(*db, "SELECT MAX(version) FROM schema_migrations").value_or(0));
}

TEST_F(StoreTest, MigrationsApplyOnceAndRecordTheirVersion) {
  open().reset();
  EXPECT_EQ(schema_version(db_path()), sqlite_migrations().back().version);
  open().reset();  // a second start applies nothing and does not fail
  EXPECT_EQ(schema_version(db_path()), sqlite_migrations().back().version);
}

TEST_F(StoreTest, AFailingMigrationLeavesNothingBehind) {
  auto db = sqlite::Connection::open(db_path(), {});
  std::vector<Migration> migrations = {{1, "CREATE TABLE a (x INTEGER)"}, {2, "CREATE TABLE b (; nonsense"}};
  EXPECT_THROW((void)migrate(*db, migrations), sqlite::SqliteError);
  EXPECT_EQ(first_int(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('a', 'schema_migrations')"), 0);
}

TEST_F(StoreTest, ANewerSchemaIsRefused) {
  open().reset();
  {
    auto db = sqlite::Connection::open(db_path(), {});
    db->exec("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 'x')");
  }
  auto store = SqliteStore::open({db_path(), 1, "full", std::chrono::milliseconds(1000)});
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().description.find("newer"), std::string::npos);
}

TEST_F(StoreTest, MigrationEightKeepsTheTimeEntriesAndFillsTheirSeconds) {
  {
    auto db = sqlite::Connection::open(db_path(), {});
    ASSERT_TRUE(migrate(*db, migrations_through(7)));
    db->exec("PRAGMA foreign_keys = OFF");  // entries alone, without their users and workspace
    db->exec(
        "INSERT INTO time_entries (id, workspace_id, user_id, type, start, stop, timezone, created_at, updated_at)"
        " VALUES (1, 1, 1, 'activity', '2026-03-01T09:00:00Z', '2026-03-01T10:30:05Z', 'UTC', 'x', 'x'),"
        " (2, 1, 1, 'break', '2026-03-01T11:00:00Z', NULL, 'UTC', 'x', 'x')");
  }
  open().reset();
  EXPECT_EQ(schema_version(db_path()), sqlite_migrations().back().version);
  auto db = sqlite::Connection::open(db_path(), {});
  auto stmt = db->prepare("SELECT id, type, seconds FROM time_entries ORDER BY id");
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.text(1), "activity");
  EXPECT_EQ(stmt.optional_int64(2), 5405);
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.text(1), "break");
  EXPECT_FALSE(stmt.optional_int64(2)) << "running: no seconds yet";
  EXPECT_FALSE(stmt.step());
}

TEST_F(StoreTest, MigrationNineRebuildsTheNameIndexWithoutItsSizeTable) {
  {
    auto db = sqlite::Connection::open(db_path(), {});
    ASSERT_TRUE(migrate(*db, migrations_through(8)));
    db->exec("PRAGMA foreign_keys = OFF");  // projects alone, without their workspace
    db->exec(
        "INSERT INTO projects (id, workspace_id, name, creator_id, created_at, updated_at)"
        " VALUES (1, 1, 'Harbor works', 1, 'x', 'x'), (2, 1, 'Cedar', 1, 'x', 'x')");
  }
  open().reset();
  auto db = sqlite::Connection::open(db_path(), {});
  {
    auto found = db->prepare("SELECT rowid FROM projects_name_index WHERE projects_name_index MATCH '\"arb\"'");
    ASSERT_TRUE(found.step()) << "a name indexed before the migration is found after it";
    EXPECT_EQ(found.int64(0), 1);
    EXPECT_FALSE(found.step());
  }
  db->exec("PRAGMA foreign_keys = OFF");
  db->exec(
      "INSERT INTO projects (id, workspace_id, name, creator_id, created_at, updated_at)"
      " VALUES (3, 1, 'Harbor two', 1, 'x', 'x')");
  db.reset();
  open().reset();  // a name another program inserted is indexed when the store opens
  db = sqlite::Connection::open(db_path(), {});
  EXPECT_EQ(first_int(*db, "SELECT COUNT(*) FROM projects_name_index WHERE projects_name_index MATCH '\"arb\"'"), 2)
      << "new names are indexed";
  EXPECT_EQ(first_int(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'projects_name_index_docsize'"), 0);
}

// Migration 11: names above the watermark wait for the index until
// index_new_names finds enough of them; an update or delete of a waiting
// project must leave the index alone, and the index stays whole (FTS5's
// integrity-check compares it with the projects' names).
TEST_F(StoreTest, NewNamesAreIndexedInBatchesAboveTheWatermark) {
  open().reset();
  auto db = sqlite::Connection::open(db_path(), {});
  db->exec("PRAGMA foreign_keys = OFF");
  auto count = [&](const char* trigram) {
    auto stmt = db->prepare(
        std::string("SELECT COUNT(*) FROM projects_name_index WHERE projects_name_index MATCH '\"") + trigram + "\"'");
    return stmt.step() ? stmt.int64(0) : -1;
  };
  auto watermark = [&] {
    auto stmt = db->prepare("SELECT up_to FROM projects_name_indexed");
    return stmt.step() ? stmt.int64(0) : -1;
  };
  auto whole = [&] { db->exec("INSERT INTO projects_name_index(projects_name_index) VALUES ('integrity-check')"); };
  EXPECT_EQ(watermark(), 0);
  db->exec(
      "INSERT INTO projects (id, workspace_id, name, creator_id, created_at, updated_at)"
      " VALUES (1, 1, 'Harbor', 1, 'x', 'x'), (2, 1, 'Cedar', 1, 'x', 'x'), (3, 1, 'Maple', 1, 'x', 'x')");
  sqlite::index_new_names(*db, 4);
  EXPECT_EQ(count("arb"), 0) << "three waiting are fewer than four";
  EXPECT_EQ(watermark(), 0);
  db->exec("UPDATE projects SET name = 'Harbor east' WHERE id = 1");  // still waiting
  db->exec("DELETE FROM projects WHERE id = 3");                      // never indexed
  sqlite::index_new_names(*db, 2);
  EXPECT_EQ(count("arb"), 1);
  EXPECT_EQ(count("ast"), 1) << "indexed under the name it has now";
  EXPECT_EQ(count("apl"), 0);
  EXPECT_EQ(watermark(), 2);
  EXPECT_NO_THROW(whole());
  db->exec("UPDATE projects SET name = 'Cedar grove' WHERE id = 2");  // indexed: re-indexed at once
  db->exec("DELETE FROM projects WHERE id = 1");
  EXPECT_EQ(count("rov"), 1);
  EXPECT_EQ(count("arb"), 0);
  EXPECT_NO_THROW(whole());
  db->exec(
      "INSERT INTO projects (id, workspace_id, name, creator_id, created_at, updated_at)"
      " VALUES (4, 1, 'Birch', 1, 'x', 'x')");
  sqlite::index_new_names(*db, 1);
  EXPECT_EQ(count("irc"), 1);
  EXPECT_EQ(watermark(), 4);
  EXPECT_NO_THROW(whole());
}

// Migration 11 indexes what migration 10 left pending and sets the watermark
// at the newest project; a top-level project writes no parent index entry.
TEST_F(StoreTest, MigrationElevenIndexesPendingNamesAndSetsTheWatermark) {
  {
    auto db = sqlite::Connection::open(db_path(), {});
    ASSERT_TRUE(migrate(*db, migrations_through(10)));
    db->exec("PRAGMA foreign_keys = OFF");
    db->exec(
        "INSERT INTO projects (id, workspace_id, name, creator_id, created_at, updated_at)"
        " VALUES (7, 1, 'Harbor works', 1, 'x', 'x')");
    ASSERT_EQ(first_int(*db, "SELECT COUNT(*) FROM projects_name_pending"), 1);
  }
  open().reset();
  auto db = sqlite::Connection::open(db_path(), {});
  EXPECT_EQ(first_int(*db, "SELECT rowid FROM projects_name_index WHERE projects_name_index MATCH '\"arb\"'"), 7);
  EXPECT_EQ(first_int(*db, "SELECT up_to FROM projects_name_indexed"), 7);
  EXPECT_EQ(first_int(*db, "SELECT COUNT(*) FROM projects INDEXED BY projects_by_parent WHERE parent_project_id = 1"),
            0);
  EXPECT_EQ(first_int(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'projects_name_pending'"), 0);
}

TEST_F(StoreTest, PragmasAreFocusdsDurableOnes) {
  open().reset();
  auto db = sqlite::Connection::open(db_path(), {});
  auto mode = db->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.text(0), "wal");
  EXPECT_EQ(first_int(*db, "PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(first_int(*db, "PRAGMA foreign_keys"), 1);
}

// A client can make a list's SQL vary (its filters, its order): past the
// bound, statements are prepared for one use, and the cache stops growing.
TEST_F(StoreTest, CachedStatementsAreBounded) {
  open().reset();
  auto db = sqlite::Connection::open(db_path(), {});
  const std::size_t distinct = sqlite::kMaxCachedStatements + 40;
  for (std::size_t n = 0; n < distinct; ++n) {
    auto stmt = db->prepare("SELECT ?1 + " + std::to_string(n));
    stmt.bind(1, std::int64_t{1});
    ASSERT_TRUE(stmt.step());
    EXPECT_EQ(stmt.int64(0), static_cast<std::int64_t>(1 + n));
  }
  EXPECT_EQ(db->cached_statements(), sqlite::kMaxCachedStatements);
  EXPECT_EQ(first_int(*db, "SELECT 1 + " + std::to_string(distinct - 1)), static_cast<std::int64_t>(distinct));
  EXPECT_EQ(db->cached_statements(), sqlite::kMaxCachedStatements);
}

TEST_F(StoreTest, UsersOrganizationsWorkspacesAndKeys) {
  auto store = open();
  auto alice = store->create_user({"alice@example.com", "Alice", "hash", std::nullopt, OrgRole::Member});
  ASSERT_TRUE(alice);
  auto bob = store->create_user({"bob@example.com", "", "hash", alice->organization_id, OrgRole::Admin});
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->workspace_id, alice->workspace_id);
  EXPECT_EQ(store->create_user({"ALICE@example.com", "", "h", std::nullopt, OrgRole::Member}).error().code,
            ErrorCode::Conflict);
  EXPECT_EQ(store->create_user({"c@example.com", "", "h", 999, OrgRole::Member}).error().code, ErrorCode::NotFound);
  EXPECT_EQ(store->find_user_by_email("c@example.com").error().code, ErrorCode::NotFound);  // rolled back

  auto memberships = store->memberships(alice->user_id);
  ASSERT_TRUE(memberships);
  ASSERT_EQ(memberships->size(), 1u);
  EXPECT_EQ(memberships->front().role, OrgRole::Owner);
  EXPECT_EQ(store->memberships(bob->user_id)->front().role, OrgRole::Admin);

  auto second = store->create_workspace(alice->organization_id, "Second");
  ASSERT_TRUE(second);
  EXPECT_EQ(store->list_workspaces(bob->user_id, alice->organization_id)->size(), 2u);
  EXPECT_TRUE(*store->can_access_workspace(bob->user_id, *second));
  EXPECT_FALSE(*store->can_access_workspace(bob->user_id, 999));

  ASSERT_TRUE(store->create_api_key(alice->user_id, "digest-1", std::nullopt));
  EXPECT_EQ(store->find_user_by_api_key("digest-1", "2026-01-01T00:00:00Z")->id, alice->user_id);
  ASSERT_TRUE(store->create_api_key(alice->user_id, "digest-2", std::string("2030-01-01T00:00:00Z")));
  EXPECT_EQ(store->find_user_by_api_key("digest-1", "2026-01-01T00:00:00Z").error().code, ErrorCode::NotFound);
  EXPECT_TRUE(store->find_user_by_api_key("digest-2", "2029-12-31T23:59:59Z"));
  EXPECT_FALSE(store->find_user_by_api_key("digest-2", "2030-01-01T00:00:00Z"));
}

TEST_F(StoreTest, SettingsUpdatesAreAtomic) {
  auto store = open();
  auto alice = store->create_user({"alice@example.com", "", "hash", std::nullopt, OrgRole::Member});
  ASSERT_TRUE(alice);
  EXPECT_EQ(*store->user_settings(alice->user_id), "{}");
  auto failed = store->update_user_settings(
      alice->user_id, [](const std::string&) -> Result<std::string> { return invalid("x", "no"); });
  EXPECT_FALSE(failed);
  EXPECT_EQ(*store->user_settings(alice->user_id), "{}");
  ASSERT_TRUE(store->update_user_settings(alice->user_id, [](const std::string& current) -> Result<std::string> {
    return current == "{}" ? std::string(R"({"theme":"dark"})") : std::string("wrong");
  }));
  EXPECT_EQ(*store->user_settings(alice->user_id), R"({"theme":"dark"})");
}

TEST_F(StoreTest, AttachmentsAreAllOrNothingWithinTheQuota) {
  auto store = open();
  auto alice = store->create_user({"alice@example.com", "", "hash", std::nullopt, OrgRole::Member});
  ASSERT_TRUE(alice);
  const std::int64_t ws = alice->workspace_id;
  auto created = store->create_attachments(ParentKind::Project, 7, ws,
                                           {{"b.txt", "text/plain", 10, std::string(64, 'b'), 2},
                                            {"a.png", "image/png", 20, std::string(64, 'a'), 1},
                                            {"c.txt", "text/plain", 30, std::string(64, 'b'), 1}},
                                           std::nullopt);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->size(), 3u);
  EXPECT_EQ((*created)[0].name, "b.txt");  // request order
  EXPECT_EQ(*store->storage_used(ws), 60);

  auto listed = store->list_attachments(ParentKind::Project, 7, {});
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].name, "a.png");  // display_order, then id
  EXPECT_EQ((*listed)[1].name, "c.txt");
  EXPECT_EQ((*store->list_attachments(ParentKind::Project, 7, {{"name", true}}))[0].name, "c.txt");
  EXPECT_TRUE(store->list_attachments(ParentKind::Task, 7, {})->empty());  // same id, other kind

  // Over quota: nothing of the batch is created.
  auto refused = store->create_attachments(
      ParentKind::Task, 1, ws,
      {{"x", "text/plain", 30, std::string(64, 'x'), 1}, {"y", "text/plain", 20, std::string(64, 'y'), 2}}, 100);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::QuotaExceeded);
  EXPECT_TRUE(store->list_attachments(ParentKind::Task, 1, {})->empty());

  const auto first = (*created)[0].id;
  EXPECT_EQ(store->find_attachment(ParentKind::Task, 7, first).error().code, ErrorCode::NotFound);
  ASSERT_TRUE(store->update_attachment(ParentKind::Project, 7, first, "renamed.txt", 9.5));
  EXPECT_EQ(store->find_attachment(ParentKind::Project, 7, first)->display_order, 9.5);

  // The blob is reclaimable only when its last live attachment goes.
  auto gone = store->delete_attachment(ParentKind::Project, 7, first);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->has_value());  // c.txt still uses the same digest
  gone = store->delete_attachment(ParentKind::Project, 7, (*created)[2].id);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->value(), std::string(64, 'b'));
  EXPECT_EQ(store->find_attachment(ParentKind::Project, 7, first).error().code, ErrorCode::NotFound);
  EXPECT_EQ(*store->storage_used(ws), 20);
  EXPECT_EQ(*store->live_blob_names(), std::vector<std::string>{std::string(64, 'a')});
}

}  // namespace
}  // namespace focusd
