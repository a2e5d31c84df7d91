// The least work of a durable project create, for bench/run. On a database
// with focusd's schema (made by its store: one user, one workspace) one thread
// writes what no server on this schema can skip for a create: the project's
// row (with its indexes) and the creator's membership, in one transaction with
// a synchronous=FULL commit (focusd's pragmas); every 256 rows the names go
// into the trigram index, as focusd's writer does. No hand-over between
// threads, no checks, no read-back.
//
//   sqlite-creates DATA_DIR MAX_SECONDS   creates in a loop, then prints one
//                                         JSON object
//   sqlite-creates DATA_DIR --http        an HTTP server doing the same for
//                                         each request, one connection at a
//                                         time (keep-alive): it reads the head
//                                         and body, takes name, color and
//                                         billable from the JSON, creates, and
//                                         answers 201 with the new project's
//                                         fields; no routing, authentication
//                                         or validation. Prints the port it
//                                         listens on, then serves until killed.
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "common/spin.h"
#include "common/time.h"
#include "config/config.h"
#include "http_head.h"
#include "store/make_store.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/sql_common.h"

namespace {

using focusd::sqlite::Connection;

struct Creator {
  std::int64_t workspace_id = 0;
  std::int64_t user_id = 0;
};

// focusd's schema and one user (with a workspace), made by focusd's own store.
std::optional<Creator> make_database(const focusd::Config& config) {
  auto store = focusd::make_store(config);
  if (!store) {
    std::fprintf(stderr, "sqlite-creates: %s\n", store.error().detail.c_str());
    return std::nullopt;
  }
  auto user = (*store)->create_user(
      focusd::NewUser{"bench@example.com", "Bench", "not-a-hash", std::nullopt, focusd::OrgRole::Owner});
  if (!user) {
    std::fprintf(stderr, "sqlite-creates: %s\n", user.error().detail.c_str());
    return std::nullopt;
  }
  return Creator{user->workspace_id, user->user_id};
}

// One durable create; returns the project's id.
std::int64_t create(Connection& db, const Creator& creator, const std::string& name, const std::string& color,
                    bool billable, const std::string& now) {
  db.prepare("BEGIN IMMEDIATE").run();
  db.prepare(
        "INSERT INTO projects (workspace_id, name, color, billable, creator_id, created_at, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)")
      .bind_all(creator.workspace_id, name, color, billable ? 1 : 0, creator.user_id, now)
      .run();
  const std::int64_t id = db.last_insert_id();
  db.prepare("INSERT INTO project_users (project_id, user_id, role, created_at) VALUES (?1, ?2, 'manager', ?3)")
      .bind_all(id, creator.user_id, now)
      .run();
  focusd::sqlite::index_new_names(db, 256);
  db.prepare("COMMIT").run();
  return id;
}

int measure(Connection& db, const Creator& creator, double max_seconds) {
  long creates = 0;
  double elapsed = 0;
  const auto start = std::chrono::steady_clock::now();
  while (elapsed < max_seconds) {
    create(db, creator, "Bench " + std::to_string(creates), "#0b83d9", true, focusd::now_rfc3339());
    ++creates;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  std::printf("{\"creates\": %ld, \"seconds\": %.6f, \"creates_per_s\": %.1f}\n", creates, elapsed,
              static_cast<double>(creates) / elapsed);
  return 0;
}

// Reads from `client` onto `in` until it holds `size` bytes; false at the
// connection's end. It polls the socket for 300 µs (as focusd's idle threads
// do, --idle-spin-us) before it waits in recv(): the next request of a lone
// client comes without a wake-up.
bool fill(int client, std::string& in, std::size_t size) {
  char buffer[16 << 10];
  while (in.size() < size) {
    ssize_t r = -1;
    focusd::spin_until(std::chrono::microseconds(300), [&] {
      r = ::recv(client, buffer, sizeof buffer, MSG_DONTWAIT);
      return r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
    });
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) r = ::recv(client, buffer, sizeof buffer, 0);
    if (r <= 0) return false;
    in.append(buffer, static_cast<std::size_t>(r));
  }
  return true;
}

// One request on `client`, whose unread bytes are in `in`; false when the
// connection ends or the request is not a create.
bool serve(int client, std::string& in, Connection& db, const Creator& creator) {
  std::size_t head_end = in.find("\r\n\r\n");
  while (head_end == std::string::npos) {
    if (!fill(client, in, in.size() + 1)) return false;
    head_end = in.find("\r\n\r\n");
  }
  const std::size_t body_start = head_end + 4;
  const std::size_t body_size = std::strtoull(header(in.substr(0, body_start), "content-length").c_str(), nullptr, 10);
  if (!fill(client, in, body_start + body_size)) return false;
  boost::system::error_code error;
  const auto body = boost::json::parse(std::string_view(in).substr(body_start, body_size), error);
  in.erase(0, body_start + body_size);
  const boost::json::object* fields = body.if_object();
  if (error || !fields || !fields->contains("name") || !fields->at("name").is_string()) return false;
  boost::json::object project;
  project["workspace_id"] = creator.workspace_id;
  project["name"] = fields->at("name");
  const bool has_color = fields->contains("color") && fields->at("color").is_string();
  project["color"] = has_color ? fields->at("color") : boost::json::value("#0b83d9");
  project["billable"] = fields->contains("billable") && fields->at("billable") == true;
  project["active"] = true;
  project["created_at"] = focusd::now_rfc3339();
  project["id"] =
      create(db, creator, std::string(project["name"].as_string()), std::string(project["color"].as_string()),
             project["billable"].as_bool(), std::string(project["created_at"].as_string()));
  const std::string json = boost::json::serialize(project);
  const std::string response =
      "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(json.size()) +
      "\r\n\r\n" + json;
  return ::send(client, response.data(), response.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(response.size());
}

int serve_http(Connection& db, const Creator& creator) {
  const int listener = listen_on_loopback("sqlite-creates");
  if (listener < 0) return 1;
  serve_one_at_a_time(listener, [&](int client) {
    std::string in;
    while (serve(client, in, db, creator)) {
    }
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: sqlite-creates DATA_DIR MAX_SECONDS | sqlite-creates DATA_DIR --http\n");
    return 2;
  }
  focusd::Config config;
  config.data_dir = argv[1];
  const std::string mode = argv[2];
  std::filesystem::remove_all(config.data_dir);
  const auto creator = make_database(config);
  if (!creator) return 1;
  try {
    auto db = Connection::open(
        config.database_path(),
        focusd::sqlite::OpenOptions{.synchronous = config.sqlite_synchronous, .mmap_bytes = config.sqlite_mmap_bytes});
    const int status = mode == "--http" ? serve_http(*db, *creator) : measure(*db, *creator, std::stod(mode));
    db.reset();
    std::filesystem::remove_all(config.data_dir);
    return status;
  } catch (const focusd::sqlite::SqliteError& e) {
    std::fprintf(stderr, "sqlite-creates: %s\n", e.what());
    return 1;
  }
}
