// The least SQL that can answer bench/run's list page, for bench/run: on
// focusd's database file, page PAGE of 50 of workspace 1's live, active
// projects whose names hold NAME (ASCII letters folded), by name and then id,
// with the total. It does only what no server on this schema can skip: the
// trigram index's candidates (and the projects above its watermark), each
// candidate's row read for its workspace, state and name, the total counted
// and the page sorted, then the page's rows read with what a project in the
// response holds besides its own columns (client name, pin, role, task
// estimates, tracked time, tags), in one read transaction. No visibility
// rules (the viewer owns the workspace). Each thread has its own connection
// (focusd's pragmas, mmap and one plan per statement: sqlite::Connection).
//
//   sqlite-lists DB_PATH THREADS MAX_SECONDS NAME PAGE
//       lists from THREADS threads until MAX_SECONDS have passed, without
//       JSON or HTTP; prints one JSON object.
//   sqlite-lists DB_PATH THREADS --http
//       the least work of the same page over HTTP: THREADS threads, each an
//       epoll loop with its own listening socket on one port (SO_REUSEPORT)
//       and its own connection, answer every request (keep-alive) with page
//       `page` of 50 of the projects whose names hold `name`, both read from
//       its query string, in the JSON focusd writes for it, rendered straight
//       from the rows. No routing, authentication, access rules or errors
//       beyond closing the connection. Prints the port it listens on, then
//       serves until killed.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "list_rate.h"
#include "store/sqlite/connection.h"

namespace {

using focusd::sqlite::Connection;
using focusd::sqlite::Statement;

// Trigrams covering the name end to end without overlap, and the last one,
// joined by AND: what focusd asks the index (names here are plain ASCII).
std::string trigrams(const std::string& name) {
  std::string query;
  const std::size_t last = name.size() - 3;
  for (std::size_t i = 0;; i = std::min(i + 3, last)) {
    if (!query.empty()) query += " AND ";
    query += '"' + name.substr(i, 3) + '"';
    if (i == last) break;
  }
  return query;
}

bool plain_name(const std::string& name) {
  return name.size() >= 3 && name.find_first_of("%_\\\"") == std::string::npos;
}

constexpr const char* kPage =
    "WITH m AS MATERIALIZED (SELECT p.id AS id, p.name COLLATE NOCASE AS k0 FROM (SELECT rowid AS id"
    " FROM projects_name_index WHERE projects_name_index MATCH ?1 UNION ALL SELECT id FROM projects"
    " WHERE id > (SELECT up_to FROM projects_name_indexed)) f CROSS JOIN projects p ON p.id = f.id"
    " WHERE p.workspace_id = 1 AND p.deleted_at IS NULL AND p.active = 1 AND p.name LIKE ?2)"
    " SELECT id, (SELECT COUNT(*) FROM m) FROM m ORDER BY k0, id LIMIT 50 OFFSET ?3";
// The page's rows, their columns in the order of the JSON (Row below).
constexpr const char* kRows =
    "SELECT p.id, p.workspace_id, p.name, p.active, p.archived_at, p.auto_compute_estimates, p.billable,"
    " p.client_id, c.name, p.color, p.created_at, p.deleted_at, p.description, p.end_date, p.estimated_mins,"
    " p.fixed_fee_amount, p.fixed_fee_currency, p.parent_project_id,"
    " EXISTS (SELECT 1 FROM project_pins WHERE project_id = p.id AND user_id = 1), p.private, p.start_date,"
    " (SELECT COALESCE(SUM(estimated_mins), 0) FROM tasks WHERE project_id = p.id AND deleted_at IS NULL),"
    " (SELECT COALESCE(SUM(seconds), 0) FROM time_entries WHERE project_id = p.id AND deleted_at IS NULL),"
    " p.creator_id, p.updated_at, (SELECT role FROM project_users WHERE project_id = p.id AND user_id = 1)"
    " FROM projects p LEFT JOIN clients c ON c.id = p.client_id WHERE p.id IN (SELECT value FROM json_each(?1))"
    " ORDER BY p.name COLLATE NOCASE, p.id";
enum Row {
  kId,
  kWorkspaceId,
  kName,
  kActive,
  kArchivedAt,
  kAutoComputeEstimates,
  kBillable,
  kClientId,
  kClientName,
  kColor,
  kCreatedAt,
  kDeletedAt,
  kDescription,
  kEndDate,
  kEstimatedMins,
  kFixedFeeAmount,
  kFixedFeeCurrency,
  kParentProjectId,
  kPinned,
  kPrivate,
  kStartDate,
  kTaskEstimatedMins,
  kTrackedSeconds,
  kCreatorId,
  kUpdatedAt,
};
constexpr const char* kTags =
    "SELECT pt.project_id, t.id, t.name, t.color FROM project_tags pt JOIN tags t ON t.id = pt.tag_id"
    " WHERE pt.project_id IN (SELECT value FROM json_each(?1)) AND t.deleted_at IS NULL ORDER BY t.id";

// What the owner of a workspace may do with any of its projects.
constexpr std::string_view kOwnerPermissions =
    R"(["view","update","delete","archive","restore","pin","manage_members","attach_files","manage_attachments"])";

// JSON text appended to a string, as focusd's api::JsonWriter writes it.
struct Json {
  std::string& out;

