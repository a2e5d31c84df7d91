#include "store/postgres/connection.h"

#include <charconv>
#include <system_error>

namespace focusd::postgres {

namespace {

[[noreturn]] void bad_value(std::string_view value, const char* type) {
  throw PgError("", false, "not " + std::string(type) + ": " + std::string(value.substr(0, 64)));
}

}  // namespace

Params& Params::add(std::int64_t value) {
  values_.emplace_back(std::to_string(value));
  return *this;
}

Params& Params::add(double value) {
  char text[32];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);  // the shortest text that reads back the same
  values_.emplace_back(std::string(text, end));
  return *this;
}

Params& Params::add(bool value) {
  values_.emplace_back(value ? "t" : "f");
  return *this;
}

Params& Params::add(std::string_view value) {
  values_.emplace_back(std::string(value));
  return *this;
}

Params& Params::add(std::nullopt_t) {
  values_.emplace_back(std::nullopt);
  return *this;
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (const auto& value : values_) pointers.push_back(value ? value->c_str() : nullptr);
  return pointers;
}

std::int64_t Rows::affected() const {
  const char* count = libpq().cmd_tuples(result_.get());
  std::int64_t n = 0;
  std::from_chars(count, count + std::char_traits<char>::length(count), n);
  return n;
}

std::string_view Rows::text(int row, int column) const {
  return {libpq().getvalue(result_.get(), row, column),
          static_cast<std::size_t>(libpq().getlength(result_.get(), row, column))};
}

std::int64_t Rows::int64(int row, int column) const {
  const std::string_view value = text(row, column);
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc{} || end != value.data() + value.size()) bad_value(value, "an integer");
  return n;
}

double Rows::real(int row, int column) const {
  const std::string_view value = text(row, column);
  double x = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), x);
  if (ec != std::errc{} || end != value.data() + value.size()) bad_value(value, "a number");
  return x;
}

bool Rows::boolean(int row, int column) const {
  const std::string_view value = text(row, column);
  if (value == "t") return true;
  if (value == "f") return false;
  bad_value(value, "a boolean");
}

std::optional<std::string> Rows::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return std::string(text(row, column));
}

