#include "store/sqlite/connection.h"

#include <memory>
#include <mutex>

namespace focusd::sqlite {

namespace {

// Process-wide settings, applied once before the first connection opens.
// Memory statistics off: with them on, every SQLite allocation takes one global
// mutex, which serialised concurrent readers (a third of a list's time).
// No page cache allocated ahead: by default each connection's cache takes 20
// pages at once and writes a header into each, 80 KiB of memory per connection
// touched before it has read that many pages (most never do).
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0);
  });
}

}  // namespace

Statement::~Statement() {
  if (owned_) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) connection_->fail(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) connection_->fail(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) connection_->fail(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) connection_->fail(rc, "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  connection_->fail(rc, sqlite3_sql(stmt_));
}

void Statement::run() {
  while (step()) {
  }
}

std::int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::real(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string_view Statement::text_view(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string_view();
}

std::string Statement::text(int column) const {
  return std::string(text_view(column));
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::optional<std::string_view> Statement::optional_text_view(int column) const {
  if (is_null(column)) return std::nullopt;
  return text_view(column);
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

std::unique_ptr<Connection> Connection::open(const std::string& path, const OpenOptions& options) {
  configure_sqlite_once();
  sqlite3* db = nullptr;
  int flags =
      SQLITE_OPEN_NOMUTEX | (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  std::unique_ptr<Connection> connection(new Connection(db));
  if (rc != SQLITE_OK) connection->fail(rc, "open " + path);
  sqlite3_extended_result_codes(db, 1);
  // One plan per statement whatever its parameters: else SQLite plans a
  // `LIKE ?N` for the value bound and prepares the statement again whenever
  // ?N is bound anew, on every reuse (the project list's name filter: 6-8 %
  // of a page of 100k projects). focusd's patterns begin with %, which no
  // index serves anyway.
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_QPSG, 1, nullptr);
  sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));
  if (!options.read_only) connection->exec("PRAGMA journal_mode=WAL");
  connection->exec("PRAGMA synchronous=" + options.synchronous);
  connection->exec("PRAGMA foreign_keys=ON");
  if (options.mmap_bytes > 0) connection->exec("PRAGMA mmap_size=" + std::to_string(options.mmap_bytes));
  return connection;
}

void Connection::backup_to(const std::string& path) {
  sqlite3* copy = nullptr;
  const int opened =
      sqlite3_open_v2(path.c_str(), &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  const std::unique_ptr<sqlite3, int (*)(sqlite3*)> closing(copy, sqlite3_close_v2);
  if (opened != SQLITE_OK) fail(opened, "open " + path);
  // The copy's commit syncs it (synchronous=FULL, a rollback journal).
  sqlite3_exec(copy, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
  sqlite3_backup* backup = sqlite3_backup_init(copy, "main", db_, "main");
  if (!backup) fail(sqlite3_extended_errcode(copy), "backup to " + path + ": " + sqlite3_errmsg(copy));
  const int stepped = sqlite3_backup_step(backup, -1);
  const int finished = sqlite3_backup_finish(backup);
  if (stepped != SQLITE_DONE) fail(stepped, "backup to " + path);
  if (finished != SQLITE_OK) fail(finished, "backup to " + path);
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Statement Connection::prepare(std::string_view sql) {
  if (auto it = statements_.find(sql); it != statements_.end()) return Statement(*this, it->second);
  const bool cached = statements_.size() < kMaxCachedStatements;
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    cached ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) fail(rc, sql);
  if (!cached) return Statement(*this, stmt, true);
  statements_.emplace(std::string(sql), stmt);
  return Statement(*this, stmt);
}

void Connection::exec(const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    throw SqliteError(rc, text + " (in: " + sql.substr(0, 80) + ")");
  }
}

void Connection::fail(int rc, std::string_view context) const {
  int code = db_ ? sqlite3_extended_errcode(db_) : rc;
  std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  throw SqliteError(code, message + " (in: " + std::string(context.substr(0, 80)) + ")");
}

// The statements are prepared once per connection, like every other: through
// exec() each was compiled anew, twice per write.
Transaction::Transaction(Connection& connection) : connection_(connection), nested_(connection.in_transaction()) {
  connection_.prepare(nested_ ? "SAVEPOINT focusd_write" : "BEGIN IMMEDIATE").run();
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    if (nested_) {
      connection_.prepare("ROLLBACK TO focusd_write").run();
      connection_.prepare("RELEASE focusd_write").run();
    } else {
      connection_.prepare("ROLLBACK").run();
    }
  } catch (const SqliteError&) {  // NOLINT(bugprone-empty-catch): the transaction is already gone
  }
}

ReadTransaction::ReadTransaction(Connection& connection) : connection_(connection) {
  connection_.prepare("BEGIN").run();
}

ReadTransaction::~ReadTransaction() {
  end_read_transaction(connection_);
}

void end_read_transaction(Connection& connection) {
  if (!connection.in_transaction()) return;
  try {
    connection.prepare("COMMIT").run();
  } catch (const SqliteError&) {  // NOLINT(bugprone-empty-catch): a read has nothing to keep
  }
}

void Transaction::commit() {
  connection_.prepare(nested_ ? "RELEASE focusd_write" : "COMMIT").run();
  done_ = true;
}

}  // namespace focusd::sqlite