  void number(std::int64_t n) {
    std::array<char, 24> digits{};
    out.append(digits.data(), std::to_chars(digits.data(), digits.data() + digits.size(), n).ptr);
  }
  void string(std::string_view s) {
    if (std::any_of(s.begin(), s.end(), [](char c) { return c == '"' || c == '\\' || (c >= 0 && c < 0x20); })) {
      out += boost::json::serialize(boost::json::string_view(s.data(), s.size()));
      return;
    }
    out += '"';
    out += s;
    out += '"';
  }
  void boolean(bool b) { out += b ? "true" : "false"; }
  void text_or_null(const Statement& row, int column) {
    if (row.is_null(column)) {
      out += "null";
    } else {
      string(row.text_view(column));
    }
  }
  void number_or_null(const Statement& row, int column) {
    if (row.is_null(column)) {
      out += "null";
    } else {
      number(row.int64(column));
    }
  }
};

struct Tag {
  std::int64_t project_id;
  std::int64_t id;
  std::string name;
  std::optional<std::string> color;
};

// One row of kRows as focusd writes a project for the workspace's owner.
void write_project(Json& j, const Statement& row, const std::vector<Tag>& tags) {
  const std::int64_t id = row.int64(kId);
  j.out += "{\"id\":";
  j.number(id);
  j.out += ",\"workspace_id\":";
  j.number(row.int64(kWorkspaceId));
  j.out += ",\"name\":";
  j.string(row.text_view(kName));
  j.out += ",\"active\":";
  j.boolean(row.int64(kActive) != 0);
  j.out += ",\"archived_at\":";
  j.text_or_null(row, kArchivedAt);
  j.out += ",\"auto_compute_estimates\":";
  j.boolean(row.int64(kAutoComputeEstimates) != 0);
  j.out += ",\"billable\":";
  j.boolean(row.int64(kBillable) != 0);
  j.out += ",\"client_id\":";
  j.number_or_null(row, kClientId);
  j.out += ",\"client\":";
  if (row.is_null(kClientId)) {
    j.out += "null";
  } else {
    j.out += "{\"id\":";
    j.number(row.int64(kClientId));
    j.out += ",\"name\":";
    j.string(row.is_null(kClientName) ? std::string_view() : row.text_view(kClientName));
    j.out += '}';
  }
  j.out += ",\"color\":";
  j.text_or_null(row, kColor);
  j.out += ",\"completion_mode\":\"manual\",\"created_at\":";
  j.string(row.text_view(kCreatedAt));
  j.out += ",\"deleted_at\":";
  j.text_or_null(row, kDeletedAt);
  j.out += ",\"description\":";
  j.text_or_null(row, kDescription);
  j.out += ",\"draft\":false,\"end_date\":";
  j.text_or_null(row, kEndDate);
  j.out += ",\"estimated_mins\":";
  j.number_or_null(row, kEstimatedMins);
  j.out += ",\"fixed_fee\":";
  if (row.is_null(kFixedFeeAmount)) {
    j.out += "null";
  } else {
    j.out += "{\"amount\":" + boost::json::serialize(boost::json::value(row.real(kFixedFeeAmount)));
    j.out += ",\"currency\":";
    j.string(row.text_view(kFixedFeeCurrency));
    j.out += '}';
  }
  j.out += ",\"is_template\":false,\"parent_project_id\":";
  j.number_or_null(row, kParentProjectId);
  j.out += ",\"permissions\":";
  j.out += kOwnerPermissions;
  j.out += ",\"pinned\":";
  j.boolean(row.int64(kPinned) != 0);
  j.out += ",\"private\":";
  j.boolean(row.int64(kPrivate) != 0);
  j.out += ",\"rollover_mode\":\"expire\",\"start_date\":";
  j.text_or_null(row, kStartDate);
  j.out += ",\"tag_ids\":[";
  bool first = true;
  for (const auto& tag : tags) {
    if (tag.project_id != id) continue;
    if (!first) j.out += ',';
    first = false;
    j.number(tag.id);
  }
  j.out += "],\"tags\":[";
  first = true;
  for (const auto& tag : tags) {
    if (tag.project_id != id) continue;
    j.out += first ? "{\"id\":" : ",{\"id\":";
    first = false;
    j.number(tag.id);
    j.out += ",\"name\":";
    j.string(tag.name);
    j.out += ",\"color\":";
    if (tag.color) {
      j.string(*tag.color);
    } else {
      j.out += "null";
    }
    j.out += '}';
  }
  j.out += "],\"task_estimated_mins\":";
  j.number(row.int64(kTaskEstimatedMins));
  j.out += ",\"total_tracked_time\":";
  j.number(row.int64(kTrackedSeconds));
  j.out += ",\"total_tracked_secs\":";
  j.number(row.int64(kTrackedSeconds));
  j.out += ",\"toggl_user_id\":";
  j.number(row.int64(kCreatorId));
  j.out += ",\"updated_at\":";
  j.string(row.text_view(kUpdatedAt));
  j.out += '}';
}

struct Listed {
  int rows = 0;            // the page's rows read
  std::int64_t total = 0;  // the matches counted
};

// Page `page` (from 1) of the projects whose names hold `name`; with `json`,
// also the body focusd answers with, appended to it.
Listed list_page(Connection& db, const std::string& name, long page, std::string* json) {
  Listed listed;
  db.prepare("BEGIN").run();
  auto matches = db.prepare(kPage);
  matches.bind_all(trigrams(name), "%" + name + "%", (page - 1) * 50);
  std::string ids = "[";
  while (matches.step()) {
    if (ids.size() > 1) ids += ',';
    ids += std::to_string(matches.int64(0));
    listed.total = matches.int64(1);
  }
  ids += ']';
  std::vector<Tag> tags;
  auto tag_rows = db.prepare(kTags);
  tag_rows.bind_all(ids);
  while (tag_rows.step()) {
    tags.push_back(Tag{tag_rows.int64(0), tag_rows.int64(1), tag_rows.text(2), tag_rows.optional_text(3)});
  }
  auto rows = db.prepare(kRows);
  rows.bind_all(ids);
  if (!json) {
    while (rows.step()) ++listed.rows;
    db.prepare("COMMIT").run();
    return listed;
  }
  Json j{*json};
  j.out += "{\"data\":[";
  while (rows.step()) {
    if (listed.rows++ > 0) j.out += ',';
    write_project(j, rows, tags);
  }
  j.out += "],\"page\":";
  j.number(page);
  j.out += ",\"per_page\":50,\"total\":";
  j.number(listed.total);
  j.out += '}';
  db.prepare("COMMIT").run();
  return listed;
}

// The value of `key` in a query string, percent-decoded ("" when absent).
std::string query_value(std::string_view query, std::string_view key) {
  for (std::size_t at = 0; at < query.size();) {
    const std::size_t end = std::min(query.find('&', at), query.size());
    const std::string_view pair = query.substr(at, end - at);
    if (pair.size() > key.size() && pair.substr(0, key.size()) == key && pair[key.size()] == '=') {
      std::string value;
      for (std::size_t i = key.size() + 1; i < pair.size(); ++i) {
        unsigned byte = 0;
        if (pair[i] == '%' && i + 2 < pair.size() &&
            std::from_chars(pair.data() + i + 1, pair.data() + i + 3, byte, 16).ptr == pair.data() + i + 3) {
          value += static_cast<char>(byte);
          i += 2;
        } else {
          value += pair[i] == '+' ? ' ' : pair[i];
        }
      }
      return value;
    }
    at = end + 1;
  }
  return "";
}

// A client connection: what it sent that is not answered yet, and what of an
// answer the socket did not take yet.
struct Client {
  std::string in;
  std::string out;
  std::size_t sent = 0;
};

// Sends what is left of the client's answer; false when the connection failed.
bool flush(int fd, Client& client) {
  while (client.sent < client.out.size()) {
    const ssize_t n =
        ::send(fd, client.out.data() + client.sent, client.out.size() - client.sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    client.sent += static_cast<std::size_t>(n);
  }
  client.out.clear();
  client.sent = 0;
  return true;
}

// Answers every whole request head in the client's input (while its socket
// takes the answers); false when the connection is to close.
bool answer(int fd, Client& client, Connection& db) {
  for (;;) {
    if (!client.out.empty()) return true;  // the socket is full: EPOLLOUT continues
    const std::size_t head_end = client.in.find("\r\n\r\n");
    if (head_end == std::string::npos) return client.in.size() < (64 << 10);
    const std::size_t target = client.in.find(' ');
    const std::size_t target_end = client.in.find(' ', target + 1);
    const std::size_t query = client.in.find('?', target);
    if (target == std::string::npos || target_end > head_end || query > target_end) return false;
    const std::string_view query_string = std::string_view(client.in).substr(query + 1, target_end - query - 1);
    const std::string name = query_value(query_string, "name");
    const long page = std::max(1L, std::strtol(query_value(query_string, "page").c_str(), nullptr, 10));
    client.in.erase(0, head_end + 4);
    if (!plain_name(name)) return false;
    std::string body;
    body.reserve(64 << 10);
    list_page(db, name, page, &body);
    client.out = "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n";
    client.out += body;
    if (!flush(fd, client)) return false;
  }
}

// A listening socket on 127.0.0.1:`port` (0: any) that shares its port.
int listen_shared(int port) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int yes = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEPORT, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener, 1024) != 0) {
    std::perror("sqlite-lists");
    return -1;
  }
  return listener;
}

