// The crash loop: focusd is killed (SIGKILL) at a random moment while
// several clients create projects, upload attachments, start and stop the
// timer and create time entries in bulk, then restarted and checked. Every
// acknowledged write must be there (attachments byte for byte, by SHA-256; a
// stopped time entry stopped); whatever is visible must be whole (a bulk
// create all or nothing); at most one entry runs; `admin fsck`
// must be consistent after its repair pass; the server must be up within a
// bound.
//
//   focusd_crashtest KILLS [SEED]     exit 0 when every round passed

#include <algorithm>
#include <atomic>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "attachments_support.h"

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
};

int failures = 0;
void check(bool ok, const std::string& what) {
  if (ok) return;
  ++failures;
  std::fprintf(stderr, "FAIL: %s\n", what.c_str());
}

// One client: creates projects and uploads files until the server goes away,
// recording each 201.
void client_loop(unsigned short port, const SeededUser& user, const std::string& workspace, std::int64_t project_id,
                 unsigned seed, Acknowledged& acked) {
  std::mt19937 rng(seed);
  const std::string attachments = workspace + "/projects/" + std::to_string(project_id) + "/attachments";
  for (int i = 0;; ++i) {
    try {
      HttpClient client(port);
      const int kind = static_cast<int>(rng() % 5);
      if (kind == 4) {
        // Three entries in one bulk create, all or none, marked by one description.
        const std::string marker = "bulk-" + std::to_string(seed) + "-" + std::to_string(i);
        const std::string entry = R"({"type":"activity","duration":60,"description":")" + marker + R"("})";
        Headers headers = user.basic();
        headers.emplace_back("Content-Type", "application/json");
        auto res = client.request("POST", workspace + "/time-entries/bulk", headers,
                                  "[" + entry + "," + entry + "," + entry + "]");
        if (res.status != 204) continue;
        std::lock_guard lock(acked.mutex);
        acked.bulk_entries.insert(marker);
      } else if (kind == 3) {
        // The timer: start, then maybe stop (whichever entry runs by then).
        Headers headers = user.basic();
        headers.emplace_back("Content-Type", "application/json");
        auto res = client.request("POST", workspace + "/tracking/start", headers, R"({"type":"activity"})");
        if (res.status != 200) continue;
        {
          std::lock_guard lock(acked.mutex);
          acked.started_entries.push_back(res.json().at("id").as_int64());
        }
        if (rng() % 2 == 0) continue;
        auto stopped = client.request("POST", workspace + "/tracking/stop", user.basic());
        if (stopped.status != 200) continue;
        std::lock_guard lock(acked.mutex);
        acked.stopped_entries.push_back(stopped.json().at("id").as_int64());
      } else if (kind == 0) {
        const std::string name = "p-" + std::to_string(seed) + "-" + std::to_string(i);
        Headers headers = user.basic();
        headers.emplace_back("Content-Type", "application/json");
        auto res = client.request("POST", workspace + "/projects", headers, R"({"name":")" + name + R"("})");
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
    } catch (const std::exception&) {
      return;  // the server is gone
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int kills = argc > 1 ? std::atoi(argv[1]) : 20;
  const unsigned seed = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : std::random_device{}();
  std::mt19937 rng(seed);
  std::printf("crashtest: %d kills, seed %u\n", kills, seed);

  FocusdServer server;
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
    std::vector<std::thread> clients;
    for (unsigned c = 0; c < 4; ++c) {
      clients.emplace_back(client_loop, server.port(), std::cref(user), workspace, project_id,
                           static_cast<unsigned>(rng()), std::ref(acked));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 400));
    server.kill9();
    for (auto& t : clients) t.join();

    // Whatever a crash left must be repairable: fsck --repair, then consistent.
    auto repaired = server.admin({"fsck", "--repair"});
    auto checked = server.admin({"fsck"});
    check(checked.exit_code == 0, "round " + std::to_string(round) + ": fsck after repair: " + checked.out);

    const auto started = Clock::now();
    server.start();
    const double start_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    slowest_start_ms = std::max(slowest_start_ms, start_ms);
    check(start_ms < 10000, "round " + std::to_string(round) + ": start took " + std::to_string(start_ms) + " ms");

    // Every acknowledged write of this round is there, attachments byte for byte.
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
  std::printf(
      "crashtest: %s; %zu acknowledged projects, %zu attachments, %zu timer entries (%zu stops) and %zu bulk creates "
      "checked; slowest start %.0f ms\n",
      failures == 0 ? "passed" : "FAILED", acked.projects.size(), acked.attachments.size(),
      acked.started_entries.size(), acked.stopped_entries.size(), acked.bulk_entries.size(), slowest_start_ms);
  return failures == 0 ? 0 : 1;
}
