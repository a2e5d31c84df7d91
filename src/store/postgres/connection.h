#pragma once
// A thin RAII layer over one libpq connection: parameters and results in text
// form, statements prepared once per connection, transactions. Failures throw
// PgError (as the SQLite layer throws SqliteError); the store catches them at
// its boundary and turns them into Result errors. Blocking, like libpq's
// synchronous calls: run it on the blocking pool.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/postgres/libpq.h"

namespace focusd::postgres {

// How many prepared statements a connection (or pipeline) keeps. A list's SQL
// varies with its filters and order, so a client could otherwise grow them
// without bound, here and in the server; focusd's fixed statements are about 130.
constexpr std::size_t kMaxPreparedStatements = 256;

class PgError : public std::runtime_error {
 public:
  PgError(std::string sqlstate, bool unavailable, const std::string& what, std::string constraint = "")
      : std::runtime_error(what),
        sqlstate_(std::move(sqlstate)),
        unavailable_(unavailable),
        constraint_(std::move(constraint)) {}
  // The SQLSTATE (e.g. "23505" for a unique violation); empty when the server
  // gave none (the connection failed).
  const std::string& sqlstate() const { return sqlstate_; }
  // True when the database cannot be used just now (no connection could be
  // made, one broke meanwhile, none came free in time), not the statement wrong: a 503.
  bool unavailable() const { return unavailable_; }
  // A serialization failure or a deadlock: the transaction may simply be run again.
  bool retryable() const { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }
  bool unique_violation() const { return sqlstate_ == "23505"; }
  // The constraint (or unique index) a violation names; empty otherwise.
  const std::string& constraint() const { return constraint_; }

 private:
  std::string sqlstate_;
  bool unavailable_;
  std::string constraint_;
};

// Statement parameters ($1, $2, …) in text form; nullopt is SQL NULL.
class Params {
 public:
  Params() = default;
  template <class... Args>
  explicit Params(const Args&... args) {
    values_.reserve(sizeof...(args));
    (add(args), ...);
  }
  Params& add(std::int64_t value);
  Params& add(int value) { return add(std::int64_t{value}); }
  Params& add(double value);
  Params& add(bool value);
  Params& add(std::string_view value);
  Params& add(const std::string& value) { return add(std::string_view(value)); }
  Params& add(const char* value) { return add(std::string_view(value)); }
  Params& add(std::nullopt_t);
  template <class T>
  Params& add(const std::optional<T>& value) {
    return value ? add(*value) : add(std::nullopt);
  }

  int size() const { return static_cast<int>(values_.size()); }
  // For PQexecPrepared: pointers into this object, valid while it lives unchanged.
  std::vector<const char*> pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

// The rows a statement returned, read by row and column. Values come in text
// form and are converted as asked; a value that does not convert throws.
class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result) {}
  Rows(Rows&&) noexcept = default;
  Rows& operator=(Rows&&) noexcept = default;

  int size() const { return libpq().ntuples(result_.get()); }
  bool empty() const { return size() == 0; }
  // Rows a command touched (UPDATE, DELETE, INSERT).
  std::int64_t affected() const;

  bool is_null(int row, int column) const { return libpq().getisnull(result_.get(), row, column) != 0; }
  std::string_view text(int row, int column) const;
  std::int64_t int64(int row, int column) const;
  double real(int row, int column) const;
  bool boolean(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const;
  std::optional<std::string_view> optional_text_view(int row, int column) const;  // valid while the rows live
  std::optional<std::int64_t> optional_int64(int row, int column) const;

 private:
  friend class Connection;
  struct Clear {
    void operator()(PGresult* result) const { libpq().clear(result); }
  };
  std::unique_ptr<PGresult, Clear> result_;
};

// What every connection is opened with, before the URL's own parameters
// (which win): connect_timeout 5 s, TCP keepalives, a 10 s TCP user timeout, so
// that a server gone silent fails statements instead of hanging them.
// keywords() and values(url) for PQconnectdbParams with expand_dbname = 1.
struct ConnectionParameters {
  static const char* const* keywords();
  explicit ConnectionParameters(const std::string& url);
  const char* const* values() const { return values_.data(); }

