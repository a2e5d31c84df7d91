// The libpq layer (connection, parameters, rows, transactions, the pool) on a
// real PostgreSQL: one fresh database per test (tests/pg/test_database.h).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <thread>

#include "store/postgres/connection.h"
#include "store/postgres/pool.h"
#include "test_database.h"

namespace focusd::postgres {
namespace {

using namespace std::chrono_literals;

class PgLayer : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pgtest::postgres_wanted()) GTEST_SKIP() << "without PostgreSQL (FOCUSD_TEST_PG=1 or ./scripts/test --pg)";
    database_.emplace();
    connection_ = Connection::open(database_->url());
  }

  std::optional<pgtest::TestDatabase> database_;
  std::unique_ptr<Connection> connection_;
};

TEST_F(PgLayer, ParametersAndValuesRoundTripInTextForm) {
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  const std::int64_t small = std::numeric_limits<std::int64_t>::min();
  const std::string text = "it's \"quoted\", ünïcødé, ☃ and a \\ backslash";
  Rows rows =
      connection_->exec("SELECT $1::bigint, $2::bigint, $3::float8, $4::float8, $5::text, $6::text, $7::boolean",
                        Params(big, small, 0.1, 1e300, text, std::nullopt, true));
  ASSERT_EQ(rows.size(), 1);
  EXPECT_EQ(rows.int64(0, 0), big);
  EXPECT_EQ(rows.int64(0, 1), small);
  EXPECT_EQ(rows.real(0, 2), 0.1) << "doubles travel as their shortest exact text";
  EXPECT_EQ(rows.real(0, 3), 1e300);
  EXPECT_EQ(rows.text(0, 4), text);
  EXPECT_TRUE(rows.is_null(0, 5));
  EXPECT_EQ(rows.optional_text(0, 5), std::nullopt);
  EXPECT_EQ(rows.optional_int64(0, 0), big);
  EXPECT_TRUE(rows.boolean(0, 6));
  EXPECT_THROW((void)rows.int64(0, 4), PgError) << "text that is no integer is not read as one";
}

TEST_F(PgLayer, AStatementIsPreparedOncePerConnection) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(connection_->exec("SELECT $1::int + 1", Params(i)).int64(0, 0), i + 1);
  Rows prepared =
      connection_->exec("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int%'");
  EXPECT_EQ(prepared.int64(0, 0), 1);
}

// A client can make a list's SQL vary (its filters, its order): past the
// bound, statements run unnamed, replacing each other, and nothing piles up.
TEST_F(PgLayer, PreparedStatementsAreBounded) {
  const auto sql = [](std::size_t n) { return "SELECT $1::int + " + std::to_string(n); };
  const std::size_t distinct = kMaxPreparedStatements + 40;
  for (std::size_t n = 0; n < distinct; ++n) ASSERT_EQ(connection_->exec(sql(n), Params(1)).int64(0, 0), 1 + n);
  {
    Transaction transaction(*connection_);  // exec_between's pipeline, past the bound too
    EXPECT_EQ(connection_->exec(sql(distinct), Params(2)).int64(0, 0), 2 + distinct);
    transaction.commit();
  }
  for (std::size_t n = 0; n < 3; ++n) EXPECT_EQ(connection_->exec(sql(n), Params(5)).int64(0, 0), 5 + n);  // still kept
  Rows prepared = connection_->exec("SELECT count(*) FROM pg_prepared_statements WHERE name <> ''");
  EXPECT_EQ(prepared.int64(0, 0), static_cast<std::int64_t>(kMaxPreparedStatements));
}

TEST_F(PgLayer, ErrorsCarryTheirSqlstate) {
  connection_->exec_script("CREATE TABLE t (name text PRIMARY KEY)");
  connection_->exec("INSERT INTO t VALUES ($1)", Params("a"));
  try {
    connection_->exec("INSERT INTO t VALUES ($1)", Params("a"));
    FAIL() << "a duplicate key was inserted";
  } catch (const PgError& e) {
    EXPECT_TRUE(e.unique_violation()) << e.sqlstate();
    EXPECT_FALSE(e.unavailable());
  }
  try {
    connection_->exec("SELEC 1");
    FAIL() << "a syntax error ran";
  } catch (const PgError& e) {
    EXPECT_EQ(e.sqlstate(), "42601");
    EXPECT_FALSE(e.retryable());
  }
  EXPECT_EQ(connection_->exec("SELECT count(*) FROM t").int64(0, 0), 1) << "the connection works on after errors";
  EXPECT_EQ(connection_->exec("UPDATE t SET name = 'b'").affected(), 1);
}