std::optional<std::string_view> Rows::optional_text_view(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

std::optional<std::int64_t> Rows::optional_int64(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return int64(row, column);
}

// With expand_dbname, the URL is read in dbname's place; its parameters
// come after (and so win over) the defaults before it.
const char* const* ConnectionParameters::keywords() {
  static const char* const kKeywords[] = {"connect_timeout",  "keepalives_idle", "keepalives_interval",
                                          "tcp_user_timeout", "dbname",          nullptr};
  return kKeywords;
}

ConnectionParameters::ConnectionParameters(const std::string& url)
    : values_{"5", "30", "10", "10000", url.c_str(), nullptr} {}

const std::array<const char*, 3> kSessionSettings = {"SET TIME ZONE 'UTC'", "SET DateStyle = 'ISO'",
                                                     "SET client_min_messages = 'warning'"};

std::unique_ptr<Connection> Connection::open(const std::string& url) {
  const ConnectionParameters parameters(url);
  PGconn* conn = libpq().connectdb_params(ConnectionParameters::keywords(), parameters.values(), 1);
  std::unique_ptr<Connection> connection(new Connection(conn));  // finishes conn whatever happens next
  if (!conn) throw PgError("", true, "connecting: out of memory");
  // libpq's message names the host and port and why, never the password.
  if (libpq().status(conn) != CONNECTION_OK)
    throw PgError("", true, "connecting: " + std::string(libpq().error_message(conn)));
  // Every session in UTC with ISO dates, whatever the server's defaults.
  for (const char* setting : kSessionSettings) connection->exec_script(setting);
  return connection;
}

Connection::~Connection() {
  if (conn_) libpq().finish(conn_);
}

Rows Connection::exec(std::string_view sql, const Params& params) {
  if (!pending_begin_.empty()) return exec_between(std::exchange(pending_begin_, std::string()), sql, params, "");
  auto it = prepared_.find(sql);
  std::string fresh;  // the name of a statement new to this connection ("": unnamed, not kept)
  if (it == prepared_.end()) {
    fresh = next_statement_name();
    Rows prepared(libpq().prepare(conn_, fresh.c_str(), std::string(sql).c_str(), 0, nullptr));
    check_result(conn_, prepared.result_.get(), sql);
    if (!fresh.empty()) it = prepared_.emplace(std::string(sql), fresh).first;
  }
  const char* name = it != prepared_.end() ? it->second.c_str() : fresh.c_str();
  const std::vector<const char*> values = params.pointers();
  PGresult* result = libpq().exec_prepared(conn_, name, params.size(), values.data(), nullptr, nullptr, 0);
  Rows rows(result);
  check_result(conn_, result, sql);
  return rows;
}

Rows Connection::exec_and_commit(std::string_view sql, const Params& params) {
  Rows rows = exec_between(std::exchange(pending_begin_, std::string()), sql, params, "COMMIT");
  committed_ = true;
  return rows;
}

Rows Connection::exec_between(std::string_view before, std::string_view sql, const Params& params,
                              std::string_view after) {
  const Libpq& pq = libpq();
  if (pq.enter_pipeline_mode(conn_) != 1) check_result(conn_, nullptr, sql);
  struct ExitPipeline {
    PGconn* conn;
    ~ExitPipeline() { libpq().exit_pipeline_mode(conn); }
  } exit_pipeline{conn_};
  // `before`, the statement's Prepare when it is new, the statement, `after`, a Sync.
  const auto known = prepared_.find(sql);
  const bool is_new = known == prepared_.end();
  const std::string name = is_new ? next_statement_name() : known->second;
  const auto send_plain = [&](std::string_view plain) {
    return pq.send_query_params(conn_, std::string(plain).c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  };
  bool sent = before.empty() || send_plain(before);
  if (is_new) sent = sent && pq.send_prepare(conn_, name.c_str(), std::string(sql).c_str(), 0, nullptr) == 1;
  const std::vector<const char*> values = params.pointers();
  sent = sent && pq.send_query_prepared(conn_, name.c_str(), params.size(), values.data(), nullptr, nullptr, 0) == 1;
  sent = sent && (after.empty() || send_plain(after));
  sent = sent && pq.pipeline_sync(conn_) == 1;
  if (!sent) check_result(conn_, nullptr, sql);  // throws the connection's error
  // Their answers in order, each followed by a null, up to the Sync's.
  std::vector<Rows> answers;
  for (;;) {
    PGresult* result = pq.get_result(conn_);
    if (!result) {
      if (pq.status(conn_) != CONNECTION_OK) break;
      continue;
    }
    if (pq.result_status(result) == PGRES_PIPELINE_SYNC) {
      pq.clear(result);
      break;
    }
    answers.emplace_back(result);
  }
  const std::size_t prepare_at = before.empty() ? 0 : 1;
  const std::size_t statement_at = prepare_at + (is_new ? 1 : 0);
  // A statement prepared stays prepared, whatever became of the transaction.
  if (is_new && !name.empty() && answers.size() > prepare_at &&
      pq.result_status(answers[prepare_at].result_.get()) == PGRES_COMMAND_OK) {
    prepared_.emplace(std::string(sql), name);
  }
  if (answers.size() != statement_at + 1 + (after.empty() ? 0 : 1)) {
    check_result(conn_, nullptr, sql);  // the connection broke
  }
  // The first that failed says why (those after it were aborted by it).
  for (std::size_t i = 0; i < answers.size(); ++i) {
    check_result(conn_, answers[i].result_.get(), i < prepare_at ? before : i <= statement_at ? sql : after);
  }
  return std::move(answers[statement_at]);
}

void Connection::exec_script(const std::string& sql) {
  if (!pending_begin_.empty()) {
    const std::string begin = std::exchange(pending_begin_, std::string());
    exec_script(begin + "; " + sql);
    return;
  }
  PGresult* result = libpq().exec(conn_, sql.c_str());
  Rows rows(result);
  check_result(conn_, result, sql);
}

bool Connection::in_transaction() const {
  const PGTransactionStatusType status = libpq().transaction_status(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

void check_result(PGconn* conn, PGresult* result, std::string_view context) {
  const ExecStatusType status = result ? libpq().result_status(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
  const char* sqlstate = result ? libpq().result_error_field(result, PG_DIAG_SQLSTATE) : nullptr;
  // The primary message only: its DETAIL may quote a row's values (a key digest, say).
  const char* primary = result ? libpq().result_error_field(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const std::string message = primary ? primary : libpq().error_message(conn);
  // Class 08 is a connection exception; 57P01-57P03 the server shutting down or starting.
  const std::string state = sqlstate ? sqlstate : "";
  const bool lost = libpq().status(conn) != CONNECTION_OK || state.starts_with("08") || state.starts_with("57P");
  const char* constraint = result ? libpq().result_error_field(result, PG_DIAG_CONSTRAINT_NAME) : nullptr;
  throw PgError(state, lost, message + " [" + std::string(context.substr(0, 200)) + "]", constraint ? constraint : "");
}

Transaction::Transaction(Connection& connection, std::string_view isolation) : connection_(connection) {
  connection_.begin_with_next_statement("BEGIN ISOLATION LEVEL " + std::string(isolation));
}

Transaction::~Transaction() {
  if (done_ || connection_.forget_pending_begin() || connection_.forget_commit() || !connection_.healthy()) return;
  if (!connection_.in_transaction()) return;  // a COMMIT that failed ended it
  try {
    connection_.exec_script("ROLLBACK");
  } catch (const PgError&) {  // NOLINT(bugprone-empty-catch): the connection broke meanwhile, and the server
  }                           // has rolled the transaction back
}

void Transaction::commit() {
  // No statement ran, or the last one committed: nothing to send.
  if (connection_.forget_pending_begin() || connection_.forget_commit()) {
    done_ = true;
    return;
  }
  // COMMIT of a failed transaction "succeeds" as a ROLLBACK, and one outside
  // a transaction (a failed COMMIT ended it) as nothing: never report either as a commit.
  if (connection_.healthy() && (connection_.transaction_failed() || !connection_.in_transaction())) {
    throw PgError("25P02", false, "commit of a failed transaction");
  }
  connection_.exec_script("COMMIT");
  done_ = true;
}

}  // namespace focusd::postgres
