// Failover: a 3-node cluster from scripts/cluster (PostgreSQL, Ceph RGW, three
// focusd nodes, haproxy), a mixed load through haproxy (project creates and
// updates, uploads and views), one node killed with SIGKILL mid-load and the
// load kept going. Errors must stop within a few seconds of the kill, and
// afterwards every acknowledged write must be there, read through a node that
// lived: projects with their last acknowledged name, attachments byte for byte.
//
// Runs when FOCUSD_TEST_CLUSTER=1 (./scripts/test --cluster), in the plain
// pass only (the cluster brings its own database and store); otherwise skips.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "attachments_support.h"

namespace focusd::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

bool cluster_wanted() {
  const char* wanted = std::getenv("FOCUSD_TEST_CLUSTER");  // NOLINT(concurrency-mt-unsafe): read before threads
  return wanted && std::string(wanted) == "1" && !on_postgres() && !on_s3();
}

// scripts/cluster up on a free port under a temp dir; down when destroyed.
class Cluster {
 public:
  Cluster() : port_(free_port()) {
    auto started = script({"up", "--nodes", "3", "--port", std::to_string(port_), "--dir", dir()});
    if (started.exit_code != 0) throw std::runtime_error("scripts/cluster up failed:\n" + started.err);
    info_ = boost::json::parse(read_file(dir_.path() / "cluster" / "cluster.json"));
  }
  ~Cluster() { script({"down", "--dir", dir()}); }
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  ProcessResult admin(std::vector<std::string> args) const {
    args.insert(args.begin(), {"admin", "--dir", dir()});
    return script(args);
  }
  unsigned short port() const { return port_; }
  int node_pid(std::size_t i) const { return static_cast<int>(info_.at("nodes").at(i).at("pid").as_int64()); }
  unsigned short node_port(std::size_t i) const {
    return static_cast<unsigned short>(info_.at("nodes").at(i).at("port").as_int64());
  }

 private:
  std::string dir() const { return (dir_.path() / "cluster").string(); }
  ProcessResult script(std::vector<std::string> args) const {
    args.insert(args.begin(), FOCUSD_CLUSTER_SCRIPT);
    return run_process(args, {{"FOCUSD_BINARY", FOCUSD_BINARY}});
  }

  TempDir dir_;
  unsigned short port_;
  boost::json::value info_;
};

// What the load saw: acknowledged writes, and when each request failed.
struct Ledger {
  std::mutex mutex;
  std::map<std::int64_t, std::string> project_names;  // id -> last acknowledged name
  std::set<std::int64_t> uncertain_names;             // an update failed: either name may stand
  std::map<std::int64_t, std::string> attachments;    // id -> bytes
  std::vector<Clock::time_point> failures;
  std::size_t acknowledged = 0;
  std::size_t acknowledged_after_kill = 0;
};

