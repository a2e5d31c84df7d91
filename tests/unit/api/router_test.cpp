#include "api/router.h"

#include <gtest/gtest.h>

#include "api/routes.h"
#include "common/ids.h"

namespace focusd::api {
namespace {

boost::asio::awaitable<Result<Reply>> noop(Call&) {
  co_return Response{};
}

Router test_router() {
  using http::verb;
  return Router({
      {verb::get, "/api/things", noop, BodyKind::None, Access::Public},
      {verb::post, "/api/things", noop, BodyKind::Json, Access::Authenticated},
      {verb::get, "/api/things/{project_id}", noop, BodyKind::None, Access::Public},
      {verb::get, "/api/things/special", noop, BodyKind::None, Access::Public},
      {verb::get, "/api/a/{workspace_id}/b/{task_id}", noop, BodyKind::None, Access::Public},
  });
}

TEST(Router, MatchesLiteralAndIdSegments) {
  Router router = test_router();
  auto found = router.lookup(http::verb::get, "/api/a/12/b/34");
  ASSERT_TRUE(found.route);
  EXPECT_EQ(found.params.get(PathId::Workspace), 12);
  EXPECT_EQ(found.params.get(PathId::Task), 34);
  EXPECT_THROW(found.params.get(PathId::Project), std::logic_error) << "the route has no such segment";
}

TEST(Router, APatternWithAnUnknownIdSegmentIsRefused) {
  EXPECT_THROW(Router({{http::verb::get, "/api/things/{thing_id}", noop, BodyKind::None, Access::Public}}),
               std::invalid_argument);
  for (PathId id : {PathId::Organization, PathId::Group}) EXPECT_EQ(path_id_named(segment_name(id)), id);
}

TEST(Router, LiteralWinsOverAMalformedId) {
  Router router = test_router();
  auto found = router.lookup(http::verb::get, "/api/things/special");
  ASSERT_TRUE(found.route);
  EXPECT_EQ(found.route->pattern, "/api/things/special");
}

TEST(Router, UnknownPathIsNotFound) {
  Router router = test_router();
  for (const char* path : {"/", "/api", "/api/thing", "/api/things/", "/api/things/1/x", "//api/things", ""}) {
    auto found = router.lookup(http::verb::get, path);
    ASSERT_TRUE(found.error) << path;
    EXPECT_EQ(found.error->code, ErrorCode::NotFound) << path;
  }
}

TEST(Router, WrongMethodListsTheAllowedOnes) {
  Router router = test_router();
  auto found = router.lookup(http::verb::delete_, "/api/things");
  ASSERT_TRUE(found.error);
  EXPECT_EQ(found.error->code, ErrorCode::MethodNotAllowed);
  EXPECT_EQ(found.allow, "GET, HEAD, POST");
}

TEST(Router, HeadIsServedByGet) {
  Router router = test_router();
  auto found = router.lookup(http::verb::head, "/api/things/5");
  ASSERT_TRUE(found.route);
  EXPECT_EQ(found.route->method, http::verb::get);
}

TEST(Router, MalformedIdNamesTheParameter) {
  Router router = test_router();
  auto found = router.lookup(http::verb::get, "/api/a/1/b/zero");
  ASSERT_TRUE(found.error);
  EXPECT_EQ(found.error->code, ErrorCode::InvalidArgument);
  EXPECT_EQ(found.error->values.count("task_id"), 1u);
}

TEST(Router, EveryRouteOfTheRealTableIsReachable) {
  Router router(route_table());
  for (const auto& route : router.routes()) {
    std::string path;
    for (auto segment : split_path(route.pattern)) {
      path += "/";
      path += segment.starts_with('{') ? std::string_view("7") : segment;
    }
    auto found = router.lookup(route.method, path);
    ASSERT_TRUE(found.route) << route.pattern;
    EXPECT_EQ(found.route, &route) << route.pattern;
  }
}

// A literal segment (`tasks/stream`) always wins over a capture in the same
// place (`tasks/{task_id}`), for every method: captures take only ids, and no
// literal of the table reads as one. So each route's own path, asked with any
// method, reaches a route of that same pattern or answers 405 naming that
// pattern's methods; never a capture's handler, never a 400 about an id.
TEST(Router, ALiteralSegmentIsNeverTakenByACapture) {
  Router router(route_table());
  for (const auto& route : router.routes()) {
    std::string path;
    for (auto segment : split_path(route.pattern)) {
      EXPECT_TRUE(segment.starts_with('{') || !parse_id(segment)) << route.pattern << ": a literal that reads as an id";
      path += "/";
      path += segment.starts_with('{') ? std::string_view("7") : segment;
    }
    std::string methods;  // those this pattern has, as Allow lists them
    for (const auto& other : router.routes()) {
      if (std::string_view(other.pattern) != route.pattern) continue;
      if (!methods.empty()) methods += ", ";
      methods += http::to_string(other.method);
      if (other.method == http::verb::get) methods += ", HEAD";
    }
    for (auto method : {http::verb::get, http::verb::post, http::verb::put, http::verb::patch, http::verb::delete_}) {
      auto found = router.lookup(method, path);
      if (found.route) {
        EXPECT_EQ(std::string_view(found.route->pattern), route.pattern) << http::to_string(method) << " " << path;
      } else {
        ASSERT_TRUE(found.error) << path;
        EXPECT_EQ(found.error->code, ErrorCode::MethodNotAllowed) << http::to_string(method) << " " << path;
        EXPECT_EQ(found.allow, methods) << http::to_string(method) << " " << path;
      }
    }
  }
}

TEST(SplitPath, KeepsEmptySegments) {
  EXPECT_EQ(split_path("/a/b"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(split_path("/a//b/"), (std::vector<std::string_view>{"a", "", "b", ""}));
  EXPECT_TRUE(split_path("no-slash").empty());
}

}  // namespace
}  // namespace focusd::api