 private:
  std::array<const char*, 6> values_;
};
// The session settings every connection makes first, one statement each:
// UTC, ISO dates, only warnings and errors sent back.
extern const std::array<const char*, 3> kSessionSettings;

// Throws the PgError `result` carries (or the connection's, without one)
// unless it succeeded; `context` (the statement) goes into the message.
void check_result(PGconn* conn, PGresult* result, std::string_view context);

class Connection {
 public:
  // Connects with a libpq connection string or URI (postgresql://…); its own
  // parameters win over ours (connect_timeout 5 s, TCP keepalives, a 10 s TCP
  // user timeout, so that a server gone silent fails statements instead of
  // hanging them). Throws PgError (unavailable) when the server cannot be
  // reached or refuses.
  static std::unique_ptr<Connection> open(const std::string& url);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one statement with parameters; prepared on this connection the first
  // time its text is seen, then reused.
  Rows exec(std::string_view sql, const Params& params = Params());
  // Runs one or more statements without parameters (schema, BEGIN, SET).
  void exec_script(const std::string& sql);
  // exec() of a Transaction's last statement, with its COMMIT in the same
  // round trip: the Transaction's commit() then sends nothing. When the
  // statement fails, nothing commits (the Transaction rolls back); when the
  // COMMIT fails, the transaction is over, rolled back by the server.
  Rows exec_and_commit(std::string_view sql, const Params& params = Params());

  // `begin` (a BEGIN statement) goes out with the next statement, in the same
  // round trip (in pipeline mode for exec), not on its own.
  void begin_with_next_statement(std::string begin) {
    pending_begin_ = std::move(begin);
    committed_ = false;
  }
  // Forgets a BEGIN that no statement has taken out yet: true when there was
  // one (the transaction never started, so there is nothing to end).
  bool forget_pending_begin() { return !std::exchange(pending_begin_, std::string()).empty(); }
  // True once after exec_and_commit committed: the transaction is over.
  bool forget_commit() { return std::exchange(committed_, false); }

  // False once the connection broke: it must be dropped, not reused.
  bool healthy() const { return libpq().status(conn_) == CONNECTION_OK; }
  // True inside BEGIN … COMMIT, including a transaction that failed and awaits its rollback.
  bool in_transaction() const;
  // True inside a transaction a failed statement ended: COMMIT would roll it back.
  bool transaction_failed() const { return libpq().transaction_status(conn_) == PQTRANS_INERROR; }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  // exec() with `before` and `after` (statements without parameters, each
  // left out when empty) around it, in one round trip, in pipeline mode.
  Rows exec_between(std::string_view before, std::string_view sql, const Params& params, std::string_view after);
  // The name the next statement prepared on this connection gets (never one
  // given before), or, once kMaxPreparedStatements are kept, "": PostgreSQL's
  // unnamed statement, which the next one prepared unnamed replaces.
  std::string next_statement_name() const {
    return prepared_.size() < kMaxPreparedStatements ? "s" + std::to_string(prepared_.size() + 1) : std::string();
  }
  PGconn* conn_;
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  std::unordered_map<std::string, std::string, SqlHash, std::equal_to<>> prepared_;  // SQL -> statement name
  std::string pending_begin_;                                                        // sent with the next statement
  bool committed_ = false;                                                           // by exec_and_commit
};

// BEGIN on construction (with the isolation level given, e.g. "SERIALIZABLE"),
// sent with the transaction's first statement; rolled back on destruction
// unless commit() ran. A transaction that ran no statement ends with nothing sent.
class Transaction {
 public:
  explicit Transaction(Connection& connection, std::string_view isolation = "READ COMMITTED");
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace focusd::postgres