int port_of(int listener) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

// One thread's loop: its listener's connections, one request at a time each.
void serve(int listener, const std::string& path) {
  auto db = Connection::open(path, focusd::sqlite::OpenOptions{.read_only = true, .mmap_bytes = 256 << 20});
  const int poll = ::epoll_create1(EPOLL_CLOEXEC);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = listener;
  ::epoll_ctl(poll, EPOLL_CTL_ADD, listener, &event);
  std::unordered_map<int, Client> clients;
  std::array<epoll_event, 64> ready{};
  std::array<char, 16 << 10> buffer{};
  for (;;) {
    const int n = ::epoll_wait(poll, ready.data(), static_cast<int>(ready.size()), -1);
    for (int i = 0; i < n; ++i) {
      const int fd = ready[i].data.fd;
      if (fd == listener) {
        for (int client; (client = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
          const int one = 1;
          ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          event.events = EPOLLIN | EPOLLOUT | EPOLLET;
          event.data.fd = client;
          ::epoll_ctl(poll, EPOLL_CTL_ADD, client, &event);
          clients[client];
        }
        continue;
      }
      Client& client = clients[fd];
      bool open = flush(fd, client);
      for (ssize_t got; open && (got = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT)) != 0;) {
        if (got < 0) {
          open = errno == EAGAIN || errno == EWOULDBLOCK;
          break;
        }
        client.in.append(buffer.data(), static_cast<std::size_t>(got));
      }
      if (open) open = answer(fd, client, *db);
      if (!open) {
        ::close(fd);
        clients.erase(fd);
      }
    }
  }
}

