#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/json/object.hpp>

#include "api/handlers.h"
#include "api/json_util.h"
#include "api/routes.h"
#include "auth/crypto.h"
#include "common/metrics.h"
#include "common/offload.h"
#include "version.h"

namespace focusd::api::handlers {

awaitable<Result<Reply>> version(Call&) {
  boost::json::object body;
  body["version"] = kVersion;
  body["commit"] = kCommit;
  // The Swagger's api.VersionResponse names.
  body["name"] = "focusd";
  body["revision"] = kCommit;
  body["number"] = kVersionNumber;
  co_return json_response(http::status::ok, body);
}

// The OpenAPI document of what focusd serves (src/api/openapi.json).
awaitable<Result<Reply>> openapi(Call&) {
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, kJsonContentType);
  res.body() = openapi_document();
  co_return res;
}

namespace {

bool is_loopback(const boost::asio::ip::address& peer) {
  if (peer.is_v6() && peer.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, peer.to_v6()).is_loopback();
  }
  return peer.is_loopback();
}

bool metrics_allowed(const Call& call) {
  const Config& config = call.services.config;
  if (config.metrics == "open") return true;
  if (config.metrics == "loopback") return is_loopback(call.client_address);
  if (config.metrics != "token") return false;
  const std::string_view authorization = call.request[http::field::authorization];
  constexpr std::string_view kBearer = "Bearer ";
  return authorization.size() > kBearer.size() &&
         boost::beast::iequals(authorization.substr(0, kBearer.size()), kBearer) &&
         auth::constant_time_equal(authorization.substr(kBearer.size()), config.metrics_token);
}

}  // namespace

// The Prometheus metrics (common/metrics.h), to whom --metrics lets read
// them; anyone else gets the 404 of a path that does not exist.
awaitable<Result<Reply>> prometheus_metrics(Call& call) {
  if (!metrics_allowed(call)) co_return make_error(ErrorCode::NotFound, "no such resource");
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.body() = metrics::exposition();
  co_return res;
}

awaitable<Result<Reply>> healthz(Call&) {
  co_return json_response(http::status::ok, boost::json::object{{"status", "ok"}});
}

// Ready when the database answers (a PostgreSQL that does not: 503 until
// the pool reconnects), with the state of the disk and of the blob store
// beside it. A blob store that does not answer leaves the node ready: every
// request that needs no attachment bytes is still served.
awaitable<Result<Reply>> readyz(Call& call) {
  if (call.services.draining) {
    co_return make_error(ErrorCode::Unavailable, "draining: this node is shutting down");
  }
  const char* database = call.services.config.uses_postgres() ? "postgresql" : "sqlite";
  // On the blocking pool, not the blob pool: readiness never waits behind uploads.
  auto blobs = co_await offload(call.services.blocking, [&] { return call.services.blobs.ping(); });
  auto status = co_await offload(call.services.blocking, [&] { return call.services.store.ping(); });
  if (!status) {
    Error error = status.error();
    error.code = ErrorCode::Unavailable;
    error.description = std::string(database) + " database is not answering";
    co_return error;
  }
  co_return json_response(http::status::ok,
                          boost::json::object{{"status", "ready"},
                                              {"database", {{"kind", database}, {"state", "ok"}}},
                                              {"blobs",
                                               {{"kind", call.services.config.uses_s3() ? "s3" : "disk"},
                                                {"state", blobs ? "ok" : "unavailable"}}},
                                              {"disk", blob::DiskSpace::name(call.services.disk.state())}});
}

}  // namespace focusd::api::handlers
