#include "store/sqlite/sqlite_store.h"

#include "common/spin.h"
#include "common/time.h"
#include "store/sqlite/guard.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sql_common.h"

namespace focusd {

using sqlite::Connection;
using sqlite::guarded;
using sqlite::SqliteError;
using sqlite::Transaction;

namespace {

constexpr const char* kUserColumns = "id, email, fullname, password_hash, created_at";

UserRecord read_user(const sqlite::Statement& stmt) {
  return UserRecord{stmt.int64(0), stmt.text(1), stmt.text(2), stmt.text(3), stmt.text(4)};
}

Result<UserRecord> single_user(sqlite::Statement& stmt) {
  if (!stmt.step()) return make_error(ErrorCode::NotFound, "user not found");
  return read_user(stmt);
}

std::int64_t insert_workspace(Connection& db, std::int64_t organization_id, std::string_view name,
                              const std::string& now) {
  db.prepare("INSERT INTO workspaces (organization_id, name, created_at) VALUES (?1, ?2, ?3)")
      .bind_all(organization_id, name, now)
      .run();
  return db.last_insert_id();
}

std::optional<std::int64_t> first_workspace(Connection& db, std::int64_t organization_id) {
  auto stmt = db.prepare("SELECT id FROM workspaces WHERE organization_id = ?1 ORDER BY id LIMIT 1");
  stmt.bind_all(organization_id);
  if (!stmt.step()) return std::nullopt;
  return stmt.int64(0);
}

bool organization_exists(Connection& db, std::int64_t organization_id) {
  auto stmt = db.prepare("SELECT 1 FROM organizations WHERE id = ?1");
  stmt.bind_all(organization_id);
  return stmt.step();
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const SqliteStoreOptions& options) {
  return guarded([&]() -> Result<std::unique_ptr<SqliteStore>> {
    std::unique_ptr<SqliteStore> store(new SqliteStore());
    store->idle_spin_ = options.idle_spin;
    sqlite::OpenOptions writer_options{false, options.synchronous, options.busy_timeout, options.mmap_bytes};
    store->writer_ = Connection::open(options.path, writer_options);
    if (auto status = migrate(*store->writer_, sqlite_migrations()); !status) return status.error();
    {  // every name not indexed yet (the last groups', another program's inserts)
      sqlite::Transaction tx(*store->writer_);
      sqlite::index_new_names(*store->writer_, 1);
      tx.commit();
    }
    sqlite::OpenOptions reader_options{true, options.synchronous, options.busy_timeout, options.mmap_bytes};
    for (unsigned i = 0; i < std::max(1u, options.readers); ++i) {
      store->idle_readers_.push_back(Connection::open(options.path, reader_options));
    }
    store->writer_thread_ = std::thread([s = store.get()] { s->writer_loop(); });
    return store;
  });
}

SqliteStore::~SqliteStore() {
  if (writer_thread_.joinable()) {
    {
      std::lock_guard lock(queue_mutex_);
      stopping_ = true;
    }
    queued_.notify_one();
    writer_thread_.join();
  }
  idle_readers_.clear();
  writer_.reset();  // the last connection to close checkpoints the WAL
}

void SqliteStore::enqueue(Job job) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(std::move(job));
  }
  queued_.notify_one();
}

void SqliteStore::write_async(const std::function<void()>& job, std::function<void(std::optional<Error>)> done) {
  enqueue(Job{[job] {
                job();
                return std::optional<Error>();
              },
              std::move(done)});
}

void SqliteStore::writer_loop() {
  writer_thread_of = this;
  current_session = {this, writer_.get()};  // a job's reads see the group's writes
  std::vector<Job> group;
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      queued_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      const auto end = queue_.begin() + static_cast<std::ptrdiff_t>(std::min(queue_.size(), kMaxGroupWrites));
      group.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
      queue_.erase(queue_.begin(), end);
    }
    run_group(group);
    group.clear();
    // A lone client's next write comes soon after its answer: poll for it a
    // while before sleeping, so that it starts without a wake-up.
    spin_until(idle_spin_, [&] {
      std::lock_guard lock(queue_mutex_);
      return stopping_ || !queue_.empty();
    });
  }
}

