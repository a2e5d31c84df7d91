#include "support.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "test_database.h"
#include "test_store.h"

#ifndef FOCUSD_BINARY
#error "FOCUSD_BINARY must name the focusd executable"
#endif

namespace focusd::test {

bool on_postgres() {
  const char* backend = std::getenv("FOCUSD_TEST_BACKEND");
  return backend && std::string(backend) == "postgres";
}

bool on_s3() {
  const char* blobs = std::getenv("FOCUSD_TEST_BLOBS");
  return blobs && std::string(blobs) == "s3";
}

namespace {
// The S3 options of serve and admin fsck for `blobs` (none when it is empty)
// in the gateway of directory `gateway` ("": the run's), and its credentials
// for the environment.
std::vector<std::string> blob_args(const std::string& blobs, const std::string& gateway) {
  if (blobs.empty()) return {};
  // Grace 0: a test's server shares its prefix with no one, and its sweeps
  // and fsck then see what a store on disk shows at once.
  return {"--blobs", blobs, "--s3-endpoint", s3test::gateway_env(gateway).at("AWS_ENDPOINT_URL"), "--blob-orphan-grace",
          "0"};
}
std::vector<std::pair<std::string, std::string>> blob_env(const std::string& blobs, const std::string& dir) {
  if (blobs.empty()) return {};
  auto gateway = s3test::gateway_env(dir);
  return {{"AWS_ACCESS_KEY_ID", gateway.at("AWS_ACCESS_KEY_ID")},
          {"AWS_SECRET_ACCESS_KEY", gateway.at("AWS_SECRET_ACCESS_KEY")}};
}

// The binary under test: the one built with the tests, or another named by
// FOCUSD_TEST_BINARY (to show that a regression test fails on an older build).
std::string focusd_binary() {
  const char* other = std::getenv("FOCUSD_TEST_BINARY");
  return other && *other ? other : FOCUSD_BINARY;
}
}  // namespace

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {
std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string base64(const std::string& in) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    for (int k = 3; k >= 0; --k) out += table[(v >> (6 * k)) & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += i + 1 < in.size() ? table[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Spawns argv with stdout/stderr redirected to files; returns the pid.
int spawn(const std::vector<std::string>& argv, const std::vector<std::pair<std::string, std::string>>& env,
          const std::filesystem::path& out, const std::filesystem::path& err) {
  int pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int e = out == err ? o : open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int in = open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(o, 1);
    dup2(e, 2);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}
}  // namespace

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "focusd-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::int64_t proc_status_kib(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1));
  }
  return -1;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return to_hex(digest, length);
}

ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::pair<std::string, std::string>>& env) {
  TempDir dir;
  const auto out = dir.path() / "out";
  const auto err = dir.path() / "err";
  int pid = spawn(argv, env, out, err);
  int status = 0;
  waitpid(pid, &status, 0);
  return ProcessResult{decode_status(status), read_file(out), read_file(err)};
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv) {
  pid_ = spawn(argv, {}, dir_.path() / "log", dir_.path() / "log");
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

bool BackgroundProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) pid_ = -1;
  return pid_ > 0;
}

std::string BackgroundProcess::log() const {
  return read_file(dir_.path() / "log");
}

