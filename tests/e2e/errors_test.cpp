// Routing errors and the Focus error body.
#include <gtest/gtest.h>

#include "support.h"

namespace focusd::test {
namespace {

void expect_error(const HttpResponse& res, int status, const std::string& code) {
  EXPECT_EQ(res.status, status) << res.body;
  auto body = res.json().as_object();
  EXPECT_EQ(body.at("error").as_string(), code);
  EXPECT_FALSE(body.at("error_description").as_string().empty());
  EXPECT_EQ(body.at("trace_id").as_string(), res.header("X-Request-Id"));
}

TEST(Errors, UnknownPathsAre404) {
  FocusdServer server;
  auto client = server.client();
  for (const char* target : {"/", "/api", "/api/", "/api/nope", "/api/version/", "/api//version", "/API/version",
                             "/api/organizations/1/workspaces/extra"}) {
    expect_error(client.get(target), 404, "not_found");
  }
}

TEST(Errors, WrongMethodIs405WithAllow) {
  FocusdServer server;
  auto client = server.client();
  auto res = client.request("DELETE", "/api/version");
  expect_error(res, 405, "method_not_allowed");
  EXPECT_EQ(res.header("Allow"), "GET, HEAD");
  auto settings = client.request("PUT", "/api/users/me/settings", {}, "{}");
  expect_error(settings, 405, "method_not_allowed");
  EXPECT_EQ(settings.header("Allow"), "GET, HEAD, PATCH");
}

TEST(Errors, PathIdsMustBePositive64BitIntegers) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto client = server.client();
  for (const char* id : {"0", "-1", "abc", "1.5", "%31", "9223372036854775808", "99999999999999999999", "+1"}) {
    auto res = client.get(std::string("/api/organizations/") + id + "/workspaces", alice.basic());
    expect_error(res, 400, "validation");
    EXPECT_TRUE(res.json().at("error_values").as_object().contains("organization_id")) << id;
  }
  // The largest id is well-formed, just not there.
  expect_error(client.get("/api/organizations/9223372036854775807/workspaces", alice.basic()), 404, "not_found");
}

TEST(Errors, AQueryStringDoesNotChangeTheRoute) {
  FocusdServer server;
  auto res = server.client().get("/api/version?x=1&y");
  EXPECT_EQ(res.status, 200);
}

// An operation that takes no body accepts `{}` or `null` (1 KiB at most), as
// SDKs send them; a longer body is refused before it is read.
TEST(Errors, GetWithABodyOverAKibIs413WithoutReadingIt) {
  FocusdServer server;
  auto client = server.client();
  client.send_raw("GET /api/version HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n");
  expect_error(client.read_response(), 413, "payload_too_large");
}

}  // namespace
}  // namespace focusd::test
