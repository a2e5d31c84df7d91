// Api::handle's last line of defence: a handler that throws is a bug, and
// becomes a logged 500 `internal` that leaks nothing.
#include "api/api.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <stdexcept>

#include "auth/crypto.h"
#include "common/blocking_pool.h"
#include "store/sqlite/sqlite_store.h"

namespace focusd::api {
namespace {

boost::asio::awaitable<Result<Reply>> throwing(Call&) {
  throw std::runtime_error("secret internals /etc/passwd");
  co_return Response{};
}

TEST(Api, AnExceptionInAHandlerBecomesA500WithoutInternals) {
  ASSERT_TRUE(auth::init_crypto());
  const auto dir = std::filesystem::temp_directory_path() / ("focusd-api-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto store = SqliteStore::open({(dir / "focusd.db").string(), 1, "full", std::chrono::milliseconds(1000)});
  ASSERT_TRUE(store);
  Config config;
  BlockingPool blocking(1, std::chrono::microseconds(0));
  auth::HashPool hashing(1, 0);
  auth::Authenticator authenticator(
      **store, {std::chrono::seconds(0), std::chrono::milliseconds(0), 0, std::chrono::seconds(60)});
  auto blobs = blob::make_disk_blob_store(dir.string());
  const blob::DiskSpace disk(dir.string());
  attachments::Service attachments(**store, *blobs, 0, blocking.context());
  std::atomic<bool> draining{false};
  Api api(Services{**store, authenticator, blocking.context(), blocking.context(), hashing, config, *blobs, disk,
                   attachments, draining},
          {{http::verb::get, "/boom", throwing, BodyKind::None, Access::Public}});

  boost::asio::io_context ioc;
  Request request{http::verb::get, "/boom", 11};
  RequestContext ctx;
  ctx.request_id = "req-boom";
  auto future = boost::asio::co_spawn(
      ioc,
      [&]() -> boost::asio::awaitable<std::optional<Reply>> {  // co_spawn's result needs a default
        auto refusal = co_await api.admit(request.base(), std::nullopt, false, ctx);
        EXPECT_FALSE(refusal);
        co_return co_await api.handle(request, ctx);
      },
      boost::asio::use_future);
  ioc.run();
  std::optional<Reply> reply = future.get();
  ASSERT_TRUE(reply);
  EXPECT_FALSE(reply->body);
  const Response& res = reply->response;
  EXPECT_EQ(res.result_int(), 500u);
  auto body = boost::json::parse(res.body());
  EXPECT_EQ(body.at("error").as_string(), "internal");
  EXPECT_EQ(body.at("trace_id").as_string(), "req-boom");
  EXPECT_EQ(res.body().find("secret"), std::string::npos);
  blocking.join();
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace focusd::api