int serve_http(const std::string& path, int threads) {
  std::vector<int> listeners{listen_shared(0)};
  if (listeners.front() < 0) return 1;
  const int port = port_of(listeners.front());
  for (int t = 1; t < threads; ++t) {
    listeners.push_back(listen_shared(port));
    if (listeners.back() < 0) return 1;
  }
  std::printf("%d\n", port);
  std::fflush(stdout);
  std::vector<std::thread> loops;
  for (int listener : listeners) loops.emplace_back([listener, &path] { serve(listener, path); });
  for (auto& loop : loops) loop.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::string(argv[3]) == "--http") {
    try {
      return serve_http(argv[1], std::stoi(argv[2]));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sqlite-lists: %s\n", e.what());
      return 1;
    }
  }
  if (argc < 6) {
    std::fprintf(stderr,
                 "usage: sqlite-lists DB_PATH THREADS MAX_SECONDS NAME PAGE | sqlite-lists DB_PATH THREADS --http\n");
    return 2;
  }
  const std::string path = argv[1];
  const int threads = std::stoi(argv[2]);
  const double max_seconds = std::stod(argv[3]);
  const std::string name = argv[4];
  const long page = std::stol(argv[5]);
  if (!plain_name(name)) {
    std::fprintf(stderr, "sqlite-lists: NAME must be 3 or more plain characters\n");
    return 2;
  }

  return measure_lists("sqlite-lists", threads, max_seconds, [&] {
    auto db = Connection::open(path, focusd::sqlite::OpenOptions{.read_only = true, .mmap_bytes = 256 << 20});
    return [&, db = std::move(db)]() -> std::optional<std::int64_t> {
      const Listed listed = list_page(*db, name, page, nullptr);
      return listed.rows == 50 ? std::optional<std::int64_t>(listed.total) : std::nullopt;
    };
  });
}