unsigned short free_port() {
  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

bool HttpResponse::has_header(const std::string& name) const {
  return headers.count(lower(name)) > 0;
}

boost::json::value HttpResponse::json() const {
  return boost::json::parse(body);
}

namespace {

// How long the client waits for the server to send or take a byte before it
// gives up with an error: a test never hangs on a silent server.
constexpr std::chrono::milliseconds kSilence{10000};

// The client's socket as Beast reads and writes it, each step waiting at most
// `silence` for the socket to be ready. (SO_RCVTIMEO would not do: Asio's
// blocking read waits again, without a bound, after the timeout.)
struct BoundedStream {
  tcp::socket& socket;
  std::chrono::milliseconds silence;

  template <class Buffers>
  std::size_t read_some(const Buffers& buffers, beast::error_code& ec) {
    if (!ready(POLLIN, ec)) return 0;
    return socket.read_some(buffers, ec);  // ready: returns at once
  }
  template <class Buffers>
  std::size_t write_some(const Buffers& buffers, beast::error_code& ec) {
    if (!ready(POLLOUT, ec)) return 0;
    return socket.send(buffers, MSG_DONTWAIT, ec);  // what fits now, never waits
  }
  template <class Buffers>
  std::size_t read_some(const Buffers& buffers) {
    beast::error_code ec;
    auto n = read_some(buffers, ec);
    if (ec) throw beast::system_error(ec);
    return n;
  }
  template <class Buffers>
  std::size_t write_some(const Buffers& buffers) {
    beast::error_code ec;
    auto n = write_some(buffers, ec);
    if (ec) throw beast::system_error(ec);
    return n;
  }

 private:
  bool ready(short events, beast::error_code& ec) {
    pollfd fd{socket.native_handle(), events, 0};
    int n = 0;
    do {
      n = ::poll(&fd, 1, static_cast<int>(silence.count()));
    } while (n < 0 && errno == EINTR);
    if (n > 0) return true;
    ec = n == 0 ? beast::error_code(asio::error::timed_out) : beast::error_code(errno, beast::system_category());
    return false;
  }
};

}  // namespace

struct HttpClient::Impl {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
  BoundedStream stream{socket, kSilence};
};

HttpClient::HttpClient(unsigned short port) {
  // Owned here until connected: a refused connection throws from this
  // constructor, and then no destructor would free it.
  auto impl = std::make_unique<Impl>();
  impl->socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  impl_ = impl.release();
}

HttpClient::~HttpClient() {
  delete impl_;
}

void HttpClient::send_raw(const std::string& bytes) {
  asio::write(impl_->stream, asio::buffer(bytes));
}

HttpResponse HttpClient::read_response(bool head_request) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(1 << 30);
  parser.skip(head_request);
  http::read(impl_->stream, impl_->buffer, parser);
  auto& msg = parser.get();
  HttpResponse res;
  res.status = static_cast<int>(msg.result_int());
  for (const auto& field : msg) res.headers.emplace(lower(std::string(field.name_string())), field.value());
  res.body = msg.body();
  return res;
}

