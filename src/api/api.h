#pragma once
// The application behind the HTTP transport: route lookup, authentication,
// body admission and dispatch to handlers. http/server.cpp calls admit() once
// the request head is read, reads the body only if admitted, then handle().

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <optional>
#include <string>

#include "api/router.h"
#include "api/routes.h"
#include "api/types.h"
#include "auth/authenticator.h"
#include "config/config.h"
#include "store/store.h"

namespace focusd::api {

struct Services {
  Store& store;
  auth::Authenticator& authenticator;
  boost::asio::thread_pool& blocking;
  const Config& config;
};

// What one request carries through admission and handling.
struct RequestContext {
  std::string request_id;
  RouteLookup lookup;
  std::optional<auth::AuthUser> user;
  std::size_t body_limit = 0;
};

// What a handler gets: the parsed request, its path ids, the caller.
struct Call {
  Services& services;
  const Request& request;
  const PathParams& params;
  const auth::AuthUser* user;  // never null on Access::Authenticated routes
  std::string_view request_id;
};

class Api {
 public:
  // Serves `routes` (the real table unless a test gives another).
  explicit Api(Services services, std::vector<Route> routes = route_table());

  // Decides, before any body byte is read, whether the request may proceed:
  // route (404/405/400), authentication (401), then the declared body size
  // against the route's limit (413) and content type (415). On success fills
  // ctx (route, params, user, body_limit) and returns nullopt.
  boost::asio::awaitable<std::optional<Error>> admit(const RequestHead& head,
                                                     std::optional<std::uint64_t> content_length, bool chunked,
                                                     RequestContext& ctx);

  // Runs the admitted request's handler. Never throws: an exception from a
  // handler is logged with the request id and becomes a 500 `internal`.
  boost::asio::awaitable<Response> handle(const Request& request, RequestContext& ctx);

  const Router& router() const { return router_; }

 private:
  Services services_;
  Router router_;
};

}  // namespace focusd::api
