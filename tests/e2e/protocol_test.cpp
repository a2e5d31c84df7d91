// HTTP/1.1 behaviour: keep-alive, pipelining, limits and timeouts.
#include <gtest/gtest.h>

#include <thread>

#include "support.h"

namespace focusd::test {
namespace {

TEST(Protocol, KeepAliveServesManyRequestsOnOneConnection) {
  FocusdServer server;
  auto client = server.client();
  for (int i = 0; i < 20; ++i) {
    auto res = client.get("/api/version");
    ASSERT_EQ(res.status, 200);
    EXPECT_NE(res.header("Connection"), "close");
  }
}

TEST(Protocol, PipelinedRequestsAreAnsweredInOrder) {
  FocusdServer server;
  auto alice = server.seed_user();
  const std::string auth = alice.basic().front().second;
  auto client = server.client();
  std::string batch;
  // A slow (authenticated) request first: its answer must still come first.
  batch += "GET /api/users/me/settings HTTP/1.1\r\nHost: x\r\nX-Request-Id: r1\r\nAuthorization: " + auth + "\r\n\r\n";
  batch += "GET /api/version HTTP/1.1\r\nHost: x\r\nX-Request-Id: r2\r\n\r\n";
  batch += "GET /nope HTTP/1.1\r\nHost: x\r\nX-Request-Id: r3\r\n\r\n";
  batch += "HEAD /api/version HTTP/1.1\r\nHost: x\r\nX-Request-Id: r4\r\n\r\n";
  batch += "PATCH /api/users/me/settings HTTP/1.1\r\nHost: x\r\nX-Request-Id: r5\r\nAuthorization: " + auth +
           "\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"theme\":\"dark\"}\n";
  batch += "GET /api/version HTTP/1.1\r\nHost: x\r\nX-Request-Id: r6\r\n\r\n";
  client.send_raw(batch);
  const int expected[] = {200, 200, 404, 200, 200, 200};
  for (int i = 0; i < 6; ++i) {
    auto res = client.read_response(i == 3);
    EXPECT_EQ(res.header("X-Request-Id"), "r" + std::to_string(i + 1));
    EXPECT_EQ(res.status, expected[i]) << res.body;
  }
  EXPECT_EQ(client.get("/api/users/me/settings", alice.basic()).json().at("theme").as_string(), "dark");
}

TEST(Protocol, ConnectionCloseIsHonoured) {
  FocusdServer server;
  auto client = server.client();
  auto res = client.get("/api/version", {{"Connection", "close"}});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Connection"), "close");
  EXPECT_TRUE(client.closed_by_peer());
}

TEST(Protocol, Http10WithoutKeepAliveIsClosed) {
  FocusdServer server;
  auto client = server.client();
  client.send_raw("GET /api/version HTTP/1.0\r\n\r\n");
  auto res = client.read_response();
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(client.closed_by_peer());
}

TEST(Protocol, OversizedHeadersGet431) {
  FocusdServer server;
  auto client = server.client();
  client.send_raw("GET /api/version HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20 * 1024, 'a') + "\r\n\r\n");
  auto res = client.read_response();
  EXPECT_EQ(res.status, 431);
  EXPECT_EQ(res.json().at("error").as_string(), "header_too_large");
  EXPECT_EQ(res.json().at("trace_id").as_string(), res.header("X-Request-Id"));
  EXPECT_EQ(res.header("Connection"), "close");
}

TEST(Protocol, HeaderLimitIsASetting) {
  FocusdServer server({.extra_args = {"--max-header-bytes", "2048"}});
  auto client = server.client();
  EXPECT_EQ(client.get("/api/version", {{"X-Pad", std::string(1000, 'a')}}).status, 200);
  EXPECT_EQ(server.client().get("/api/version", {{"X-Pad", std::string(3000, 'a')}}).status, 431);
}

TEST(Protocol, OversizedBodyGets413BeforeTheBodyIsSent) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto client = server.client();
  // Only the head is sent: the answer must come from Content-Length alone.
  client.send_raw("PATCH /api/users/me/settings HTTP/1.1\r\nHost: x\r\nAuthorization: " + alice.basic().front().second +
                  "\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\n\r\n");
  auto res = client.read_response();
  EXPECT_EQ(res.status, 413);
  EXPECT_EQ(res.json().at("error").as_string(), "payload_too_large");
  EXPECT_EQ(res.header("Connection"), "close");
}

TEST(Protocol, UnauthenticatedBodyIsRejectedBeforeItIsRead) {
  FocusdServer server;
  auto client = server.client();
  client.send_raw(
      "PATCH /api/users/me/settings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 100000\r\n\r\n");
  EXPECT_EQ(client.read_response().status, 401);
}

TEST(Protocol, ChunkedBodyOverTheLimitGets413) {
  FocusdServer server({.extra_args = {"--max-json-body-bytes", "1024"}});
  auto alice = server.seed_user();
  auto client = server.client();
  std::string chunk(2000, ' ');
  client.send_raw("PATCH /api/users/me/settings HTTP/1.1\r\nHost: x\r\nAuthorization: " + alice.basic().front().second +
                  "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" + chunk +
                  "\r\n0\r\n\r\n");
  EXPECT_EQ(client.read_response().status, 413);
}

TEST(Protocol, ChunkedBodyWithinTheLimitIsRead) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto client = server.client();
  const std::string body = "{\"theme\":\"light\"}";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  client.send_raw("PATCH /api/users/me/settings HTTP/1.1\r\nHost: x\r\nAuthorization: " + alice.basic().front().second +
                  "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + body +
                  "\r\n0\r\n\r\n");
  auto res = client.read_response();
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.json().at("theme").as_string(), "light");
}