class ClusterFailover : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cluster_wanted()) GTEST_SKIP() << "FOCUSD_TEST_CLUSTER=1 (./scripts/test --cluster)";
    cluster_.emplace();
    ASSERT_EQ(cluster_->admin({"create-user", "--email", "load@example.com", "--password", "load-pass-1234"}).exit_code,
              0);
    auto key = cluster_->admin({"create-api-key", "--email", "load@example.com"});
    ASSERT_EQ(key.exit_code, 0) << key.err;
    headers_ = {{"Authorization", "Bearer " + std::string(boost::json::parse(key.out).at("api_key").as_string())}};
  }

  static std::string projects() { return "/api/organizations/1/workspaces/1/projects"; }
  Headers json_headers() const {
    Headers h = headers_;
    h.emplace_back("Content-Type", "application/json");
    return h;
  }

  // One request through a client that reconnects after a failure; nullopt when
  // the request failed (no answer, or not 2xx), which is recorded.
  std::optional<HttpResponse> attempt(std::optional<HttpClient>& client, const std::string& method,
                                      const std::string& target, const Headers& headers, const std::string& body,
                                      Ledger& ledger) {
    try {
      if (!client) client.emplace(cluster_->port());
      auto res = client->request(method, target, headers, body);
      if (res.status >= 200 && res.status < 300) return res;
    } catch (const std::exception&) {
    }
    client.reset();
    std::lock_guard lock(ledger.mutex);
    ledger.failures.push_back(Clock::now());
    return std::nullopt;
  }

  // Creates projects and renames them, over and over, until `stop`.
  void project_load(int worker, std::atomic<bool>& stop, std::atomic<bool>& killed, Ledger& ledger) {
    std::optional<HttpClient> client;
    std::vector<std::int64_t> mine;
    for (int i = 0; !stop; ++i) {
      if (i % 3 == 0 || mine.empty()) {
        const std::string name = "w" + std::to_string(worker) + "-p" + std::to_string(i);
        auto res = attempt(client, "POST", projects(), json_headers(), R"({"name":")" + name + R"("})", ledger);
        if (!res) continue;
        const std::int64_t id = res->json().at("id").as_int64();
        mine.push_back(id);
        std::lock_guard lock(ledger.mutex);
        ledger.project_names[id] = name;
        ++ledger.acknowledged;
        ledger.acknowledged_after_kill += killed ? 1 : 0;
      } else {
        const std::int64_t id = mine[static_cast<std::size_t>(i) % mine.size()];
        const std::string name = "w" + std::to_string(worker) + "-u" + std::to_string(i);
        auto res = attempt(client, "PATCH", projects() + "/" + std::to_string(id), json_headers(),
                           R"({"name":")" + name + R"("})", ledger);
        std::lock_guard lock(ledger.mutex);
        if (!res) {
          ledger.uncertain_names.insert(id);
          continue;
        }
        ledger.project_names[id] = name;
        ++ledger.acknowledged;
        ledger.acknowledged_after_kill += killed ? 1 : 0;
      }
    }
  }

  // Uploads files of 16 KiB to 2 MiB to one project and views them back.
  void attachment_load(std::int64_t project_id, std::atomic<bool>& stop, std::atomic<bool>& killed, Ledger& ledger) {
    std::optional<HttpClient> client;
    std::mt19937 random(7);
    const std::string target = projects() + "/" + std::to_string(project_id) + "/attachments";
    std::vector<std::pair<std::int64_t, std::string>> mine;
    for (unsigned i = 0; !stop; ++i) {
      if (i % 2 == 0 || mine.empty()) {
        const std::size_t size = (std::size_t{16} << 10) << (random() % 8);
        std::string bytes = binary_bytes(size, i + 1);
        Headers h = headers_;
        h.emplace_back("Content-Type", "multipart/form-data; boundary=" + kBoundary);
        auto res = attempt(
            client, "POST", target, h,
            multipart_body({file_part("file", "f" + std::to_string(i) + ".bin", bytes), field("display_order", "1")}),
            ledger);
        if (!res) continue;
        const std::int64_t id = res->json().at("id").as_int64();
        mine.emplace_back(id, bytes);
        std::lock_guard lock(ledger.mutex);
        ledger.attachments[id] = std::move(bytes);
        ++ledger.acknowledged;
        ledger.acknowledged_after_kill += killed ? 1 : 0;
      } else {
        const auto& [id, bytes] = mine[i % mine.size()];
        auto res = attempt(client, "GET", target + "/" + std::to_string(id) + "/view", headers_, "", ledger);
        if (res && res->body != bytes) {
          std::lock_guard lock(ledger.mutex);
          ledger.failures.push_back(Clock::now());  // a wrong answer is a failure too
        }
      }
    }
  }

  std::optional<Cluster> cluster_;
  Headers headers_;
};

TEST_F(ClusterFailover, AKilledNodeLosesNoAcknowledgedWriteAndErrorsStopWithinSeconds) {
  // The nodes' metrics are theirs to give loopback clients; through haproxy,
  // where every client is one, there are none.
  EXPECT_EQ(HttpClient(cluster_->port()).get("/metrics").status, 404);
  EXPECT_EQ(HttpClient(cluster_->node_port(0)).get("/metrics").status, 200);

  std::optional<HttpClient> setup;
  Ledger scratch;
  auto made = attempt(setup, "POST", projects(), json_headers(), R"({"name":"Files"})", scratch);
  ASSERT_TRUE(made);
  const std::int64_t files_project = made->json().at("id").as_int64();

  Ledger ledger;
  std::atomic<bool> stop = false;
  std::atomic<bool> killed = false;
  std::vector<std::thread> workers;
  for (int w = 0; w < 3; ++w) workers.emplace_back([&, w] { project_load(w, stop, killed, ledger); });
  for (int w = 0; w < 2; ++w) {
    workers.emplace_back([&] { attachment_load(files_project, stop, killed, ledger); });
  }
  std::this_thread::sleep_for(3s);
  const auto kill_at = Clock::now();
  ASSERT_EQ(::kill(cluster_->node_pid(0), SIGKILL), 0);
  killed = true;
  std::this_thread::sleep_for(10s);
  stop = true;
  for (auto& worker : workers) worker.join();

  // Errors: only around the kill, none in the last 5 s of load.
  std::size_t failures_after_kill = 0;
  Clock::duration last_failure{};
  for (const auto& when : ledger.failures) {
    if (when < kill_at) continue;
    ++failures_after_kill;
    last_failure = std::max(last_failure, when - kill_at);
  }
  const auto seconds = std::chrono::duration<double>(last_failure).count();
  std::printf(
      "failover: %zu writes acknowledged (%zu after the kill); %zu failures in all, %zu after the kill, "
      "the last %.2f s after it\n",
      ledger.acknowledged, ledger.acknowledged_after_kill, ledger.failures.size(), failures_after_kill, seconds);
  EXPECT_EQ(ledger.failures.size(), failures_after_kill) << "failures before the kill";
  EXPECT_LT(seconds, 5.0);
  EXPECT_GT(ledger.acknowledged_after_kill, 50u);

  // Every acknowledged write, read through a node that lived.
  HttpClient survivor(cluster_->node_port(1));
  for (const auto& [id, name] : ledger.project_names) {
    auto res = survivor.request("GET", projects() + "/" + std::to_string(id), headers_);
    ASSERT_EQ(res.status, 200) << "project " << id << ": " << res.body;
    if (!ledger.uncertain_names.contains(id)) {
      EXPECT_EQ(res.json().at("name").as_string(), name) << id;
    }
  }
  const std::string files = projects() + "/" + std::to_string(files_project) + "/attachments/";
  for (const auto& [id, bytes] : ledger.attachments) {
    auto res = survivor.request("GET", files + std::to_string(id) + "/view", headers_);
    ASSERT_EQ(res.status, 200) << "attachment " << id;
    EXPECT_TRUE(res.body == bytes) << "attachment " << id << " differs";
  }
  auto fsck = cluster_->admin({"fsck"});
  EXPECT_EQ(boost::json::parse(fsck.out).at("missing_blobs").as_array().size(), 0u) << fsck.out;
}