void SqliteStore::run_group(std::vector<Job>& jobs) {
  std::size_t first = 0;  // the first job of the open transaction
  auto finish = [&](std::size_t end, const std::optional<Error>& failure) {
    for (std::size_t i = first; i < end; ++i) jobs[i].done(failure);
    first = end;
  };
  auto begin = [&]() -> Status {
    return guarded([&]() -> Status {
      writer_->prepare("BEGIN IMMEDIATE").run();
      return Ok{};
    });
  };
  if (auto begun = begin(); !begun) return finish(jobs.size(), begun.error());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto own_error = jobs[i].run();
    if (writer_->in_transaction()) continue;
    // SQLite rolled the whole transaction back (a full disk, an I/O error):
    // every write in it fails, with this write's reason; the rest go on in a
    // new one.
    finish(i + 1, own_error.value_or(internal_error("sqlite: the transaction was rolled back")));
    if (i + 1 < jobs.size()) {
      if (auto begun = begin(); !begun) return finish(jobs.size(), begun.error());
    }
  }
  if (first == jobs.size()) return;
  auto committed = guarded([&]() -> Status {
    sqlite::index_new_names(*writer_, kNamesIndexedAtOnce);
    writer_->prepare("COMMIT").run();
    return Ok{};
  });
  if (!committed && writer_->in_transaction()) {
    try {
      writer_->prepare("ROLLBACK").run();
    } catch (const SqliteError&) {  // NOLINT(bugprone-empty-catch): nothing more to undo
    }
  }
  finish(jobs.size(), committed ? std::nullopt : std::optional<Error>(committed.error()));
}

thread_local SqliteStore* SqliteStore::writer_thread_of = nullptr;

thread_local SqliteStore::Session SqliteStore::current_session;

std::unique_ptr<Connection> SqliteStore::take_reader() {
  std::unique_lock lock(readers_mutex_);
  reader_released_.wait(lock, [&] { return !idle_readers_.empty(); });
  auto connection = std::move(idle_readers_.back());
  idle_readers_.pop_back();
  return connection;
}

void SqliteStore::give_back(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard lock(readers_mutex_);
    idle_readers_.push_back(std::move(connection));
  }
  reader_released_.notify_one();
}

void SqliteStore::in_session(const std::function<void()>& fn) {
  if (current_session.store) return fn();  // inside another session: that one's
  struct End {
    SqliteStore* store = nullptr;
    std::unique_ptr<Connection> connection;
    ~End() {
      sqlite::end_read_transaction(*connection);
      current_session = {};
      store->give_back(std::move(connection));
    }
  } end{this, take_reader()};
  current_session = {this, end.connection.get()};
  fn();
}

Status SqliteStore::ping() {
  return read([](Connection& db) -> Status {
    db.prepare("SELECT 1").run();
    return Ok{};
  });
}

Result<bool> SqliteStore::has_users() {
  return read([](Connection& db) -> Result<bool> { return db.prepare("SELECT 1 FROM users LIMIT 1").step(); });
}

Result<int> SqliteStore::schema_version() {
  return read([](Connection& db) -> Result<int> {
    auto stmt = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    return stmt.step() ? static_cast<int>(stmt.int64(0)) : 0;
  });
}

