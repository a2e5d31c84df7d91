// Regression tests for the defects of issue 14 (HTTP framing, abuse), each
// named after the bug it pins. Every one failed on the build before the fix;
// run the suite with FOCUSD_TEST_BINARY=/path/to/an/older/focusd to see it.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "attachments_support.h"

namespace focusd::test {
namespace {

using namespace std::chrono_literals;

std::int64_t rss_kib(int pid) {
  return proc_status_kib(pid, "VmRSS");
}

// The largest RSS of a process while the object lives, sampled every 2 ms.
class PeakRss {
 public:
  explicit PeakRss(int pid)
      : pid_(pid), before_(rss_kib(pid)), sampler_([this] {
          while (!done_) {
            peak_ = std::max(peak_.load(), rss_kib(pid_));
            std::this_thread::sleep_for(2ms);
          }
        }) {}
  ~PeakRss() { stop(); }
  // Growth over the RSS at construction, in MiB.
  double growth_mib() {
    stop();
    return static_cast<double>(peak_ - before_) / 1024.0;
  }
  std::int64_t peak_mib() {
    stop();
    return peak_ / 1024;
  }

 private:
  void stop() {
    done_ = true;
    if (sampler_.joinable()) sampler_.join();
  }
  int pid_;
  std::int64_t before_;
  std::atomic<std::int64_t> peak_{0};
  std::atomic<bool> done_{false};
  std::thread sampler_;
};

// Sends `head`, then `piece` `count` times, then `tail`, from a thread (stopping
// at the first failed write: the server may close early), while this thread
// reads the one response. The connection must then be closed by the server.
struct Attack {
  HttpResponse response;
  bool closed = false;
};
Attack attack(const FocusdServer& server, const std::string& head, const std::string& piece, std::size_t count,
              const std::string& tail) {
  HttpClient client = server.client();
  std::thread sender([&] {
    try {
      client.send_raw(head);
      for (std::size_t i = 0; i < count; ++i) client.send_raw(piece);
      client.send_raw(tail);
    } catch (const std::exception&) {
      // The server answered and closed: the rest is not wanted.
    }
  });
  Attack result;
  result.response = client.read_response();
  result.closed = client.closed_by_peer(5000ms);
  sender.join();
  return result;
}

// --- 1. Chunked trailers and chunk extensions are bounded ----------------

TEST(Hardening, HugeTrailersOnAnUnauthenticatedGetAreRefusedWithoutBufferingThem) {
#ifdef __SANITIZE_ADDRESS__
  GTEST_SKIP() << "AddressSanitizer's shadow memory makes RSS meaningless here";
#endif
  FocusdServer server;
  PeakRss rss(server.pid());
  const std::string field = "X-Trailer: " + std::string(1000, 't') + "\r\n";
  auto result = attack(server, "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", field,
                       16 * 1024, "\r\n");  // 16 MiB of trailer fields
  EXPECT_EQ(result.response.status, 431) << result.response.body;
  EXPECT_EQ(result.response.json().at("error").as_string(), "header_too_large");
  EXPECT_TRUE(result.closed);
  const double growth = rss.growth_mib();
  std::printf("16 MiB of trailers: %d, peak RSS growth %.1f MiB\n", result.response.status, growth);
  EXPECT_LE(growth, 16.0);
  EXPECT_EQ(server.client().get("/healthz").status, 200);
}

TEST(Hardening, HugeTrailersOnAnAuthenticatedJsonBodyAreRefused) {
  FocusdServer server;
  auto alice = server.seed_user();
  const std::string body = "{\"theme\":\"dark\"}";
  const std::string head =
      "PATCH /api/users/me/settings HTTP/1.1\r\nHost: x\r\nAuthorization: " + alice.basic().front().second +
      "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n" + body + "\r\n0\r\n";
  auto result = attack(server, head, "X-Trailer: " + std::string(1000, 't') + "\r\n", 1024, "\r\n");
  EXPECT_EQ(result.response.status, 431) << result.response.body;
  EXPECT_TRUE(result.closed);
  // The write was not applied.
  EXPECT_NE(server.client().get("/api/users/me/settings", alice.basic()).json().at("theme").as_string(), "dark");
}

TEST(Hardening, TrailersWithinTheLimitAreReadButNeverMergedIntoTheHeaders) {
  FocusdServer server;
  auto owner = server.seed_user();
  HttpClient client = server.client();
  const std::string view = upload_for_view(client, owner, "bytes");
  ASSERT_FALSE(view.empty());
  // An `Accept: application/json` trailer would turn the view into JSON if it
  // reached the handler.
  client.send_raw("GET " + view + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + owner.basic().front().second +
                  "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nAccept: application/json\r\n\r\n");
  auto res = client.read_response();
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.body, "bytes");
}

TEST(Hardening, AHugeChunkExtensionIsRefusedWithoutBufferingIt) {
#ifdef __SANITIZE_ADDRESS__
  GTEST_SKIP() << "AddressSanitizer's shadow memory makes RSS meaningless here";
#endif
  FocusdServer server;
  PeakRss rss(server.pid());
  auto result = attack(server, "GET /api/version HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;",
                       std::string(64 * 1024, 'e'), 4096, "\r\nabc\r\n0\r\n\r\n");  // a 256 MiB extension
  EXPECT_EQ(result.response.status, 400) << result.response.body;
  EXPECT_TRUE(result.closed);
  const double growth = rss.growth_mib();
  std::printf("a 256 MiB chunk extension: %d, peak RSS growth %.1f MiB\n", result.response.status, growth);
  EXPECT_LE(growth, 16.0);
}

TEST(Hardening, AChunkExtensionOverItsLimitIsRefusedAndOneWithinIsRead) {
  FocusdServer server;
  auto alice = server.seed_user();
  const std::string body = "{\"theme\":\"dark\"}";
  auto send = [&](const std::string& extension) {
    HttpClient client = server.client();
    client.send_raw(
        "PATCH /api/users/me/settings HTTP/1.1\r\nHost: x\r\nAuthorization: " + alice.basic().front().second +
        "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10;" + extension + "\r\n" + body +
        "\r\n0\r\n\r\n");
    return client.read_response();
  };
  auto over = send("e=" + std::string(5000, 'x'));  // a complete line, over the 4 KiB default
  EXPECT_EQ(over.status, 400) << over.body;
  EXPECT_NE(over.body.find("chunk extensions"), std::string::npos) << over.body;
  EXPECT_EQ(send("name=value").status, 200);
}

// --- 2. Transfer-Encoding cannot smuggle a request ---------------------------

// Sends a request whose body is another request; expects `status`, a close,
// and no second answer.
void expect_refused_and_closed(const FocusdServer& server, const std::string& framing, int status) {
  const std::string smuggled = "GET /api/version HTTP/1.1\r\nHost: x\r\n\r\n";
  HttpClient client = server.client();
  client.send_raw("POST /api/organizations/1/workspaces/1/projects HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n" +
                  smuggled);
  auto res = client.read_response();
  EXPECT_EQ(res.status, status) << framing << " -> " << res.body;
  EXPECT_EQ(res.header("Connection"), "close") << framing;
  EXPECT_TRUE(client.closed_by_peer()) << framing << ": the body must not be read as the next request";
}

TEST(Hardening, TransferEncodingWithoutFinalChunkedIsRefusedAndClosed) {
  FocusdServer server;
  for (const char* coding : {"gzip", "identity", "xchunked", "chunked, gzip", "chunked;ext=1"}) {
    expect_refused_and_closed(server, std::string("Transfer-Encoding: ") + coding + "\r\n", 400);
  }
}

TEST(Hardening, AnUnimplementedTransferCodingGets501AndClose) {
  FocusdServer server;
  expect_refused_and_closed(server, "Transfer-Encoding: gzip, chunked\r\n", 501);
  expect_refused_and_closed(server, "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", 501);
}

TEST(Hardening, ChunkedTwiceIsRefused) {
  FocusdServer server;
  expect_refused_and_closed(server, "Transfer-Encoding: chunked, chunked\r\n", 400);
}

TEST(Hardening, TransferEncodingWithContentLengthIsRefusedAndClosed) {
  FocusdServer server;
  expect_refused_and_closed(server, "Transfer-Encoding: xchunked\r\nContent-Length: 38\r\n", 400);
  expect_refused_and_closed(server, "Content-Length: 38\r\nTransfer-Encoding: chunked\r\n", 400);
  expect_refused_and_closed(server, "Transfer-Encoding: chunked\r\nContent-Length: 38\r\n", 400);
}

TEST(Hardening, DifferingContentLengthsAreRefusedAndClosed) {
  FocusdServer server;
  expect_refused_and_closed(server, "Content-Length: 38\r\nContent-Length: 0\r\n", 400);
  expect_refused_and_closed(server, "Content-Length: 0, 38\r\n", 400);
}

TEST(Hardening, TransferEncodingInHttp10IsRefused) {
  FocusdServer server;
  HttpClient client = server.client();
  client.send_raw("POST /api/version HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  EXPECT_EQ(client.read_response().status, 400);
  EXPECT_TRUE(client.closed_by_peer());
}

// --- 3. Host ------------------------------------------------------------------

TEST(Hardening, Http11WithoutHostOrWithTwoHostsIs400) {
  FocusdServer server;
  for (const std::string& head : {std::string("GET /api/version HTTP/1.1\r\n\r\n"),
                                  std::string("GET /api/version HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
                                  std::string("GET /api/version HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n")}) {
    HttpClient client = server.client();
    client.send_raw(head);
    auto res = client.read_response();
    EXPECT_EQ(res.status, 400) << head;
    EXPECT_EQ(res.json().at("error_values").as_object().count("Host"), 1u) << res.body;
  }
  HttpClient client = server.client();
  client.send_raw("GET /api/version HTTP/1.0\r\n\r\n");
  EXPECT_EQ(client.read_response().status, 200) << "HTTP/1.0 needs no Host";
}

// --- 4. Wrong-password floods ---------------------------------------------------

// `user`'s Basic credentials with another password.
Headers wrong_password(SeededUser user) {
  user.password = "not the password";
  return user.basic();
}

struct Tally {
  std::atomic<int> ok{0}, unauthorized{0}, throttled{0}, busy{0}, other{0};
  void count(const HttpResponse& res) {
    switch (res.status) {
      case 200: ++ok; break;
      case 401: ++unauthorized; break;
      case 429: ++throttled; break;
      case 503: ++busy; break;
      default: ++other;
    }
  }
};

TEST(Hardening, AWrongPasswordFloodIsThrottledAndDoesNotStallOtherRequests) {
#ifdef __SANITIZE_ADDRESS__
  GTEST_SKIP() << "AddressSanitizer's shadow memory makes RSS meaningless here";
#endif
  FocusdServer server({.extra_args = {"--password-hash-threads", "1", "--password-hash-queue", "4"}});
  auto victim = server.seed_user();
  auto bystander = server.seed_user();
  const std::string key = server.create_api_key(bystander.email);
  const std::string settings = "/api/users/me/settings";
  // The victim logged in a moment ago: that success is cached.
  ASSERT_EQ(server.client().get(settings, victim.basic()).status, 200);

  PeakRss rss(server.pid());
  Tally flood;
  std::vector<std::thread> attackers;
  const Headers wrong = wrong_password(victim);
  for (int c = 0; c < 32; ++c) {
    attackers.emplace_back([&] {
      HttpClient client = server.client();
      for (int i = 0; i < 6; ++i) flood.count(client.get(settings, wrong));
    });
  }
  // Meanwhile requests with an API key are answered.
  Tally keyed;
  HttpClient client = server.client();
  for (int i = 0; i < 20; ++i) keyed.count(client.get(settings, bearer(key)));
  for (auto& t : attackers) t.join();

  EXPECT_EQ(keyed.ok, 20);
  EXPECT_EQ(flood.ok + flood.other, 0);
  EXPECT_EQ(flood.unauthorized + flood.throttled + flood.busy, 192);
  // 10 failures (the default limit), plus those already past the check when
  // the tenth was recorded (at most threads + queue of them).
  EXPECT_LE(flood.unauthorized, 10 + 5);
  EXPECT_GT(flood.throttled, 0);
  const std::int64_t peak = rss.peak_mib();
  std::printf("flood: %d x 401, %d x 429, %d x 503; peak RSS %lld MiB\n", flood.unauthorized.load(),
              flood.throttled.load(), flood.busy.load(), static_cast<long long>(peak));
  EXPECT_LE(peak, 160);

  auto refused = server.client().get(settings, wrong);
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.json().at("error").as_string(), "too_many_requests");
  EXPECT_GE(std::stoi(refused.header("Retry-After")), 1);
  // Valid credentials from the same address go through: the victim's cached
  // password, and another account's password (never failed from here).
  EXPECT_EQ(server.client().get(settings, victim.basic()).status, 200);
  EXPECT_EQ(server.client().get(settings, bystander.basic()).status, 200);
  EXPECT_EQ(server.client().get(settings, bearer(key)).status, 200);
}

TEST(Hardening, TheLoginThrottleEndsWithItsWindow) {
  FocusdServer server(
      {.extra_args = {"--login-failure-limit", "2", "--login-failure-window", "2", "--auth-cache-ttl", "0"}});
  auto alice = server.seed_user();
  const Headers wrong = wrong_password(alice);
  HttpClient client = server.client();
  EXPECT_EQ(client.get("/api/users/me/settings", wrong).status, 401);
  EXPECT_EQ(client.get("/api/users/me/settings", wrong).status, 401);
  EXPECT_EQ(client.get("/api/users/me/settings", wrong).status, 429);
  EXPECT_EQ(client.get("/api/users/me/settings", alice.basic()).status, 429) << "the pair is throttled, not cached";
  std::this_thread::sleep_for(2100ms);
  EXPECT_EQ(client.get("/api/users/me/settings", alice.basic()).status, 200);
}

// A 429 for too many failed logins is sent --login-refusal-delay-ms late, and
// the refusals waiting hold no thread: with one blocking thread, a request
// with an API key is answered while eight of them wait.
TEST(Hardening, ALoginRefusalWaitsAndHoldsNoThread) {
  FocusdServer server(
      {.extra_args = {"--login-failure-limit", "1", "--login-refusal-delay-ms", "3000", "--blocking-threads", "1"}});
  auto alice = server.seed_user();
  const std::string key = server.create_api_key(alice.email);
  const std::string settings = "/api/users/me/settings";
  const Headers wrong = wrong_password(alice);
  ASSERT_EQ(server.client().get(settings, wrong).status, 401);  // the one failure allowed

  const auto start = std::chrono::steady_clock::now();
  std::atomic<int> throttled{0};
  std::vector<std::thread> guessers;
  for (int c = 0; c < 8; ++c) {
    guessers.emplace_back([&] {
      if (server.client().get(settings, wrong).status == 429) ++throttled;
    });
  }
  std::this_thread::sleep_for(300ms);  // the guesses arrive and wait
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(server.client().get(settings, bearer(key)).status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 1500ms) << "answered while the refusals wait";
  for (auto& t : guessers) t.join();
  EXPECT_EQ(throttled, 8);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 3000ms) << "each refusal waited 3 s";
}

TEST(Hardening, AFullPasswordQueueAnswers503AtOnce) {
  FocusdServer server(
      {.extra_args = {"--password-hash-threads", "1", "--password-hash-queue", "0", "--login-failure-limit", "0"}});
  auto alice = server.seed_user();
  const Headers wrong = wrong_password(alice);
  Tally tally;
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&] {
      HttpClient client = server.client();
      for (int i = 0; i < 4; ++i) tally.count(client.get("/api/users/me/settings", wrong));
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_GT(tally.busy, 0) << "one thread and no queue: concurrent checks beyond one are refused";
  EXPECT_EQ(tally.unauthorized + tally.busy, 32);
}

}  // namespace
}  // namespace focusd::test
