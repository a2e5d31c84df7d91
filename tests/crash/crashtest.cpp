// The crash loop: focusd is killed (SIGKILL) at a random moment while
// several clients create projects, upload attachments, start and stop the
// timer and create time entries in bulk, then restarted and checked. Every
// acknowledged write must be there (attachments byte for byte, by SHA-256; a
// stopped time entry stopped); whatever is visible must be whole (a bulk
// create all or nothing); at most one entry runs; `admin fsck`
// must be consistent after its repair pass; the server must be up within a
// bound. No answer is a 5xx other than 503 (unavailable) or 507 (disk full).
//
// On PostgreSQL (--backend=postgres: the shared test cluster, each run on a
// database of its own) the same loop kills focusd. With --kill-postgres it
// kills PostgreSQL instead (SIGKILL to the postmaster and all its processes),
// on a cluster of its own with fsync on: focusd must stay up, answer 503
// quickly while the database is gone, come back by itself (/readyz) once it
// is restarted, and have lost no acknowledged write.
//
//
// With --blobs=s3 the attachments go to the S3 test gateway (tests/s3/ceph,
// each run under a prefix of its own), and the same checks hold there.
//
//   focusd_crashtest KILLS [SEED] [--backend=postgres] [--kill-postgres] [--blobs=s3]
//                                    exit 0 when every round passed, 77 when
//                                    PostgreSQL or S3 is asked for but not wanted

#include <algorithm>
#include <atomic>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string_view>
#include <thread>

#include "attachments_support.h"
#include "test_database.h"
#include "test_store.h"

using namespace focusd::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

struct Acknowledged {
  std::mutex mutex;
  std::vector<std::pair<std::int64_t, std::string>> projects;     // id, name
  std::vector<std::pair<std::int64_t, std::string>> attachments;  // id, sha256
  std::vector<std::int64_t> started_entries;
  std::vector<std::int64_t> stopped_entries;
  std::set<std::string> bulk_entries;  // the description shared by the 3 entries of one acknowledged bulk create
  double slowest_unavailable_ms = 0;   // the slowest 503
};

std::atomic<int> failures{0};
void check(bool ok, const std::string& what) {
  if (ok) return;
  ++failures;
  std::fprintf(stderr, "FAIL: %s\n", what.c_str());
}

// An answer's status: a 5xx other than 503 and 507 is a failure; a 503's time is kept.
void judge(const HttpResponse& res, Clock::time_point sent, const std::string& what, Acknowledged& acked) {
  if (res.status == 503) {
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
    std::lock_guard lock(acked.mutex);
    acked.slowest_unavailable_ms = std::max(acked.slowest_unavailable_ms, ms);
  }
  check(res.status < 500 || res.status == 503 || res.status == 507,
        what + " -> " + std::to_string(res.status) + " " + res.body);
}

// One client: creates projects and uploads files until the server goes away
// or `stop` is set, recording each 201. When the server stays (only the
// database is killed), a request it never answers is a failure.
void client_loop(unsigned short port, const SeededUser& user, const std::string& workspace, std::int64_t project_id,
                 unsigned seed, bool server_stays, Acknowledged& acked, const std::atomic<bool>& stop) {
  std::mt19937 rng(seed);
  const std::string attachments = workspace + "/projects/" + std::to_string(project_id) + "/attachments";
  for (int i = 0; !stop; ++i) {
    try {
      HttpClient client(port);
      const auto sent = Clock::now();
      const int kind = static_cast<int>(rng() % 5);
      if (kind == 4) {
        // Three entries in one bulk create, all or none, marked by one description.
        const std::string marker = "bulk-" + std::to_string(seed) + "-" + std::to_string(i);
        const std::string entry = R"({"type":"activity","duration":60,"description":")" + marker + R"("})";
        Headers headers = user.basic();
        headers.emplace_back("Content-Type", "application/json");
        auto res = client.request("POST", workspace + "/time-entries/bulk", headers,
                                  "[" + entry + "," + entry + "," + entry + "]");
        judge(res, sent, "bulk time entries", acked);
        if (res.status != 204) continue;
        std::lock_guard lock(acked.mutex);
        acked.bulk_entries.insert(marker);
      } else if (kind == 3) {
        // The timer: start, then maybe stop (whichever entry runs by then).
        Headers headers = user.basic();
        headers.emplace_back("Content-Type", "application/json");
        auto res = client.request("POST", workspace + "/tracking/start", headers, R"({"type":"activity"})");
        judge(res, sent, "tracking/start", acked);
        if (res.status != 200) continue;
        {
          std::lock_guard lock(acked.mutex);
          acked.started_entries.push_back(res.json().at("id").as_int64());
        }
        if (rng() % 2 == 0) continue;
        auto stopped = client.request("POST", workspace + "/tracking/stop", user.basic());
        judge(stopped, sent, "tracking/stop", acked);
        if (stopped.status != 200) continue;
        std::lock_guard lock(acked.mutex);
        acked.stopped_entries.push_back(stopped.json().at("id").as_int64());
      } else if (kind == 0) {
        const std::string name = "p-" + std::to_string(seed) + "-" + std::to_string(i);
        Headers headers = user.basic();
        headers.emplace_back("Content-Type", "application/json");
        auto res = client.request("POST", workspace + "/projects", headers, R"({"name":")" + name + R"("})");
        judge(res, sent, "create project", acked);
        if (res.status != 201) continue;
        std::lock_guard lock(acked.mutex);
        acked.projects.emplace_back(res.json().at("id").as_int64(), name);
      } else {
        const bool bulk = kind == 2;
        std::vector<Part> parts;
        std::vector<std::string> shas;
        for (int f = 0; f < (bulk ? 3 : 1); ++f) {
          const std::string data = binary_bytes(1000 + rng() % 300000, static_cast<unsigned>(rng()));
          shas.push_back(sha256_hex(data));
          parts.push_back(file_part(bulk ? "files" : "file", "f.bin", data));
          parts.push_back(field(bulk ? "display_orders" : "display_order", std::to_string(f)));
        }
        auto res = upload(client, user, attachments + (bulk ? "/bulk" : ""), parts);
        judge(res, sent, "upload", acked);
        if (res.status != 201) continue;
        const auto body = res.json();
        std::lock_guard lock(acked.mutex);
        if (bulk) {
          for (std::size_t k = 0; k < shas.size(); ++k) {
            acked.attachments.emplace_back(body.at(k).at("id").as_int64(), shas[k]);
          }
        } else {
          acked.attachments.emplace_back(body.at("id").as_int64(), shas[0]);
        }
      }
    } catch (const std::exception& e) {
      check(!server_stays, std::string("a request got no answer: ") + e.what());
      return;  // the server is gone
    }
  }
}