Result<CreatedUser> SqliteStore::create_user(const NewUser& u) {
  return write([&](Connection& db) -> Result<CreatedUser> {
    Transaction tx(db);
    const std::string now = now_rfc3339();
    {
      auto taken = db.prepare("SELECT 1 FROM users WHERE email = ?1");
      taken.bind_all(u.email);
      if (taken.step()) return make_error(ErrorCode::Conflict, "a user with this email already exists");
    }
    CreatedUser created;
    db.prepare("INSERT INTO users (email, fullname, password_hash, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)")
        .bind_all(u.email, u.fullname, u.password_hash, now)
        .run();
    created.user_id = db.last_insert_id();
    OrgRole role = u.role;
    if (u.organization_id) {
      if (!organization_exists(db, *u.organization_id)) {
        return make_error(ErrorCode::NotFound, "organization " + std::to_string(*u.organization_id) + " not found");
      }
      created.organization_id = *u.organization_id;
      created.workspace_id = first_workspace(db, created.organization_id).value_or(0);
    } else {
      const std::string owner_name = u.fullname.empty() ? u.email : u.fullname;
      db.prepare("INSERT INTO organizations (name, created_at) VALUES (?1, ?2)")
          .bind_all(owner_name + "'s organization", now)
          .run();
      created.organization_id = db.last_insert_id();
      created.workspace_id = insert_workspace(db, created.organization_id, owner_name + "'s workspace", now);
      role = OrgRole::Owner;
    }
    db.prepare("INSERT INTO organization_users (organization_id, user_id, role, created_at) VALUES (?1, ?2, ?3, ?4)")
        .bind_all(created.organization_id, created.user_id, to_string(role), now)
        .run();
    tx.commit();
    return created;
  });
}

Result<UserRecord> SqliteStore::find_user_by_email(std::string_view email) {
  return read([&](Connection& db) -> Result<UserRecord> {
    auto stmt = db.prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE email = ?1");
    stmt.bind_all(email);
    return single_user(stmt);
  });
}

Result<UserRecord> SqliteStore::find_user(std::int64_t user_id) {
  return read([&](Connection& db) -> Result<UserRecord> {
    auto stmt = db.prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?1");
    stmt.bind_all(user_id);
    return single_user(stmt);
  });
}

Result<UserRecord> SqliteStore::find_user_by_api_key(std::string_view key_digest, std::string_view now) {
  return read([&](Connection& db) -> Result<UserRecord> {
    auto stmt = db.prepare(
        "SELECT u.id, u.email, u.fullname, u.password_hash, u.created_at FROM api_keys k "
        "JOIN users u ON u.id = k.user_id "
        "WHERE k.key_digest = ?1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?2)");
    stmt.bind_all(key_digest, now);
    return single_user(stmt);
  });
}

