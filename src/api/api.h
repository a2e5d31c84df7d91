#pragma once
// The application behind the HTTP transport: route lookup, authentication,
// body admission and dispatch to handlers. http/server.cpp calls admit() once
// the request head is read, reads the body only if admitted, then handle().

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/router.h"
#include "api/routes.h"
#include "api/types.h"
#include "attachments/attachments.h"
#include "auth/authenticator.h"
#include "auth/hash_pool.h"
#include "blob/blob_store.h"
#include "blob/disk_space.h"
#include "config/config.h"
#include "store/store.h"

namespace focusd::api {

struct Services {
  Store& store;
  auth::Authenticator& authenticator;
  boost::asio::io_context& blocking;   // the BlockingPool's (common/blocking_pool.h)
  boost::asio::io_context& blob_work;  // another BlockingPool's: the blob store's calls, which may wait long
  auth::HashPool& hashing;             // Argon2id verifications, never on `blocking`
  const Config& config;
  blob::BlobStore& blobs;
  const blob::DiskSpace& disk;        // writes other than deletes are refused when it is low
  attachments::Service& attachments;  // creates and deletes attachments with their bytes
  std::atomic<bool>& draining;        // set by drain(): /readyz answers 503 from then on
};

// The body of an upload route (BodyKind::Upload), read as it arrives.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // The next bytes of the body, empty at its end. Valid until the read after
  // the next one, so a piece can be worked on while the next is read.
  // An error is a broken body (InvalidArgument, PayloadTooLarge) or a peer
  // that went away (after which nothing is answered).
  virtual boost::asio::awaitable<Result<std::string_view>> read() = 0;
  // Bytes of the body not read yet, when its length is known (Content-Length);
  // nullopt for a chunked body.
  virtual std::optional<std::uint64_t> left() const = 0;
};

// What one request carries through admission and handling.
struct RequestContext {
  std::string request_id;
  boost::asio::ip::address client_address;  // the peer of the connection
  RouteLookup lookup;
  std::optional<auth::AuthUser> user;
  std::uint64_t body_limit = 0;
  BodyReader* body = nullptr;  // set by the transport for upload routes
};

// What a handler gets: the parsed request, its path ids, the caller.
struct Call {
  Services& services;
  const Request& request;
  const PathParams& params;
  const auth::AuthUser* user;  // never null on Access::Authenticated routes
  std::string_view request_id;
  BodyReader* body;                                // upload routes: the body, not yet read
  const boost::asio::ip::address& client_address;  // the peer of the connection
};

class Api {
 public:
  // Serves `routes` (the real table unless a test gives another).
  explicit Api(Services services, std::vector<Route> routes = route_table());

  // Decides, before any body byte is read, whether the request may proceed:
  // route (404/405/400), authentication (401; 429 for a client that guessed
  // too many passwords, 503 when the password checks are all busy), then the declared body size
  // against the route's limit (413) and content type (415; upload routes
  // must be multipart/form-data with a boundary), and the free disk space
  // (507 for uploads and other writes; deletes always go on). On success fills
  // ctx (route, params, user, body_limit) and returns nullopt.
  boost::asio::awaitable<std::optional<Error>> admit(const RequestHead& head,
                                                     std::optional<std::uint64_t> content_length, bool chunked,
                                                     RequestContext& ctx);

  // Runs the admitted request's handler: its reply, or its Error rendered.
  // Never throws: an exception from a handler is logged with the request id
  // and becomes a 500 `internal`.
  boost::asio::awaitable<Reply> handle(const Request& request, RequestContext& ctx);

  const Router& router() const { return router_; }
  boost::asio::io_context& blocking() const { return services_.blocking; }
  // The node is about to stop: /readyz answers 503 ("draining") from now on,
  // so that a load balancer sends its new requests elsewhere; every other
  // request is served as before.
  void drain() { services_.draining = true; }

 private:
  // The caller that `authorization` names (see auth::Authenticator): database
  // reads on the blocking pool, a password check on the hash pool.
  boost::asio::awaitable<Result<auth::AuthUser>> authenticate(const std::string& authorization,
                                                              const boost::asio::ip::address& client);

  Services services_;
  Router router_;
};

}  // namespace focusd::api