TEST_F(PgLayer, ATransactionCommitsOnlyWhenToldAndNeverAfterAFailure) {
  connection_->exec_script("CREATE TABLE t (n int PRIMARY KEY)");
  {
    Transaction transaction(*connection_);
    connection_->exec("INSERT INTO t VALUES (1)");
  }
  EXPECT_EQ(connection_->exec("SELECT count(*) FROM t").int64(0, 0), 0) << "rolled back when not committed";
  {
    Transaction transaction(*connection_, "SERIALIZABLE");
    connection_->exec("INSERT INTO t VALUES (2)");
    transaction.commit();
  }
  EXPECT_EQ(connection_->exec("SELECT count(*) FROM t").int64(0, 0), 1);
  {
    Transaction transaction(*connection_);
    connection_->exec("INSERT INTO t VALUES (3)");
    EXPECT_THROW(connection_->exec("INSERT INTO t VALUES (2)"), PgError);
    EXPECT_THROW(transaction.commit(), PgError) << "COMMIT would roll back: that is no commit";
  }
  EXPECT_FALSE(connection_->in_transaction());
  EXPECT_EQ(connection_->exec("SELECT count(*) FROM t").int64(0, 0), 1) << "nothing of the failed transaction";
}

// BEGIN goes out with the transaction's first statement (one round trip, in
// pipeline mode), whatever that statement is; a transaction that ran none
// sends nothing.
TEST_F(PgLayer, BeginGoesWithTheFirstStatementOfATransaction) {
  connection_->exec_script("CREATE TABLE t (n int PRIMARY KEY)");
  {
    Transaction transaction(*connection_, "REPEATABLE READ");
    EXPECT_EQ(connection_->exec("SELECT current_setting($1)", Params("transaction_isolation")).text(0, 0),
              "repeatable read");  // new: prepared in the same round trip
    EXPECT_TRUE(connection_->in_transaction());
    transaction.commit();
  }
  {
    Transaction transaction(*connection_, "SERIALIZABLE");
    EXPECT_EQ(connection_->exec("SELECT current_setting($1)", Params("transaction_isolation")).text(0, 0),
              "serializable");  // known: no Prepare
    transaction.commit();
  }
  {
    Transaction transaction(*connection_);
    connection_->exec_script("INSERT INTO t VALUES (1)");  // a script takes the BEGIN too
    EXPECT_TRUE(connection_->in_transaction());
  }
  EXPECT_EQ(connection_->exec("SELECT count(*) FROM t").int64(0, 0), 0) << "rolled back";
  {
    Transaction transaction(*connection_);
    transaction.commit();  // nothing ran: nothing to commit, nothing sent
  }
  EXPECT_FALSE(connection_->in_transaction());
  struct Bad {
    const char* sql;
    Params params;
    const char* sqlstate;
  };
  for (const Bad& bad : {Bad{"SELEC 1", Params(), "42601"}, Bad{"SELECT 1 / $1::int", Params(0), "22012"}}) {
    SCOPED_TRACE(bad.sql);
    Transaction transaction(*connection_);
    try {
      connection_->exec(bad.sql, bad.params);
      ADD_FAILURE() << "no error";
    } catch (const PgError& e) {
      EXPECT_EQ(e.sqlstate(), bad.sqlstate);  // a failed Prepare, a failed statement
      EXPECT_FALSE(e.unavailable());
    }
    EXPECT_THROW(transaction.commit(), PgError);
  }
  EXPECT_FALSE(connection_->in_transaction());
  EXPECT_EQ(connection_->exec("SELECT $1::int + 1", Params(1)).int64(0, 0), 2) << "the connection is fine after";
}

