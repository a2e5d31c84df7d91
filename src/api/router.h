#pragma once
// Matches a method and path against the route table. Patterns are literal
// segments and typed `{name}` segments; every `{name}` is an id (a positive
// 64-bit integer), so a path whose id segment is not one is a 400 naming it.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/types.h"
#include "common/result.h"

namespace focusd::api {

struct Call;
// Handlers return a reply (a response, with a body source for a blob's bytes), or
// an Error that api/errors.h renders.
using Handler = boost::asio::awaitable<Result<Reply>> (*)(Call&);

// None: no body. Json: read whole (up to max_json_body_bytes) before the
// handler runs. Upload: multipart/form-data, read by the handler as it arrives.
enum class BodyKind { None, Json, Upload };
enum class Access { Public, Authenticated };

struct Route {
  http::verb method;
  std::string_view pattern;
  Handler handler;
  BodyKind body;
  Access access;
};

// The id segments that route patterns may use, `{organization_id}` and so on.
// A pattern with any other `{name}` is refused when the Router is built, so a
// handler can only ask for ids that exist.
enum class PathId { Organization, Workspace, Project, Task, Attachment, Client, Tag, Group, TimeEntry };

// "organization_id" for PathId::Organization, and so on.
std::string_view segment_name(PathId id);
// The PathId a segment name stands for; nullopt for any other name.
std::optional<PathId> path_id_named(std::string_view name);

class PathParams {
 public:
  void add(PathId id, std::int64_t value) { values_.emplace_back(id, value); }
  // The id the path bound to `id`. Throws std::logic_error when the route has
  // no such segment: a handler served on the wrong route is a bug (a 500).
  std::int64_t get(PathId id) const;
  // For a handler shared by routes with and without the segment (the
  // deprecated /api/workspaces/{workspace_id}/… aliases): nullopt when absent.
  std::optional<std::int64_t> find(PathId id) const;

 private:
  std::vector<std::pair<PathId, std::int64_t>> values_;
};

struct RouteLookup {
  const Route* route = nullptr;  // set when found
  PathParams params;
  // Set when not found: NotFound, MethodNotAllowed (see `allow`), or
  // InvalidArgument for a malformed id segment.
  std::optional<Error> error;
  std::string allow;  // for 405: the methods the path does accept, e.g. "GET, HEAD, PATCH"
};

class Router {
 public:
  // Throws std::invalid_argument for a pattern with an unknown `{name}`.
  explicit Router(std::vector<Route> routes);
  // HEAD is served by GET routes.
  RouteLookup lookup(http::verb method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Compiled {
    const Route* route;
    std::vector<std::string_view> segments;  // "{name}" marks an id segment
    std::vector<PathId> ids;                 // what each id segment binds, in order
  };
  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

// Splits "/a/b/c" into {"a","b","c"}; an empty segment (as in "/a//b" or a
// trailing "/") is kept so such paths match no route.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace focusd::api