// Two nodes store and delete the same bytes at once, again and again: the
// attachment lifecycle across nodes, which no process's mutex can order. The
// bucket is shared, so no node removes a blob when its attachment goes (the
// sweep does, past its grace period): every attachment left is readable on
// every node with its bytes, and fsck finds nothing missing, then or after
// a repair.
TEST_F(ClusterFailover, TheSameBytesStoredAndDeletedOnTwoNodesAtOnceLoseNothing) {
  std::optional<HttpClient> setup;
  Ledger scratch;
  auto made = attempt(setup, "POST", projects(), json_headers(), R"({"name":"Same bytes"})", scratch);
  ASSERT_TRUE(made);
  const std::string target = projects() + "/" + std::to_string(made->json().at("id").as_int64()) + "/attachments";
  const std::string bytes = binary_bytes(200000, 11);
  Headers upload_headers = headers_;
  upload_headers.emplace_back("Content-Type", "multipart/form-data; boundary=" + kBoundary);
  const std::string body = multipart_body({file_part("file", "same.bin", bytes), field("display_order", "1")});

  std::mutex mutex;
  std::vector<std::string> problems;
  std::vector<std::thread> workers;
  for (std::size_t node = 0; node < 2; ++node) {
    for (int w = 0; w < 2; ++w) {
      workers.emplace_back([&, node, w] {
        HttpClient client(cluster_->node_port(node));
        for (int i = 0; i < 25; ++i) {
          auto stored = client.request("POST", target, upload_headers, body);
          if (stored.status != 201) {
            std::lock_guard lock(mutex);
            problems.push_back("upload -> " + std::to_string(stored.status) + " " + stored.body);
            continue;
          }
          if ((i + w) % 2 == 0) continue;  // half of them stay
          const std::string one = target + "/" + std::to_string(stored.json().at("id").as_int64());
          auto removed = client.request("DELETE", one, headers_);
          if (removed.status / 100 != 2) {
            std::lock_guard lock(mutex);
            problems.push_back("delete -> " + std::to_string(removed.status) + " " + removed.body);
          }
        }
      });
    }
  }
  for (auto& worker : workers) worker.join();
  EXPECT_TRUE(problems.empty()) << problems.size() << " requests failed, the first: " << problems.front();

  auto left = HttpClient(cluster_->node_port(2)).get(target, headers_);
  ASSERT_EQ(left.status, 200) << left.body;
  const auto listing = left.json();
  const auto& items = listing.as_array();
  EXPECT_EQ(items.size(), 50u);
  for (std::size_t node = 0; node < 3; ++node) {
    HttpClient client(cluster_->node_port(node));
    for (const auto& item : items) {
      auto view = client.get(target + "/" + std::to_string(item.at("id").as_int64()) + "/view", headers_);
      EXPECT_EQ(view.status, 200) << "node " << node + 1;
      EXPECT_TRUE(view.body == bytes) << "node " << node + 1 << ", attachment " << item.at("id").as_int64();
    }
  }
  for (const char* repair : {"", "--repair"}) {
    std::vector<std::string> args = {"fsck"};
    if (*repair) args.emplace_back(repair);
    auto checked = cluster_->admin(args);
    EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
    EXPECT_EQ(boost::json::parse(checked.out).at("missing_blobs").as_array().size(), 0u) << checked.out;
  }
  EXPECT_EQ(HttpClient(cluster_->port())
                .get(target + "/" + std::to_string(items.at(0).at("id").as_int64()) + "/view", headers_)
                .body,
            bytes);
}

}  // namespace
}  // namespace focusd::test