// A PostgreSQL cluster of the crash test's own (tests/pg/cluster), fsync on:
// the one it kills.
class OwnCluster {
 public:
  OwnCluster() { run("start"); }
  ~OwnCluster() { run("stop"); }
  OwnCluster(const OwnCluster&) = delete;
  OwnCluster& operator=(const OwnCluster&) = delete;
  const std::filesystem::path& dir() const { return dir_; }
  void kill() { run("kill"); }
  void restart() { run("restart"); }

 private:
  void run(const char* command) {
    auto result = run_process({FOCUSD_PG_CLUSTER_SCRIPT, command, dir_.string()}, {{"FOCUSD_TEST_PG_FSYNC", "1"}});
    if (result.exit_code != 0) {
      throw std::runtime_error(std::string("tests/pg/cluster ") + command + ": " + result.err);
    }
  }
  TempDir parent_;
  std::filesystem::path dir_ = parent_.path() / "cluster";
};

// What the test is doing, for the watchdog: a step that takes longer than
// kStuck is reported (with the server's log and, on PostgreSQL, its sessions)
// and fails the test, well before ctest's limit would kill it silently.
constexpr auto kStuck = 90s;
std::mutex step_mutex;
std::string step_name = "starting";
Clock::time_point step_since = Clock::now();

void step(const std::string& name) {
  std::lock_guard lock(step_mutex);
  step_name = name;
  step_since = Clock::now();
}

void watch(const FocusdServer& server, const std::atomic<bool>& done) {
  while (!done) {
    std::this_thread::sleep_for(1s);
    std::lock_guard lock(step_mutex);
    if (Clock::now() - step_since < kStuck) continue;
    std::fprintf(stderr, "FAIL: stuck for %lld s at: %s\n",
                 static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(kStuck).count()),
                 step_name.c_str());
    const std::string log = server.log();
    std::fprintf(stderr, "--- the server's log, its end:\n%s\n",
                 log.substr(log.size() - std::min<std::size_t>(log.size(), 6000)).c_str());
    if (!server.database().empty()) {
      const std::string query =
          "SELECT pid, state, wait_event_type, wait_event, now() - xact_start AS in_xact, left(query, 120) AS query"
          " FROM pg_stat_activity WHERE datname = current_database()";
      auto sessions = run_process({"psql", server.database(), "-X", "-c", query});
      std::fprintf(stderr, "--- its database's sessions:\n%s%s\n", sessions.out.c_str(), sessions.err.c_str());
    }
    std::fflush(stderr);
    std::_Exit(1);
  }
}