TEST(Protocol, ExpectContinueGetsA100BeforeTheBody) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto client = server.client();
  const std::string body = "{\"theme\":\"dark\"}";
  client.send_raw("PATCH /api/users/me/settings HTTP/1.1\r\nHost: x\r\nAuthorization: " + alice.basic().front().second +
                  "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n" +
                  "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n");
  EXPECT_EQ(client.read_response(true).status, 100);
  client.send_raw(body);
  EXPECT_EQ(client.read_response().status, 200);
}

TEST(Protocol, GarbageGets400AndTheServerGoesOn) {
  FocusdServer server;
  for (const std::string& garbage : {std::string("HELLO\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
                                     std::string("GET /api/version HTTP/1.1\r\nBad Header\r\n\r\n"),
                                     std::string("GET /api/version HTTP/1.1\r\nContent-Length: -5\r\n\r\n")}) {
    auto client = server.client();
    client.send_raw(garbage);
    auto res = client.read_response();
    EXPECT_EQ(res.status, 400) << garbage;
    EXPECT_EQ(res.json().at("error").as_string(), "validation");
  }
  EXPECT_EQ(server.client().get("/api/version").status, 200);
}

TEST(Protocol, SlowHeadersAreCutOffByTheHeaderTimeout) {
  FocusdServer server({.extra_args = {"--header-timeout", "1"}});
  auto client = server.client();
  client.send_raw("GET /api/version HTTP/1.1\r\nHost: x\r\n");  // never finished
  EXPECT_TRUE(client.closed_by_peer(std::chrono::milliseconds(4000)));
  EXPECT_EQ(server.client().get("/api/version").status, 200);
}

TEST(Protocol, IdleConnectionsAreClosedAfterTheIdleTimeout) {
  FocusdServer server({.extra_args = {"--idle-timeout", "1"}});
  auto client = server.client();
  ASSERT_EQ(client.get("/api/version").status, 200);
  EXPECT_TRUE(client.closed_by_peer(std::chrono::milliseconds(4000)));
}

TEST(Protocol, ConnectionsBeyondTheLimitAreRefusedPolitely) {
  FocusdServer server({.extra_args = {"--max-connections", "2"}});
  // Let the server notice that the fixture's readiness probe has hung up.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto first = server.client();
  auto second = server.client();
  ASSERT_EQ(first.get("/api/version").status, 200);
  ASSERT_EQ(second.get("/api/version").status, 200);
  auto third = server.client();
  auto refused = third.read_response();
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.json().at("error").as_string(), "unavailable");
  EXPECT_EQ(refused.header("Connection"), "close");
  // The existing connections are still served.
  EXPECT_EQ(first.get("/api/version").status, 200);
}

}  // namespace
}  // namespace focusd::test
