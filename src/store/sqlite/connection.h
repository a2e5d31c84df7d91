#pragma once
// A thin RAII layer over one sqlite3 connection: cached prepared statements,
// typed binds and reads, and transactions. SQLite failures throw SqliteError;
// SqliteStore catches them at its boundary and turns them into Result errors.

#include <sqlite3.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace focusd::sqlite {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  // The extended result code, e.g. SQLITE_CONSTRAINT_UNIQUE.
  int code() const { return code_; }

 private:
  int code_;
};

struct OpenOptions {
  bool read_only = false;
  std::string synchronous = "full";
  std::chrono::milliseconds busy_timeout{5000};
  std::int64_t mmap_bytes = 0;  // PRAGMA mmap_size
};

class Connection;

// How many prepared statements a Connection keeps. A list's SQL varies with
// its filters and order, so a client could otherwise grow the cache without
// bound; focusd's fixed statements are about 130.
constexpr std::size_t kMaxCachedStatements = 256;

// A prepared statement borrowed from a Connection's cache (reset and cleared
// when the borrow ends, so the next user starts fresh), or, once the cache is
// full, prepared for this use alone (`owned`: finalized when it ends).
class Statement {
 public:
  Statement(Connection& connection, sqlite3_stmt* stmt, bool owned = false)
      : connection_(&connection), stmt_(stmt), owned_(owned) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds parameters ?1, ?2, ... in order.
  template <class... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::nullopt_t);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }

  // Steps once. True when a row is available, false when done.
  bool step();
  // Steps to completion, expecting no rows.
  void run();

  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  // The text in SQLite's own buffer, valid until the statement steps again (or
  // the column is read as another type): for values the caller copies.
  std::string_view text_view(int column) const;
  std::optional<std::string_view> optional_text_view(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;
  bool is_null(int column) const;

 private:
  Connection* connection_;
  sqlite3_stmt* stmt_;
  bool owned_;
};

class Connection {
 public:
  // Opens (creating when not read-only) the database at `path`, applies focusd's
  // pragmas: WAL, the given synchronous level, foreign keys on, busy timeout.
  static std::unique_ptr<Connection> open(const std::string& path, const OpenOptions& options);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Returns the cached prepared statement for `sql` (compiled on first use;
  // past kMaxCachedStatements, compiled for this use alone).
  Statement prepare(std::string_view sql);
  std::size_t cached_statements() const { return statements_.size(); }
  // Runs one or more statements without results (schema, pragmas).
  void exec(const std::string& sql);
  // Copies the whole database, as this connection sees it (its read
  // transaction's snapshot, if one is open), into a new database file at
  // `path` with SQLite's online backup API, in one step: writers go on
  // meanwhile (WAL). The copy is synced to disk when this returns.
  void backup_to(const std::string& path);
  std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  // True inside BEGIN … COMMIT (false again when SQLite rolled a transaction back itself).
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }
  [[noreturn]] void fail(int rc, std::string_view context) const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  // Looked up by string_view, so finding a cached statement allocates nothing.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> statements_;
};

// Ends the connection's read transaction, if one is open.
void end_read_transaction(Connection& connection);

// A read transaction for as long as it lives, so the statements of one read see
// one snapshot and take the database's shared locks once, not each.
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& connection);
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ~ReadTransaction();

 private:
  Connection& connection_;
};

// BEGIN IMMEDIATE on construction; rolled back on destruction unless commit()
// ran. Inside an open transaction (a group-commit batch) it is a savepoint of
// it instead: commit() releases the savepoint, destruction rolls back to it.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& connection_;
  bool nested_;
  bool done_ = false;
};

}  // namespace focusd::sqlite