Status SqliteStore::create_api_key(std::int64_t user_id, std::string_view key_digest,
                                   std::optional<std::string> expires_at) {
  return write([&](Connection& db) -> Status {
    Transaction tx(db);
    const std::string now = now_rfc3339();
    db.prepare("UPDATE api_keys SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL")
        .bind_all(user_id, now)
        .run();
    db.prepare("INSERT INTO api_keys (user_id, key_digest, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
        .bind_all(user_id, key_digest, now, expires_at)
        .run();
    tx.commit();
    return Ok{};
  });
}

Result<std::int64_t> SqliteStore::create_workspace(std::int64_t organization_id, std::string_view name) {
  return write([&](Connection& db) -> Result<std::int64_t> {
    Transaction tx(db);
    if (!organization_exists(db, organization_id)) {
      return make_error(ErrorCode::NotFound, "organization " + std::to_string(organization_id) + " not found");
    }
    std::int64_t id = insert_workspace(db, organization_id, name, now_rfc3339());
    tx.commit();
    return id;
  });
}

Result<std::vector<Membership>> SqliteStore::memberships(std::int64_t user_id) {
  return read([&](Connection& db) -> Result<std::vector<Membership>> {
    auto stmt =
        db.prepare("SELECT organization_id, role, created_at FROM organization_users WHERE user_id = ?1 ORDER BY id");
    stmt.bind_all(user_id);
    std::vector<Membership> result;
    while (stmt.step()) {
      result.push_back({stmt.int64(0), parse_org_role(stmt.text(1)).value_or(OrgRole::Member), stmt.text(2)});
    }
    return result;
  });
}

Result<std::vector<OrganizationUserRecord>> SqliteStore::organization_users(std::int64_t organization_id) {
  return read([&](Connection& db) -> Result<std::vector<OrganizationUserRecord>> {
    auto stmt = db.prepare(
        "SELECT ou.id, u.id, u.email, u.fullname, ou.role, ou.created_at FROM organization_users ou"
        " JOIN users u ON u.id = ou.user_id WHERE ou.organization_id = ?1 ORDER BY ou.id");
    stmt.bind_all(organization_id);
    std::vector<OrganizationUserRecord> result;
    while (stmt.step()) {
      result.push_back({stmt.int64(0), stmt.int64(1), stmt.text(2), stmt.text(3),
                        parse_org_role(stmt.text(4)).value_or(OrgRole::Member), stmt.text(5)});
    }
    return result;
  });
}

Result<std::vector<WorkspaceRecord>> SqliteStore::list_workspaces(std::int64_t user_id, std::int64_t organization_id) {
  return read([&](Connection& db) -> Result<std::vector<WorkspaceRecord>> {
    auto member = db.prepare("SELECT 1 FROM organization_users WHERE organization_id = ?1 AND user_id = ?2");
    member.bind_all(organization_id, user_id);
    if (!member.step()) return make_error(ErrorCode::NotFound, "organization not found");
    auto stmt = db.prepare(
        "SELECT id, organization_id, name, created_at FROM workspaces WHERE organization_id = ?1 ORDER BY id");
    stmt.bind_all(organization_id);
    std::vector<WorkspaceRecord> result;
    while (stmt.step()) result.push_back({stmt.int64(0), stmt.int64(1), stmt.text(2), stmt.text(3)});
    return result;
  });
}

Result<bool> SqliteStore::can_access_workspace(std::int64_t user_id, std::int64_t workspace_id) {
  return read([&](Connection& db) -> Result<bool> {
    auto stmt = db.prepare(
        "SELECT 1 FROM workspaces w JOIN organization_users ou ON ou.organization_id = w.organization_id "
        "WHERE w.id = ?1 AND ou.user_id = ?2");
    stmt.bind_all(workspace_id, user_id);
    return stmt.step();
  });
}

Result<std::string> SqliteStore::user_settings(std::int64_t user_id) {
  return read([&](Connection& db) -> Result<std::string> {
    auto stmt = db.prepare("SELECT settings FROM users WHERE id = ?1");
    stmt.bind_all(user_id);
    if (!stmt.step()) return make_error(ErrorCode::NotFound, "user not found");
    return stmt.text(0);
  });
}

Result<std::string> SqliteStore::update_user_settings(std::int64_t user_id, const SettingsMutation& mutate) {
  return write([&](Connection& db) -> Result<std::string> {
    Transaction tx(db);
    std::string current;
    {
      auto stmt = db.prepare("SELECT settings FROM users WHERE id = ?1");
      stmt.bind_all(user_id);
      if (!stmt.step()) return make_error(ErrorCode::NotFound, "user not found");
      current = stmt.text(0);
    }
    auto updated = mutate(current);
    if (!updated) return updated.error();
    db.prepare("UPDATE users SET settings = ?2, updated_at = ?3 WHERE id = ?1")
        .bind_all(user_id, *updated, now_rfc3339())
        .run();
    tx.commit();
    return updated;
  });
}

Result<WorkspaceAccess> SqliteStore::workspace_access(std::int64_t user_id, std::int64_t workspace_id,
                                                      std::optional<std::int64_t> organization_id) {
  return read([&](Connection& db) -> Result<WorkspaceAccess> {
    auto stmt = db.prepare(
        "SELECT w.organization_id, ou.role FROM workspaces w "
        "JOIN organization_users ou ON ou.organization_id = w.organization_id AND ou.user_id = ?2 "
        "WHERE w.id = ?1 AND (?3 IS NULL OR w.organization_id = ?3)");
    stmt.bind_all(workspace_id, user_id, organization_id);
    if (!stmt.step()) return make_error(ErrorCode::NotFound, "workspace not found");
    return WorkspaceAccess{stmt.int64(0), workspace_id, user_id,
                           parse_org_role(stmt.text(1)).value_or(OrgRole::Member)};
  });
}

}  // namespace focusd