// Waits up to `bound` for /readyz to answer `status`; whether it did.
bool ready_within(const FocusdServer& server, int status, std::chrono::milliseconds bound) {
  const auto deadline = Clock::now() + bound;
  for (;;) {
    try {
      if (server.client().get("/readyz").status == status) return true;
    } catch (const std::exception&) {
      // not answering (yet)
    }
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> numbers;
  bool on_postgres = false;
  bool kill_postgres = false;
  bool on_s3 = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--backend=postgres") {
      on_postgres = true;
    } else if (arg == "--blobs=s3") {
      on_s3 = true;
    } else if (arg == "--kill-postgres") {
      on_postgres = kill_postgres = true;
    } else {
      numbers.push_back(std::atoi(argv[i]));
    }
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each round's line shows even if the test is killed at its limit
  const int kills = !numbers.empty() ? numbers[0] : 20;
  const unsigned seed = numbers.size() > 1 ? static_cast<unsigned>(numbers[1]) : std::random_device{}();
  if (on_postgres && !focusd::pgtest::postgres_wanted()) {
    std::printf("crashtest: skipped without PostgreSQL (FOCUSD_TEST_PG=1 or ./scripts/test --pg)\n");
    return 77;
  }
  if (on_s3 && !focusd::s3test::s3_wanted()) {
    std::printf("crashtest: skipped without S3 (FOCUSD_TEST_S3=1 or ./scripts/test --s3)\n");
    return 77;
  }
  if (on_s3) ::setenv("FOCUSD_TEST_BLOBS", "s3", 1);  // FocusdServer's blobs: support.h
  std::mt19937 rng(seed);
  std::printf("crashtest: %d kills of %s%s, seed %u\n", kills,
              kill_postgres ? "PostgreSQL" : (on_postgres ? "focusd on PostgreSQL" : "focusd"),
              on_s3 ? " (attachments in S3)" : "", seed);

  // FocusdServer runs on a database of its own in the cluster these name (support.h).
  std::optional<OwnCluster> cluster;
  if (on_postgres) ::setenv("FOCUSD_TEST_BACKEND", "postgres", 1);
  if (kill_postgres) {
    cluster.emplace();
    ::setenv("FOCUSD_TEST_PG_CLUSTER", cluster->dir().c_str(), 1);
  }
  FocusdServer server;
  std::atomic<bool> done{false};
  std::thread watchdog(watch, std::cref(server), std::cref(done));
  const SeededUser user = server.seed_user();
  const std::string workspace =
      "/api/organizations/" + std::to_string(user.organization_id) + "/workspaces/" + std::to_string(user.workspace_id);
  std::int64_t project_id = 0;
  {
    HttpClient client = server.client();
    Headers headers = user.basic();
    headers.emplace_back("Content-Type", "application/json");
    project_id =
        client.request("POST", workspace + "/projects", headers, R"({"name":"Crash"})").json().at("id").as_int64();
  }
  Acknowledged acked;
  std::size_t verified_projects = 0, verified_attachments = 0;
  double slowest_start_ms = 0;
  std::set<std::int64_t> seen_whole;

  for (int round = 1; round <= kills && failures == 0; ++round) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (unsigned c = 0; c < 4; ++c) {
      clients.emplace_back(client_loop, server.port(), std::cref(user), workspace, project_id,
                           static_cast<unsigned>(rng()), kill_postgres, std::ref(acked), std::cref(stop));
    }
    const std::string in_round = "round " + std::to_string(round) + ": ";
    step(in_round + "the load");
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 400));
    double start_ms = 0;
    if (kill_postgres) {
      step(in_round + "killing PostgreSQL");
      cluster->kill();
      step(in_round + "the load without PostgreSQL");
      std::this_thread::sleep_for(300ms);  // the clients go on meanwhile: 503s, quickly
      check(ready_within(server, 503, 5000ms), in_round + "/readyz is not 503 without the database");
      stop = true;
      step(in_round + "the clients' last requests");
      for (auto& t : clients) t.join();
      check(server.client().get("/healthz").status == 200, in_round + "focusd is down after the database died");
      step(in_round + "restarting PostgreSQL");
      const auto restarted = Clock::now();
      cluster->restart();
      check(ready_within(server, 200, 15000ms), in_round + "focusd did not come back with the database");
      start_ms = std::chrono::duration<double, std::milli>(Clock::now() - restarted).count();
      step(in_round + "fsck");
      auto repaired = server.admin({"fsck", "--repair"});
      auto checked = server.admin({"fsck"});
      check(checked.exit_code == 0, in_round + "fsck after repair: " + checked.out);
    } else {
      step(in_round + "killing focusd");
      server.kill9();
      stop = true;
      for (auto& t : clients) t.join();

      // Whatever a crash left must be repairable: fsck --repair, then consistent.
      step(in_round + "fsck");
      auto repaired = server.admin({"fsck", "--repair"});
      auto checked = server.admin({"fsck"});
      check(checked.exit_code == 0, in_round + "fsck after repair: " + checked.out);

      step(in_round + "starting focusd");
      const auto started = Clock::now();
      server.start();
      start_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
      check(start_ms < 10000, in_round + "start took " + std::to_string(start_ms) + " ms");
    }
    slowest_start_ms = std::max(slowest_start_ms, start_ms);

    // Every acknowledged write of this round is there, attachments byte for byte.
    step(in_round + "checking what was acknowledged");
    HttpClient client = server.client();
    for (; verified_projects < acked.projects.size(); ++verified_projects) {
      const auto& [id, name] = acked.projects[verified_projects];
      auto res = client.get(workspace + "/projects/" + std::to_string(id), user.basic());
      check(res.status == 200 && res.json().at("name").as_string() == name,
            "acknowledged project " + std::to_string(id) + " -> " + std::to_string(res.status));
    }
    for (; verified_attachments < acked.attachments.size(); ++verified_attachments) {
      const auto& [id, sha] = acked.attachments[verified_attachments];
      auto res = client.get(
          workspace + "/projects/" + std::to_string(project_id) + "/attachments/" + std::to_string(id) + "/view",
          user.basic());
      check(res.status == 200 && sha256_hex(res.body) == sha,
            "acknowledged attachment " + std::to_string(id) + " -> " + std::to_string(res.status));
    }
    // Every acknowledged start is there, every acknowledged stop stopped, and
    // at most one entry runs.
    for (auto id : acked.started_entries) {
      auto res = client.get(workspace + "/time-entries/" + std::to_string(id), user.basic());
      check(res.status == 200, "acknowledged time entry " + std::to_string(id) + " -> " + std::to_string(res.status));
    }
    for (auto id : acked.stopped_entries) {
      auto res = client.get(workspace + "/time-entries/" + std::to_string(id), user.basic());
      check(res.status == 200 && res.json().at("duration").as_int64() >= 0,
            "acknowledged stop of time entry " + std::to_string(id) + " -> " + res.body);
    }
    auto entries = client.get(
        workspace + "/time-entries/stream?date_from=2000-01-01T00:00:00Z&date_to=2100-01-01T00:00:00Z", user.basic());
    check(entries.status == 200, "time-entries/stream -> " + std::to_string(entries.status));
    if (entries.status == 200) {
      const auto all = entries.json().as_array();
      const auto running =
          std::count_if(all.begin(), all.end(), [](const auto& e) { return e.at("duration").as_int64() < 0; });
      check(running <= 1, "round " + std::to_string(round) + ": " + std::to_string(running) + " entries run");
      // Each bulk create is there whole or not at all, and whole when acknowledged.
      std::map<std::string, int> per_bulk;
      for (const auto& e : all) {
        const auto* description = e.as_object().if_contains("description");
        if (description && description->as_string().starts_with("bulk-"))
          ++per_bulk[std::string(description->as_string())];
      }
      for (const auto& [marker, count] : per_bulk) check(count == 3, marker + ": " + std::to_string(count) + " of 3");
      for (const auto& marker : acked.bulk_entries) {
        check(per_bulk.count(marker) == 1, "acknowledged bulk create " + marker + " is missing");
      }
    }
    // Whatever is visible is whole (acknowledged or not: a commit whose 201
    // was lost is fine). Each attachment is read once.
    auto list = client.get(workspace + "/projects/" + std::to_string(project_id) + "/attachments", user.basic());
    const auto items = list.json().as_array();
    for (const auto& a : items) {
      if (!seen_whole.insert(a.at("id").as_int64()).second) continue;
      const std::string base = workspace + "/projects/" + std::to_string(project_id) + "/attachments/" +
                               std::to_string(a.at("id").as_int64()) + "/view";
      auto res = client.get(base, user.basic());
      check(res.status == 200 && static_cast<std::int64_t>(res.body.size()) == a.at("size").as_int64() &&
                "\"" + sha256_hex(res.body) + "\"" == res.header("etag"),
            "visible attachment " + std::to_string(a.at("id").as_int64()) + " is not whole");
    }
    std::printf(
        "round %d: %zu projects, %zu attachments, %zu timer entries, %zu bulk creates acknowledged so far, %zu "
        "visible, "
        "start %.0f ms\n",
        round, acked.projects.size(), acked.attachments.size(), acked.started_entries.size(), acked.bulk_entries.size(),
        items.size(), start_ms);
  }
  done = true;
  watchdog.join();
  std::printf(
      "crashtest: %s; %zu acknowledged projects, %zu attachments, %zu timer entries (%zu stops) and %zu bulk creates "
      "checked; slowest %s %.0f ms; slowest 503 %.0f ms\n",
      failures == 0 ? "passed" : "FAILED", acked.projects.size(), acked.attachments.size(),
      acked.started_entries.size(), acked.stopped_entries.size(), acked.bulk_entries.size(),
      kill_postgres ? "recovery" : "start", slowest_start_ms, acked.slowest_unavailable_ms);
  return failures == 0 ? 0 : 1;
}
