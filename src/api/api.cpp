#include "api/api.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/errors.h"
#include "api/json_util.h"
#include "common/logging.h"
#include "common/offload.h"
#include "common/strings.h"
#include "multipart/multipart.h"

namespace focusd::api {

namespace {
std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

bool is_json_media_type(std::string_view content_type) {
  auto type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return iequals(type, "application/json") || (type.size() > 5 && iequals(type.substr(type.size() - 5), "+json"));
}
// An operation that takes no body (archive, pin, a DELETE, a GET) still
// accepts what clients send for "nothing": no body, `{}` or `null`, of up to
// this many bytes (many SDKs send `{}` with every PATCH and POST). Anything
// else is a 400; a longer body a 413, unread.
constexpr std::uint64_t kNoBodyBytes = 1024;

// An upload may carry max_bulk_files files of the largest size, their part
// headers and a little room for the form fields.
std::uint64_t body_limit(BodyKind kind, const Config& config) {
  switch (kind) {
    case BodyKind::None: return kNoBodyBytes;
    case BodyKind::Json: return config.max_json_body_bytes;
    case BodyKind::Upload:
      return config.max_bulk_files * (config.max_upload_file_bytes + config.max_part_header_bytes + 256) + (1 << 20);
  }
  return 0;
}

// Uploads must leave the upload reserve free, other writes the write reserve;
// deletes and reads always go on (what a delete frees is usable again). An
// upload whose bytes go to S3 (`blobs_on_disk` false) writes only its rows here.
Status room_for(const Route& route, std::optional<std::uint64_t> content_length, const blob::DiskSpace& disk,
                bool blobs_on_disk) {
  if (route.body == BodyKind::Upload && blobs_on_disk) return disk.admit_upload(content_length.value_or(0));
  switch (route.method) {
    case http::verb::post:
    case http::verb::put:
    case http::verb::patch: return disk.admit_write();
    default: return Ok{};
  }
}

boost::asio::awaitable<void> pause(std::chrono::milliseconds delay) {
  if (delay.count() == 0) co_return;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
  co_await timer.async_wait(boost::asio::use_awaitable);
}
}  // namespace

Api::Api(Services services, std::vector<Route> routes) : services_(services), router_(std::move(routes)) {}

boost::asio::awaitable<std::optional<Error>> Api::admit(const RequestHead& head,
                                                        std::optional<std::uint64_t> content_length, bool chunked,
                                                        RequestContext& ctx) {
  ctx.lookup = router_.lookup(head.method(), path_of(head.target()));
  if (ctx.lookup.error) co_return ctx.lookup.error;
  const Route& route = *ctx.lookup.route;

  if (route.access == Access::Authenticated) {
    const std::string authorization(head[http::field::authorization]);
    auto user = co_await authenticate(authorization, ctx.client_address);
    if (!user) co_return user.error();
    ctx.user = std::move(user.value());
  }

  ctx.body_limit = body_limit(route.body, services_.config);
  const bool has_body = chunked || content_length.value_or(0) > 0;
  if (content_length && *content_length > ctx.body_limit) {
    co_return make_error(ErrorCode::PayloadTooLarge,
                         route.body == BodyKind::None
                             ? "this operation takes no request body"
                             : "request body exceeds " + std::to_string(ctx.body_limit) + " bytes");
  }
  if (route.body == BodyKind::Upload) {
    auto boundary = multipart::boundary_of(head[http::field::content_type]);
    if (!boundary) co_return boundary.error();
  }
  if (has_body && route.body == BodyKind::Json) {
    auto content_type = head[http::field::content_type];
    if (!content_type.empty() && !is_json_media_type(content_type)) {
      co_return make_error(ErrorCode::UnsupportedMediaType, "request body must be application/json");
    }
  }
  if (auto room = room_for(route, content_length, services_.disk, !services_.config.uses_s3()); !room) {
    logging::event(spdlog::level::warn, "disk nearly full; write refused",
                   {{"request_id", ctx.request_id}, {"detail", room.error().detail}});
    co_return room.error();
  }
  co_return std::nullopt;
}

boost::asio::awaitable<Result<auth::AuthUser>> Api::authenticate(const std::string& authorization,
                                                                 const boost::asio::ip::address& client) {
  auto& authenticator = services_.authenticator;
  const auto credentials = auth::parse_authorization(authorization);
  if (!credentials) co_return credentials.error();
  // Only password logins are throttled by client (an API key's request needs no key of it).
  const auto* basic = std::get_if<auth::BasicCredentials>(&credentials.value());
  const std::string client_key = basic ? auth::throttle_key(client) : std::string();
  if (basic) {
    if (auto refusal = authenticator.throttled(*basic, client_key)) {
      // A client that keeps guessing waits for its refusal: a flood of them
      // costs timers, not the CPU that everyone else's requests need.
      co_await pause(services_.config.login_refusal_delay);
      co_return *refusal;
    }
  }
  if (auto user = authenticator.remembered(credentials.value())) co_return *user;
  auto begun = co_await offload(services_.blocking, [&] { return authenticator.begin(credentials.value()); });
  if (!begun) co_return begun.error();
  if (auto* user = std::get_if<auth::AuthUser>(&begun.value())) co_return *user;
  const auto& check = std::get<auth::PasswordCheck>(begun.value());
  auto ticket = services_.hashing.admit();
  if (!ticket) {
    co_return make_error(ErrorCode::Unavailable, "too many password checks in progress; retry shortly");
  }
  const bool verified =
      co_await offload(services_.hashing.executor(), [&] { return auth::Authenticator::verify(check); });
  co_return authenticator.finish(check, verified, client_key);
}

boost::asio::awaitable<Reply> Api::handle(const Request& request, RequestContext& ctx) {
  Call call{services_,      request,  ctx.lookup.params, ctx.user ? &*ctx.user : nullptr,
            ctx.request_id, ctx.body, ctx.client_address};
  if (ctx.lookup.route->body == BodyKind::None && !says_nothing(request.body())) {
    co_return error_response(invalid("body", "this operation takes no request body (none, {} or null)"),
                             ctx.request_id);
  }
  std::optional<Result<Reply>> result;
  try {
    result = co_await ctx.lookup.route->handler(call);
  } catch (const std::exception& e) {
    result.emplace(internal_error(std::string("uncaught exception: ") + e.what()));
  }
  if (result->ok()) co_return std::move(*result).value();
  const Error& error = result->error();
  if (error.code == ErrorCode::Internal || error.code == ErrorCode::InsufficientStorage) {
    logging::event(spdlog::level::err, error.code == ErrorCode::Internal ? "internal error" : "disk full",
                   {{"request_id", ctx.request_id}, {"detail", error.detail}});
  }
  co_return error_response(error, ctx.request_id);
}

}  // namespace focusd::api
