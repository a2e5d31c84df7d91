// Start, stop, crash, restart — and what reaches the log.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json/parse.hpp>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "support.h"

namespace focusd::test {
namespace {

const Headers kJson = {{"Content-Type", "application/json"}};

TEST(Lifecycle, SigtermFinishesTheInFlightRequestAndExitsZero) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto busy = server.client();
  auto idle = server.client();
  ASSERT_EQ(idle.get("/api/version").status, 200);
  // An uncached password check keeps this request busy for tens of milliseconds.
  busy.send_raw("GET /api/users/me/settings HTTP/1.1\r\nHost: x\r\nAuthorization: " + alice.basic().front().second +
                "\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server.send_signal(SIGTERM);
  auto res = busy.read_response();
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Connection"), "close");
  EXPECT_TRUE(idle.closed_by_peer());
  EXPECT_EQ(server.wait_exit(std::chrono::seconds(10)), 0);
  EXPECT_NE(server.log().find("stopped"), std::string::npos);
}

TEST(Lifecycle, SigintAlsoStopsCleanly) {
  FocusdServer server;
  server.send_signal(SIGINT);
  EXPECT_EQ(server.wait_exit(std::chrono::seconds(10)), 0);
}

// With a drain period, SIGTERM first turns /readyz to 503 for it (what a
// load balancer checks), while everything else, new connections included, is
// served as before; then the server stops as without one.
TEST(Lifecycle, ADrainPeriodAnswersReadyz503AndServesTheRestUntilItEnds) {
  FocusdServer server({.extra_args = {"--drain-period", "2"}});
  auto alice = server.seed_user();
  auto kept = server.client();
  ASSERT_EQ(kept.get("/readyz").status, 200);
  const auto signalled = std::chrono::steady_clock::now();
  server.send_signal(SIGTERM);
  auto ready = server.client().get("/readyz");  // may come before the signal is handled: then try again
  for (int i = 0; ready.status == 200 && i < 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ready = server.client().get("/readyz");
  }
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.json().at("error").as_string(), "unavailable");
  EXPECT_NE(std::string(ready.json().at("error_description").as_string()).find("draining"), std::string::npos);
  // Still served, on a new connection (the listener is open) and on one kept
  // alive, which stays so (the shutdown has not begun).
  EXPECT_EQ(server.client().get("/api/users/me/settings", alice.basic()).status, 200);
  auto again = kept.get("/api/version");
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.header("Connection"), "close");

  EXPECT_EQ(server.wait_exit(std::chrono::seconds(10)), 0);
  EXPECT_GE(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(2));
  const std::string log = server.log();
  EXPECT_NE(log.find("draining"), std::string::npos) << log;
  EXPECT_NE(log.find("stopped"), std::string::npos) << log;
}

// A second signal cuts the drain period short.
TEST(Lifecycle, ASecondSignalEndsTheDrainPeriod) {
  FocusdServer server({.extra_args = {"--drain-period", "60"}});
  server.send_signal(SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(server.client().get("/readyz").status, 503);
  server.send_signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(std::chrono::seconds(10)), 0);
}

// Threads that run out of work poll for more a while before they sleep
// (--idle-spin-us, on by default and so in every other test); without it they
// sleep at once. Both ways a write and a read are answered and SIGTERM stops
// the server, and the setting is bounded.
TEST(Lifecycle, WithoutIdleSpinningItServesAndStops) {
  FocusdServer server({.extra_args = {"--idle-spin-us", "0", "--threads", "2"}});
  auto alice = server.seed_user();
  auto headers = alice.basic();
  headers.insert(headers.end(), kJson.begin(), kJson.end());
  const std::string projects = alice.workspace_path() + "/projects";
  for (int i = 0; i < 3; ++i) {  // one connection each: the acceptor deals them to both threads
    auto res = server.client().request("POST", projects, headers, R"({"name":"p)" + std::to_string(i) + R"("})");
    ASSERT_EQ(res.status, 201);
    EXPECT_EQ(
        server.client().get(projects + "/" + std::to_string(res.json().at("id").as_int64()), alice.basic()).status,
        200);
  }
  server.send_signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(std::chrono::seconds(10)), 0);

  auto refused = run_process({FOCUSD_BINARY, "serve", "--idle-spin-us", "10001"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("--idle-spin-us"), std::string::npos) << refused.err;
}