// A transaction's last statement can carry its COMMIT (and, when it is the
// first too, its BEGIN): one round trip; commit() then sends nothing.
TEST_F(PgLayer, TheLastStatementCanCarryTheCommit) {
  connection_->exec_script(
      "CREATE TABLE t (n int PRIMARY KEY);"
      " CREATE TABLE d (n int, UNIQUE (n) DEFERRABLE INITIALLY DEFERRED)");
  auto other = Connection::open(database_->url());
  const std::string pid = std::string(connection_->exec("SELECT pg_backend_pid()").text(0, 0));
  {
    Transaction transaction(*connection_);
    connection_->exec("INSERT INTO t VALUES (1)");
    EXPECT_EQ(connection_->exec_and_commit("INSERT INTO t VALUES ($1) RETURNING n", Params(2)).int64(0, 0), 2);
    EXPECT_FALSE(connection_->in_transaction());
    // commit() sends nothing: it succeeds with the connection gone.
    other->exec("SELECT pg_terminate_backend($1::int)", Params(pid));
    EXPECT_NO_THROW(transaction.commit());
  }
  EXPECT_EQ(other->exec("SELECT count(*) FROM t").int64(0, 0), 2) << "both committed";
  connection_ = Connection::open(database_->url());
  {
    Transaction transaction(*connection_);
    EXPECT_EQ(connection_->exec_and_commit("INSERT INTO t VALUES ($1) RETURNING n", Params(3)).int64(0, 0), 3)
        << "BEGIN, a new statement's Prepare, the statement and COMMIT in one round trip";
    transaction.commit();
  }
  {
    Transaction transaction(*connection_);
    connection_->exec("INSERT INTO t VALUES (4)");
    try {
      connection_->exec_and_commit("INSERT INTO t VALUES ($1) RETURNING n", Params(1));
      ADD_FAILURE() << "a duplicate key was inserted";
    } catch (const PgError& e) {
      EXPECT_TRUE(e.unique_violation()) << e.sqlstate();
    }
    EXPECT_TRUE(connection_->in_transaction()) << "a failed statement: its COMMIT never ran";
  }
  EXPECT_FALSE(connection_->in_transaction()) << "rolled back";
  {
    Transaction transaction(*connection_);
    try {
      connection_->exec_and_commit("INSERT INTO d VALUES (1), (1)");
      ADD_FAILURE() << "a deferred duplicate was committed";
    } catch (const PgError& e) {
      EXPECT_TRUE(e.unique_violation()) << "the COMMIT's own failure: " << e.sqlstate();
    }
    EXPECT_FALSE(connection_->in_transaction());
    EXPECT_THROW(transaction.commit(), PgError) << "a failed COMMIT is no commit";
  }
  EXPECT_EQ(connection_->exec("SELECT count(*) FROM t").int64(0, 0), 3) << "nothing of the failed transaction";
  EXPECT_EQ(connection_->exec("SELECT count(*) FROM d").int64(0, 0), 0);
}

TEST_F(PgLayer, NoServerIsUnavailableAtOnceAndThePasswordIsNotInTheMessage) {
  const auto start = std::chrono::steady_clock::now();
  try {
    (void)Connection::open("postgresql://focusd:secret-pass-123@127.0.0.1:1/focusd");
    FAIL() << "connected to nothing";
  } catch (const PgError& e) {
    EXPECT_TRUE(e.unavailable());
    EXPECT_EQ(std::string(e.what()).find("secret-pass-123"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(PgLayer, ThePoolHandsOutAtMostItsSizeAndWaitsBoundedly) {
  Pool pool(database_->url(), 2, 200ms);
  {
    Pool::Lease a = pool.acquire();
    Pool::Lease b = pool.acquire();
    EXPECT_EQ(pool.open_connections(), 2u);
    const auto start = std::chrono::steady_clock::now();
    try {
      (void)pool.acquire();
      FAIL() << "a third connection from a pool of two";
    } catch (const PgError& e) {
      EXPECT_TRUE(e.unavailable());
    }
    EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
    std::thread giver([lease = std::move(a)]() mutable {
      std::this_thread::sleep_for(50ms);
      Pool::Lease gone = std::move(lease);
    });
    Pool::Lease c = pool.acquire();  // the one given back meanwhile
    EXPECT_EQ(c->exec("SELECT 1").int64(0, 0), 1);
    giver.join();
  }
  EXPECT_EQ(pool.open_connections(), 2u) << "kept for reuse";
}

TEST_F(PgLayer, APoolDropsABrokenConnectionAndOpensANewOne) {
  Pool pool(database_->url(), 1, 1000ms);
  std::int64_t first_backend = 0;
  {
    Pool::Lease lease = pool.acquire();
    first_backend = lease->exec("SELECT pg_backend_pid()").int64(0, 0);
    connection_->exec("SELECT pg_terminate_backend($1::int)", Params(first_backend));
    try {
      (void)lease->exec("SELECT 1");
      FAIL() << "a statement ran on a terminated connection";
    } catch (const PgError& e) {
      EXPECT_TRUE(e.unavailable()) << e.sqlstate() << " " << e.what();
    }
  }
  EXPECT_EQ(pool.open_connections(), 0u) << "the broken one was dropped";
  Pool::Lease lease = pool.acquire();
  EXPECT_NE(lease->exec("SELECT pg_backend_pid()").int64(0, 0), first_backend);
}

}  // namespace
}  // namespace focusd::postgres