HttpResponse HttpClient::request(const std::string& method, const std::string& target, const Headers& headers,
                                 const std::string& body) {
  std::string raw = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    raw += name + ": " + value + "\r\n";
    has_length = has_length || lower(name) == "content-length" || lower(name) == "transfer-encoding";
  }
  if (!has_length && (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")) {
    raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  raw += "\r\n" + body;
  send_raw(raw);
  return read_response(method == "HEAD");
}

bool HttpClient::closed_by_peer(std::chrono::milliseconds timeout) {
  if (impl_->buffer.size() > 0) return false;
  char c;
  beast::error_code ec;
  std::size_t n = BoundedStream{impl_->socket, timeout}.read_some(asio::buffer(&c, 1), ec);
  return n == 0 && (ec == asio::error::eof || ec == asio::error::connection_reset);
}

Headers SeededUser::basic() const {
  return {{"Authorization", "Basic " + base64(email + ":" + password)}};
}

std::string SeededUser::organization_path() const {
  return "/api/organizations/" + std::to_string(organization_id);
}

std::string SeededUser::workspace_path() const {
  return organization_path() + "/workspaces/" + std::to_string(workspace_id);
}

FocusdServer::FocusdServer(ServerOptions options)
    : options_(std::move(options)),
      data_dir_(options_.data_dir.empty() ? dir_.path() / "data" : options_.data_dir),
      log_path_(dir_.path() / "server.log") {
  database_ = options_.database;
  blobs_ = options_.blobs;
  if (blobs_.empty() && on_s3() && !options_.disk_blobs) blobs_ = "s3://focusd-e2e/" + s3test::fresh_prefix();
  if (database_.empty() && on_postgres() && !options_.sqlite) {
    own_database_ = std::make_unique<pgtest::TestDatabase>();
    database_ = own_database_->url();
  }
  if (options_.start) start();
}

FocusdServer::~FocusdServer() {
  if (pid_ > 0) kill9();
}

void FocusdServer::exec_sql(const std::string& sql) const {
  if (database_.empty()) {
    test::exec_sql(database_path(), sql);
  } else {
    postgres::Connection::open(database_)->exec_script(sql);
  }
}

void FocusdServer::spawn_serve() {
  std::vector<std::string> argv = {focusd_binary(), "serve", "--data", data_dir_.string(), "--listen", "127.0.0.1:0"};
  // On PostgreSQL, reads of one statement go over pipelines (not the default):
  // the pool's path for them is the one the SQLite pass runs.
  if (!database_.empty()) argv.insert(argv.end(), {"--database", database_, "--database-pipelines", "2"});
  const auto s3 = blob_args(blobs_, options_.s3_gateway);
  argv.insert(argv.end(), s3.begin(), s3.end());
  argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  auto env = blob_env(blobs_, options_.s3_gateway);
  env.insert(env.end(), options_.env.begin(), options_.env.end());
  pid_ = spawn(argv, env, log_path_, log_path_);
}

void FocusdServer::start() {
  const std::size_t log_offset = read_file(log_path_).size();
  spawn_serve();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  const std::string marker = "127.0.0.1:";  // in "listening address=…", text or JSON
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("focusd exited during start:\n" + log());
    }
    const std::string text = read_file(log_path_).substr(log_offset);
    const auto listening = text.find("listening");
    if (auto at = text.find(marker, listening); listening != std::string::npos && at != std::string::npos) {
      port_ = static_cast<unsigned short>(std::stoi(text.substr(at + marker.size())));
      if (client().get("/healthz").status == 200) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("focusd did not come up:\n" + log());
}

std::optional<int> FocusdServer::start_expecting_exit(std::chrono::milliseconds wait) {
  spawn_serve();
  int code = wait_exit(wait);
  if (code == -1) return std::nullopt;
  return code;
}

int FocusdServer::wait_exit(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (pid_ > 0) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return decode_status(status);
    }
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

void FocusdServer::send_signal(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

int FocusdServer::stop(std::chrono::milliseconds wait) {
  send_signal(SIGTERM);
  int code = wait_exit(wait);
  if (code == -1) kill9();
  return code;
}

void FocusdServer::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string FocusdServer::log() const {
  return read_file(log_path_);
}

ProcessResult FocusdServer::admin(std::vector<std::string> args) const {
  std::vector<std::string> argv = {focusd_binary(), "admin"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--data");
  argv.push_back(data_dir_.string());
  if (!database_.empty()) argv.insert(argv.end(), {"--database", database_});
  if (!args.empty() && (args.front() == "fsck" || args.front() == "backup")) {
    const auto s3 = blob_args(blobs_, options_.s3_gateway);
    argv.insert(argv.end(), s3.begin(), s3.end());
  }
  // The gateway's credentials on the S3 pass, whatever the command (migrate-blobs names its bucket itself).
  return run_process(argv, blob_env(on_s3() ? "s3" : "", options_.s3_gateway));
}

SeededUser FocusdServer::seed_user(const std::string& email, std::optional<std::int64_t> organization,
                                   const std::string& role) {
  SeededUser user;
  user.email = email.empty() ? "user" + std::to_string(++seeded_) + "@example.com" : email;
  user.password = "pw-" + std::to_string(std::random_device{}()) + "-secret";
  std::vector<std::string> args = {"create-user", "--email", user.email, "--password", user.password};
  if (organization) {
    args.insert(args.end(), {"--organization", std::to_string(*organization), "--role", role});
  }
  auto result = admin(args);
  if (result.exit_code != 0) throw std::runtime_error("create-user failed: " + result.err);
  auto json = boost::json::parse(result.out).as_object();
  user.user_id = json.at("user_id").as_int64();
  user.organization_id = json.at("organization_id").as_int64();
  user.workspace_id = json.at("workspace_id").as_int64();
  return user;
}

std::string FocusdServer::create_api_key(const std::string& email) const {
  auto result = admin({"create-api-key", "--email", email});
  if (result.exit_code != 0) throw std::runtime_error("create-api-key failed: " + result.err);
  return std::string(boost::json::parse(result.out).at("api_key").as_string());
}

void exec_sql(const std::filesystem::path& database, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(database.c_str(), &db) != SQLITE_OK) throw std::runtime_error("cannot open " + database.string());
  sqlite3_busy_timeout(db, 5000);
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string text = message ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error("sql failed: " + text);
}

}  // namespace focusd::test