TEST(Lifecycle, AnAcknowledgedWriteSurvivesKill9) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto headers = alice.basic();
  headers.insert(headers.end(), kJson.begin(), kJson.end());
  auto res = server.client().request("PATCH", "/api/users/me/settings", headers, R"({"timezone":"Asia/Tokyo"})");
  ASSERT_EQ(res.status, 200);
  server.kill9();
  server.start();
  auto body = server.client().get("/api/users/me/settings", alice.basic()).json();
  EXPECT_EQ(body.at("timezone").as_string(), "Asia/Tokyo");
}

// Concurrent writes share commits (group commit). Each answer must still be
// true on its own: a 409 in a batch takes nothing else with it, and every 201
// survives kill -9 while nothing unacknowledged appears.
TEST(Lifecycle, ConcurrentWritesCommitTogetherAndEachAnswerHolds) {
  FocusdServer server({.extra_args = {"--blocking-threads", "8"}});
  auto alice = server.seed_user();
  auto headers = alice.basic();
  headers.insert(headers.end(), kJson.begin(), kJson.end());
  const std::string projects = alice.workspace_path() + "/projects";
  constexpr int kThreads = 16;
  constexpr int kEach = 25;
  std::mutex mutex;
  std::map<std::int64_t, std::string> created;  // id → name, from the 201s
  std::map<std::string, int> created_per_name;
  int conflicts = 0, other = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto client = server.client();
      for (int i = 0; i < kEach; ++i) {
        // Every fifth name is shared by all threads: exactly one may win it.
        const std::string name =
            i % 5 == 0 ? "shared " + std::to_string(i) : "own " + std::to_string(t) + "-" + std::to_string(i);
        auto res = client.request("POST", projects, headers, R"({"name":")" + name + R"("})");
        std::lock_guard lock(mutex);
        if (res.status == 201) {
          created[res.json().at("id").as_int64()] = name;
          ++created_per_name[name];
        } else if (res.status == 409) {
          ++conflicts;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(other, 0);
  EXPECT_EQ(conflicts, (kThreads - 1) * (kEach / 5));
  EXPECT_EQ(created.size(), static_cast<std::size_t>(kThreads * kEach - conflicts));
  for (const auto& [name, count] : created_per_name) EXPECT_EQ(count, 1) << name;

  server.kill9();
  server.start();
  auto client = server.client();
  auto list = client.get(projects + "?per_page=1", alice.basic()).json();
  EXPECT_EQ(list.at("total").as_int64(), static_cast<std::int64_t>(created.size()));
  for (const auto& [id, name] : created) {
    auto res = client.get(projects + "/" + std::to_string(id), alice.basic());
    ASSERT_EQ(res.status, 200) << id;
    EXPECT_EQ(res.json().at("name").as_string(), name);
  }
}

TEST(Lifecycle, ADatabaseFromTheFutureIsRefused) {
  FocusdServer server;
  server.stop();
  server.exec_sql("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 'x')");
  auto code = server.start_expecting_exit(std::chrono::seconds(10));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(server.log().find("newer than this focusd"), std::string::npos);
}

TEST(Lifecycle, MigrationsAreRecordedAndNotReapplied) {
  FocusdServer server;
  auto alice = server.seed_user();
  server.stop();
  server.start();
  EXPECT_EQ(server.client().get("/api/users/me/settings", alice.basic()).status, 200);
}

TEST(Lifecycle, NoSecretReachesTheLog) {
  FocusdServer server({.extra_args = {"--log-level", "trace"}});
  auto alice = server.seed_user();
  const std::string key = server.create_api_key(alice.email);
  auto client = server.client();
  SeededUser wrong = alice;
  wrong.password = "not-the-password-123";
  ASSERT_EQ(client.get("/api/users/me/settings", alice.basic()).status, 200);
  ASSERT_EQ(client.get("/api/users/me/settings", wrong.basic()).status, 401);
  ASSERT_EQ(client.get("/api/users/me/settings", bearer(key)).status, 200);
  ASSERT_EQ(client.get("/api/users/me/settings?token=" + key + "&api_key=" + key, bearer(key)).status, 200);
  ASSERT_EQ(client.get("/api/users/me/settings", {{"Authorization", "Bearer " + key + "x"}}).status, 401);
  server.stop();
  const std::string log = server.log();
  ASSERT_NE(log.find("path=/api/users/me/settings"), std::string::npos);  // the requests were logged
  for (const std::string& secret : {alice.password, wrong.password, key, key.substr(9), alice.basic().front().second,
                                    alice.basic().front().second.substr(6)}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "secret in log: " << secret;
  }
  EXPECT_EQ(log.find("Authorization"), std::string::npos);
  EXPECT_EQ(log.find("authorization"), std::string::npos);
}

TEST(Lifecycle, AccessLogHasTheRequestFacts) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto res = server.client().get("/api/users/me/settings?x=1", alice.basic());
  server.stop();
  const std::string log = server.log();
  const std::string id = res.header("X-Request-Id");
  auto at = log.find("request_id=" + id);
  ASSERT_NE(at, std::string::npos);
  const std::string line = log.substr(log.rfind('\n', at) + 1, log.find('\n', at) - log.rfind('\n', at) - 1);
  EXPECT_NE(line.find("method=GET"), std::string::npos) << line;
  EXPECT_NE(line.find("path=/api/users/me/settings "), std::string::npos) << line;
  EXPECT_NE(line.find("status=200"), std::string::npos) << line;
  EXPECT_NE(line.find("bytes=" + std::to_string(res.body.size())), std::string::npos) << line;
  EXPECT_NE(line.find("duration_us="), std::string::npos) << line;
  EXPECT_NE(line.find("user_id=" + std::to_string(alice.user_id)), std::string::npos) << line;
}

TEST(Lifecycle, JsonLogLinesAreJson) {
  FocusdServer server({.extra_args = {"--log-format", "json"}});
  server.client().get("/api/version");
  server.stop();
  std::istringstream lines(server.log());
  std::string line;
  int requests = 0;
  while (std::getline(lines, line)) {
    auto value = boost::json::parse(line);  // throws on anything but JSON
    if (value.at("msg").as_string() == "request" && value.at("path").as_string() == "/api/version") {
      ++requests;
      EXPECT_EQ(value.at("status").as_string(), "200");
      EXPECT_EQ(value.at("method").as_string(), "GET");
    }
  }
  EXPECT_EQ(requests, 1);
}

TEST(Lifecycle, EnvironmentSetsDefaultsAndFlagsWin) {
  // FOCUSD_HEADER_TIMEOUT from the environment…
  FocusdServer server({.env = {{"FOCUSD_MAX_HEADER_BYTES", "2048"}}});
  EXPECT_EQ(server.client().get("/api/version", {{"X-Pad", std::string(3000, 'a')}}).status, 431);
  // …is overridden by the flag.
  FocusdServer flagged({.extra_args = {"--max-header-bytes", "8192"}, .env = {{"FOCUSD_MAX_HEADER_BYTES", "2048"}}});
  EXPECT_EQ(flagged.client().get("/api/version", {{"X-Pad", std::string(3000, 'a')}}).status, 200);
}

TEST(Lifecycle, ServePrintsHowToCreateTheFirstUser) {
  FocusdServer server;
  EXPECT_NE(server.log().find("focusd admin create-user"), std::string::npos);
}

}  // namespace
}  // namespace focusd::test
