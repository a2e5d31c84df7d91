// Connections in pipeline mode (store/postgres/pipeline.h) on a real
// PostgreSQL: many coroutines of one thread share them, every answer reaches
// the statement that asked, a failing statement fails alone, and a lost
// connection fails what waits on it and is opened again.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/postgres/pipeline.h"
#include "test_database.h"

namespace focusd::postgres {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

// What one statement gave: its value, or its error's SQLSTATE and whether the
// database was unavailable.
struct Outcome {
  std::optional<std::int64_t> value;
  std::string sqlstate;
  bool unavailable = false;
};

class PgPipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pgtest::postgres_wanted()) GTEST_SKIP() << "without PostgreSQL (FOCUSD_TEST_PG=1 or ./scripts/test --pg)";
    database_.emplace();
  }

  // Runs the statements at once, each from its own coroutine on one thread,
  // and returns what each gave, in the order given.
  // `answered(i, rows)` runs as statement i's coroutine gets its answer.
  std::vector<Outcome> run(Pipelines& pipelines, const std::vector<std::pair<std::string, Params>>& statements,
                           const std::function<void(std::size_t, const Rows&)>& answered = nullptr) {
    asio::io_context io;
    std::vector<Outcome> outcomes(statements.size());
    std::size_t done = 0;
    for (std::size_t i = 0; i < statements.size(); ++i) {
      asio::co_spawn(
          io,
          [&, i]() -> asio::awaitable<void> {
            try {
              Rows rows = co_await pipelines.exec(statements[i].first, statements[i].second);
              if (answered) answered(i, rows);
              outcomes[i].value = rows.int64(0, 0);
            } catch (const PgError& e) {
              outcomes[i].sqlstate = e.sqlstate();
              outcomes[i].unavailable = e.unavailable();
            }
            if (++done == statements.size()) io.stop();  // the connections' readers would wait on
          },
          asio::detached);
    }
    io.run_for(20s);
    EXPECT_EQ(done, statements.size()) << "every statement answered";
    return outcomes;
  }

  std::optional<pgtest::TestDatabase> database_;
};

TEST_F(PgPipeline, EveryAnswerReachesTheStatementThatAskedForIt) {
  Pipelines pipelines(database_->url(), 2, 5s);
  std::vector<std::pair<std::string, Params>> statements;
  for (int i = 0; i < 300; ++i) {
    // Three statements, prepared once each, mixed.
    const char* sql = i % 3 == 0   ? "SELECT $1::bigint"
                      : i % 3 == 1 ? "SELECT $1::bigint * 2 / 2"
                                   : "SELECT $1::bigint + 0";
    statements.emplace_back(sql, Params(i));
  }
  const auto outcomes = run(pipelines, statements);
  for (int i = 0; i < 300; ++i) EXPECT_EQ(outcomes[i].value, i) << i;
}

// Past kMaxPreparedStatements distinct texts, statements go out unnamed, each
// prepared just before it runs, in batches mixed with named ones.
TEST_F(PgPipeline, DistinctStatementsPastTheBoundRunUnnamed) {
  Pipelines pipelines(database_->url(), 1, 5s);
  std::vector<std::pair<std::string, Params>> statements;
  const int distinct = static_cast<int>(kMaxPreparedStatements) + 60;
  statements.reserve(distinct + 40);
  for (int i = 0; i < distinct; ++i) statements.emplace_back("SELECT $1::bigint + " + std::to_string(i), Params(i));
  for (int i = 0; i < 40; ++i) statements.emplace_back("SELECT $1::bigint + " + std::to_string(i), Params(1));
  const auto outcomes = run(pipelines, statements);
  for (int i = 0; i < distinct; ++i) EXPECT_EQ(outcomes[i].value, 2 * i) << i;
  for (int i = 0; i < 40; ++i) EXPECT_EQ(outcomes[distinct + i].value, 1 + i) << i;
}

TEST_F(PgPipeline, AFailingStatementFailsAloneAmongTheOthersOfItsBatch) {
  Pipelines pipelines(database_->url(), 1, 5s);
  std::vector<std::pair<std::string, Params>> statements;
  for (int i = 0; i < 60; ++i) {
    // Every tenth divides by zero; a syntax error fails at its Prepare.
    if (i % 10 == 5)
      statements.emplace_back("SELECT 1 / $1::int", Params(0));
    else if (i == 33)
      statements.emplace_back("SELEC $1::int", Params(1));
    else
      statements.emplace_back("SELECT $1::bigint", Params(i));
  }
  const auto outcomes = run(pipelines, statements);
  for (int i = 0; i < 60; ++i) {
    if (i % 10 == 5) {
      EXPECT_EQ(outcomes[i].sqlstate, "22012") << i;  // division_by_zero
      EXPECT_FALSE(outcomes[i].unavailable);
    } else if (i == 33) {
      EXPECT_EQ(outcomes[i].sqlstate, "42601") << i;  // syntax_error
    } else {
      EXPECT_EQ(outcomes[i].value, i) << i << " was aborted by another's failure and not asked again";
    }
  }
}

