#pragma once
// End-to-end test support: runs the real focusd binary on 127.0.0.1 with a
// temporary data directory, seeds users through the real admin CLI, and speaks
// real HTTP to it.
//
//   FocusdServer server;                      // started, ready
//   auto alice = server.seed_user();          // new user + organization + workspace
//   auto res = server.client().get("/api/users/me/settings", alice.basic());
//
// The suite runs twice: on SQLite under the data directory, and, with
// FOCUSD_TEST_BACKEND=postgres (ctest's e2e.pg.* pass), on PostgreSQL, each
// FocusdServer on a database of its own in the test cluster (tests/pg/).

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace focusd::pgtest {
class TestDatabase;
}

namespace focusd::test {

// True on the PostgreSQL pass of the suite (FOCUSD_TEST_BACKEND=postgres).
bool on_postgres();
// True on the S3 pass of the suite (FOCUSD_TEST_BLOBS=s3): each server keeps
// its attachments under a prefix of its own in the test gateway's bucket.
bool on_s3();

// A directory removed with everything in it when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a program to completion (argv[0] is searched in PATH when not a path).
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::pair<std::string, std::string>>& env = {});
std::string read_file(const std::filesystem::path& path);
// A figure of /proc/<pid>/status in KiB ("VmRSS", "VmHWM"); -1 when absent.
std::int64_t proc_status_kib(int pid, const std::string& field);
// Lowercase hex of bytes (a digest), and the SHA-256 of data as such hex: what
// the server reports as an attachment's ETag and stores its blob under.
std::string to_hex(const unsigned char* bytes, std::size_t size);
std::string sha256_hex(std::string_view data);

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The first value of a header ("" when absent); name is case-insensitive.
  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const;
  boost::json::value json() const;
};

// One keep-alive HTTP/1.1 connection to 127.0.0.1:port.
class HttpClient {
 public:
  explicit HttpClient(unsigned short port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse request(const std::string& method, const std::string& target, const Headers& headers = {},
                       const std::string& body = "");
  HttpResponse get(const std::string& target, const Headers& headers = {}) { return request("GET", target, headers); }

  // Raw access for protocol tests: send bytes as they are, read responses.
  void send_raw(const std::string& bytes);
  HttpResponse read_response(bool head_request = false);
  // True when the server has closed the connection (reads EOF within timeout).
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

 private:
  struct Impl;
  Impl* impl_ = nullptr;
};

// A helper program (e.g. Prism) run for the length of a test, its output in
// a log file; SIGTERM (then SIGKILL) when the object goes away.
class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::vector<std::string>& argv);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  bool running();
  std::string log() const;

 private:
  TempDir dir_;
  int pid_ = -1;
};

// A TCP port of 127.0.0.1 that was free a moment ago.
unsigned short free_port();

struct SeededUser {
  std::string email;
  std::string password;
  std::int64_t user_id = 0;
  std::int64_t organization_id = 0;
  std::int64_t workspace_id = 0;

  // {"Authorization", "Basic …"}
  Headers basic() const;
  // /api/organizations/{organization_id}
  std::string organization_path() const;
  // /api/organizations/{organization_id}/workspaces/{workspace_id}
  std::string workspace_path() const;
};

inline Headers bearer(const std::string& key) {
  return {{"Authorization", "Bearer " + key}};
}

struct ServerOptions {
  std::vector<std::string> extra_args;  // appended to `focusd serve`
  std::vector<std::pair<std::string, std::string>> env;
  bool start = true;
  std::filesystem::path data_dir;  // empty: a new temporary directory
  // --database of serve and admin (another server's database(), to share it);
  // empty: on the PostgreSQL pass a new database, else SQLite under data_dir.
  std::string database;
  bool sqlite = false;  // SQLite under data_dir even on the PostgreSQL pass
  // --blobs of serve and admin fsck (another server's blobs(), to share them);
  // empty: on the S3 pass a new prefix in the test bucket, else files under data_dir.
  std::string blobs;
  // The gateway (tests/s3/ceph's DIR) that --blobs is in; empty: the run's.
  std::string s3_gateway;
  bool disk_blobs = false;  // files under data_dir even on the S3 pass
};

class FocusdServer {
 public:
  explicit FocusdServer(ServerOptions options = {});
  ~FocusdServer();  // SIGKILLs the server if still running
  FocusdServer(const FocusdServer&) = delete;
  FocusdServer& operator=(const FocusdServer&) = delete;

  // Starts `focusd serve` and waits until /healthz answers. Fails the test (via
  // an exception) if it does not come up within 15 s.
  void start();
  // Starts the process and returns its exit code if it exits within `wait`, else nullopt.
  std::optional<int> start_expecting_exit(std::chrono::milliseconds wait);
  // SIGTERM, then waits; returns the exit code (or 128 + signal).
  int stop(std::chrono::milliseconds wait = std::chrono::milliseconds(15000));
  void send_signal(int signal);
  // SIGKILL and reap.
  void kill9();
  int wait_exit(std::chrono::milliseconds wait);
  bool running() const { return pid_ > 0; }
  int pid() const { return pid_; }

  unsigned short port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  std::filesystem::path database_path() const { return data_dir_ / "focusd.db"; }
  // The PostgreSQL URI the server runs on; "" on SQLite.
  const std::string& database() const { return database_; }
  // Its --blobs (s3://…); "" when its blobs are files under data_dir.
  const std::string& blobs() const { return blobs_; }
  // Runs SQL statements on the server's database (for tests that must reach
  // past the API, e.g. to expire a key): plain SQL both backends read alike.
  void exec_sql(const std::string& sql) const;
  // Everything the server has written to stdout and stderr so far.
  std::string log() const;

  HttpClient client() const { return HttpClient(port_); }

  // `focusd admin <args…> --data DIR [--database URI]`, and for fsck the blob
  // store's options (and S3 credentials in the environment).
  ProcessResult admin(std::vector<std::string> args) const;
  // Creates a user with the admin CLI (a new organization unless one is given).
  SeededUser seed_user(const std::string& email = "", std::optional<std::int64_t> organization = std::nullopt,
                       const std::string& role = "member");
  std::string create_api_key(const std::string& email) const;

 private:
  void spawn_serve();  // `focusd serve` on 127.0.0.1:0 with the options, output to the log file

  ServerOptions options_;
  TempDir dir_;
  std::unique_ptr<pgtest::TestDatabase> own_database_;  // made for this server on the PostgreSQL pass
  std::string database_;
  std::string blobs_;
  std::filesystem::path data_dir_;
  std::filesystem::path log_path_;
  int pid_ = -1;
  unsigned short port_ = 0;
  int seeded_ = 0;
};

// Runs SQL statements against a SQLite database file.
void exec_sql(const std::filesystem::path& database, const std::string& sql);

}  // namespace focusd::test
