// Slow and hostile clients: idle connections and clients that send a header
// byte a second do not keep a normal client from being served; a client that
// stops reading a large view (of a file or of a stream) does not pin memory;
// a flood beyond the connection limit is refused (503) without harm. All
// loops are bounded; all traffic is on 127.0.0.1.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <thread>

#include "attachments_support.h"

namespace focusd::test {
namespace {

using namespace std::chrono_literals;

// A raw TCP connection to the server, closed when it goes away.
class RawSocket {
 public:
  explicit RawSocket(unsigned short port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  RawSocket(RawSocket&& other) noexcept : fd_(std::exchange(other.fd_, -1)), connected_(other.connected_) {}
  RawSocket(const RawSocket&) = delete;
  ~RawSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }
  bool send(std::string_view bytes) { return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) > 0; }
  // Reads what is there within `wait` (empty when nothing came or the peer closed).
  std::string read(std::chrono::milliseconds wait) {
    timeval tv{static_cast<time_t>(wait.count() / 1000), static_cast<suseconds_t>(wait.count() % 1000 * 1000)};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  }
  // True when the peer has closed the connection (reads end of stream, or a
  // reset, within `wait`).
  bool closed_by_peer(std::chrono::milliseconds wait) {
    timeval tv{static_cast<time_t>(wait.count() / 1000), static_cast<suseconds_t>(wait.count() % 1000 * 1000)};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buffer[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }
  // Shrinks the receive buffer so that a large answer is not simply swallowed.
  void small_receive_buffer() {
    int size = 4096;
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }

 private:
  int fd_;
  bool connected_ = false;
};

std::int64_t rss_kib(int pid) {
  return proc_status_kib(pid, "VmRSS");
}

TEST(HostileClients, IdleAndByteAtATimeClientsDoNotStarveANormalOne) {
  FocusdServer server({.extra_args = {"--header-timeout", "3", "--max-connections", "5000"}});
  auto owner = server.seed_user();
  std::vector<RawSocket> idle, slow;
  for (int i = 0; i < 1000; ++i) idle.emplace_back(server.port());
  for (int i = 0; i < 1000; ++i) slow.emplace_back(server.port());
  std::size_t connected = 0;
  for (auto& s : idle) connected += s.connected();
  for (auto& s : slow) connected += s.connected();
  ASSERT_EQ(connected, 2000u);

  const std::string head = "GET /api/users/me/settings HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (std::size_t second = 0; second < 2; ++second) {
    for (auto& s : slow) s.send(head.substr(second, 1));  // one header byte a second
    // Meanwhile a normal client is served.
    HttpClient client = server.client();
    auto res = client.get("/api/users/me/settings", owner.basic());
    EXPECT_EQ(res.status, 200) << "second " << second;
    std::this_thread::sleep_for(1s);
  }
  // The header timeout (3 s) ends the slow ones: each gets closed.
  std::this_thread::sleep_for(2500ms);
  std::size_t closed = 0;
  for (std::size_t i = 0; i < slow.size(); i += 50) closed += slow[i].closed_by_peer(500ms);
  EXPECT_EQ(closed, slow.size() / 50) << "slow header senders are cut off by --header-timeout";
  HttpClient client = server.client();
  EXPECT_EQ(client.get("/healthz").status, 200);
}

// 20 clients ask for a 40 MiB view and stop reading: the server's RSS grows by
// what it holds per reply (`held`), not by the files. Then half of the readers
// go away mid-reply (sendfile or a write gets EPIPE, not a SIGPIPE that would
// end the process) and the others stay stalled past --idle-timeout: the server
// gives up on them. Each view is logged when its reply ends, so all 20 must be
// in the log. (Reading the stalled sockets instead would take minutes: the
// kernel still trickles the server's send buffer through their 4 KiB windows.)
void stalled_views_do_not_pin_memory(FocusdServer& server, const std::string& held) {
  auto owner = server.seed_user();
  HttpClient client = server.client();
  const std::string view = upload_for_view(client, owner, binary_bytes(40 << 20));
  ASSERT_FALSE(view.empty());

  const std::int64_t before = rss_kib(server.pid());
  std::vector<RawSocket> stalled;
  for (int i = 0; i < 20; ++i) {
    RawSocket s(server.port());
    s.small_receive_buffer();
    s.send("GET " + view + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + owner.basic()[0].second + "\r\n\r\n");
    stalled.push_back(std::move(s));
  }
  std::this_thread::sleep_for(1500ms);  // the server writes until the socket buffers are full, then waits
  const std::int64_t during = rss_kib(server.pid());
  std::printf("RSS %lld KiB before, %lld KiB with 20 stalled 40 MiB views (%s)\n", static_cast<long long>(before),
              static_cast<long long>(during), held.c_str());
  EXPECT_LT(during - before, 32 * 1024) << "20 stalled views must hold " << held << ", not their files";
  while (stalled.size() > 10) stalled.pop_back();
  std::this_thread::sleep_for(4000ms);
  const std::string log = server.log();
  std::size_t ended = 0;
  for (auto at = log.find(view + " status=200"); at != std::string::npos; at = log.find(view + " status=200", at + 1)) {
    ++ended;
  }
  EXPECT_EQ(ended, 20u) << "10 views end with their clients, 10 by --idle-timeout";
  HttpClient other = server.client();
  EXPECT_EQ(other.get("/healthz").status, 200);
}

TEST(HostileClients, AClientThatStopsReadingAViewDoesNotPinMemory) {
#ifdef __SANITIZE_ADDRESS__
  GTEST_SKIP() << "AddressSanitizer's quarantine and shadow memory make RSS meaningless here";
#endif
  FocusdServer server({.extra_args = {"--idle-timeout", "3"}});
  stalled_views_do_not_pin_memory(server, "socket buffers only (sendfile)");
}

// The same for a store that hands out streams (blob/faulty_blob_store.h, the
// `streams` mode) instead of files: the transport copies them a piece at a
// time, so a stalled view holds one piece, not its file.
TEST(HostileClients, AClientThatStopsReadingAStreamedViewDoesNotPinMemory) {
#ifdef __SANITIZE_ADDRESS__
  GTEST_SKIP() << "AddressSanitizer's quarantine and shadow memory make RSS meaningless here";
#endif
  TempDir dir;
  const auto control = dir.path() / "faults";
  std::ofstream(control) << "streams\n";
  FocusdServer server({.extra_args = {"--idle-timeout", "3", "--fault-file", control.string()}});
  stalled_views_do_not_pin_memory(server, "a piece each (streams)");
}

// An answer held in memory is written at once as far as the socket takes it,
// and the rest when the client reads on: a slow reader of a page larger than
// the socket's buffers gets it whole, byte for byte what a fast one got.
TEST(HostileClients, ASlowReaderGetsALargePageWhole) {
  FocusdServer server;
  auto owner = server.seed_user();
  HttpClient client = server.client();
  const std::string projects = owner.workspace_path() + "/projects";
  Headers json = owner.basic();
  json.emplace_back("Content-Type", "application/json");
  const std::string description(9000, 'd');
  for (int i = 0; i < 200; ++i) {
    const auto body = R"({"name":"large page )" + std::to_string(i) + R"(","description":")" + description + R"("})";
    ASSERT_EQ(client.request("POST", projects, json, body).status, 201);
  }
  const std::string page = projects + "?per_page=200";
  const auto expected = client.get(page, owner.basic());
  ASSERT_EQ(expected.status, 200);
  ASSERT_GT(expected.body.size(), 1800000u);

  RawSocket slow(server.port());
  ASSERT_TRUE(slow.send("GET " + page +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + owner.basic().front().second + "\r\n\r\n"));
  std::this_thread::sleep_for(300ms);  // the server has filled the socket's buffers and waits for the rest
  std::string answer;
  std::size_t end_of_head = std::string::npos;
  std::size_t length = 0;
  for (int i = 0; i < 20000 && (end_of_head == std::string::npos || answer.size() < end_of_head + 4 + length); ++i) {
    const std::string piece = slow.read(2000ms);
    if (piece.empty()) break;
    answer += piece;
    if (end_of_head == std::string::npos && (end_of_head = answer.find("\r\n\r\n")) != std::string::npos) {
      const auto at = answer.find("Content-Length: ");
      ASSERT_LT(at, end_of_head) << answer.substr(0, end_of_head);
      length = std::stoul(answer.substr(at + 16));
    }
    if (i % 50 == 0) std::this_thread::sleep_for(20ms);  // a slow reader, now and then
  }
  ASSERT_NE(end_of_head, std::string::npos);
  EXPECT_EQ(answer.substr(0, 15), "HTTP/1.1 200 OK");
  EXPECT_EQ(length, expected.body.size());
  EXPECT_TRUE(answer.substr(end_of_head + 4) == expected.body) << "the page arrives whole, once";
  EXPECT_EQ(client.get("/healthz").status, 200);
}

TEST(HostileClients, AFloodBeyondTheConnectionLimitIsRefused) {
  FocusdServer server({.extra_args = {"--max-connections", "50"}});
  std::vector<RawSocket> flood;
  for (int i = 0; i < 300; ++i) flood.emplace_back(server.port());
  std::size_t refused = 0;
  for (auto& s : flood) {
    const std::string answer = s.read(20ms);
    refused += answer.find(" 503 ") != std::string::npos;
  }
  EXPECT_GE(refused, 200u) << "connections past the limit get 503 and are closed";
  flood.clear();
  std::this_thread::sleep_for(200ms);
  HttpClient client = server.client();
  EXPECT_EQ(client.get("/healthz").status, 200);
}

}  // namespace
}  // namespace focusd::test