// Commits mode: each answer comes once its batch has committed (another
// connection sees the row at once), and the coroutines' statements that
// arrive together share one commit.
TEST_F(PgPipeline, CommitsAnswerOnceCommittedAndCommitTogether) {
  auto check = Connection::open(database_->url());
  check->exec_script("CREATE TABLE t (n bigint PRIMARY KEY, slow boolean)");
  Pipelines pipelines(database_->url(), 1, 5s, Pipeline::Mode::Commits);
  std::vector<std::pair<std::string, Params>> statements;
  for (int i = 0; i < 40; ++i) {
    // The last takes a while: the others' answers (long enough for the server
    // to send them as they come) arrive long before the end of their batch.
    statements.emplace_back(
        "INSERT INTO t VALUES ($1, $2) RETURNING CASE WHEN $2 THEN pg_sleep(0.3)::text END,"
        " pg_current_xact_id()::text::bigint, repeat('x', 4000)",
        Params(i, i == 39));
  }
  std::vector<bool> visible_when_answered(statements.size(), false);
  std::set<std::int64_t> transactions;
  run(pipelines, statements, [&](std::size_t i, const Rows& rows) {
    visible_when_answered[i] =
        check->exec("SELECT count(*) FROM t WHERE n = $1", Params(static_cast<std::int64_t>(i))).int64(0, 0) == 1;
    transactions.insert(rows.int64(0, 1));
  });
  for (std::size_t i = 0; i < statements.size(); ++i) {
    EXPECT_TRUE(visible_when_answered[i]) << i << " was answered before its commit";
  }
  EXPECT_LT(transactions.size(), statements.size() / 2) << "statements that arrived together committed together";
}

// Commits mode: a statement that fails takes nothing else with it: the others
// of its batch, rolled back with it, are committed again, each exactly once
// (a second insert of a key would fail), and the statements behind the
// failure fail only of their own.
TEST_F(PgPipeline, CommitsOfAFailedBatchAreAskedAgainAndHappenOnce) {
  auto check = Connection::open(database_->url());
  check->exec_script("CREATE TABLE t (n bigint PRIMARY KEY); INSERT INTO t VALUES (5), (15)");
  Pipelines pipelines(database_->url(), 1, 5s, Pipeline::Mode::Commits);
  std::vector<std::pair<std::string, Params>> statements;
  for (int i = 0; i < 40; ++i) {
    // 5 and 15 are taken; 25 divides by zero after its insert.
    statements.emplace_back("INSERT INTO t VALUES ($1) RETURNING 100 / ($1 - 25)", Params(i));
  }
  const auto outcomes = run(pipelines, statements);
  for (int i = 0; i < 40; ++i) {
    if (i == 5 || i == 15) {
      EXPECT_EQ(outcomes[i].sqlstate, "23505") << i;
    } else if (i == 25) {
      EXPECT_EQ(outcomes[i].sqlstate, "22012") << i;
    } else {
      EXPECT_TRUE(outcomes[i].value) << i << ": " << outcomes[i].sqlstate;
    }
  }
  EXPECT_EQ(check->exec("SELECT count(*) FROM t").int64(0, 0), 2 + 40 - 3) << "each insert that succeeded, once";
  EXPECT_EQ(check->exec("SELECT count(*) FROM t WHERE n = 25").int64(0, 0), 0) << "the failed one rolled back";
}

TEST_F(PgPipeline, ALostConnectionFailsAsUnavailableAndIsOpenedAgain) {
  Pipelines pipelines(database_->url(), 1, 5s);
  const std::vector<std::pair<std::string, Params>> one = {{"SELECT $1::bigint", Params(7)}};
  ASSERT_EQ(run(pipelines, one)[0].value, 7);
  // The event loop that ran it ended: its connection ended with it, and the next opens another.
  ASSERT_EQ(run(pipelines, one)[0].value, 7);

  asio::io_context io;
  std::vector<Outcome> outcomes;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto ask = [&]() -> asio::awaitable<void> {
          Outcome outcome;
          try {
            outcome.value = (co_await pipelines.exec("SELECT $1::bigint", Params(8))).int64(0, 0);
          } catch (const PgError& e) {
            outcome.unavailable = e.unavailable();
          }
          outcomes.push_back(outcome);
        };
        co_await ask();
        // Every connection to the database ended by the server, as a restart would.
        auto admin = Connection::open(pgtest::cluster_url());
        admin->exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                    Params(database_->name()));
        co_await ask();
        co_await ask();
        io.stop();
      },
      asio::detached);
  io.run_for(20s);
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(outcomes[0].value, 8);
  EXPECT_TRUE(outcomes[1].unavailable) << "the statement on the lost connection";
  EXPECT_EQ(outcomes[2].value, 8) << "a new connection";
}

TEST_F(PgPipeline, AnUnreachableDatabaseIsUnavailableWithinTheWait) {
  Pipelines pipelines("postgresql://focusd@127.0.0.1:1/focusd", 1, 500ms);
  const auto start = std::chrono::steady_clock::now();
  const auto outcomes = run(pipelines, {{"SELECT $1::bigint", Params(1)}, {"SELECT $1::bigint", Params(2)}});
  for (const auto& outcome : outcomes) EXPECT_TRUE(outcome.unavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

}  // namespace
}  // namespace focusd::postgres
