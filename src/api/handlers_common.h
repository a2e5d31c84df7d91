#pragma once
// Small pieces every resource handler uses.

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/value.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "api/api.h"
#include "api/query.h"
#include "common/metrics.h"
#include "common/offload.h"
#include "domain/project_access.h"

namespace focusd::api {

// The caller's access to the workspace of the path (`workspace_id`, and
// `organization_id` when the path has it). NotFound for a workspace the
// caller cannot reach, exactly as for one that does not exist.
boost::asio::awaitable<Result<WorkspaceAccess>> workspace_access(Call& call);
// The same, as a store read (blocking), for a handler that checks access and
// reads in one trip to the blocking pool (inside in_store).
Result<WorkspaceAccess> workspace_access_in(const Call& call, Store& store);

// The request's query string, parsed.
Result<Query> query_of(const Call& call);

namespace detail {

template <class F>
auto run_in_store(Call& call, metrics::DatabaseCall kind, F&& fn)
    -> boost::asio::awaitable<std::invoke_result_t<F&, Store&>> {
  co_return co_await offload(call.services.blocking, [&]() {
    const auto start = metrics::Clock::now();
    std::optional<std::invoke_result_t<F&, Store&>> result;
    call.services.store.in_session([&] { result.emplace(fn(call.services.store)); });
    metrics::database_call(kind, metrics::seconds_since(start), metrics::database_failed(*result));
    return std::move(*result);
  });
}

}  // namespace detail

// Runs `fn(store)` on the blocking pool, its reads in one session (see
// Store::in_session); await it at once.
template <class F>
auto in_store(Call& call, F&& fn) -> boost::asio::awaitable<std::invoke_result_t<F&, Store&>> {
  co_return co_await detail::run_in_store(call, metrics::DatabaseCall::Read, std::forward<F>(fn));
}

// Runs `fn(store)`, which writes, as Store::write_async does: on SQLite, on
// the writer thread inside a group commit, resuming once all it wrote is
// durable, with no thread held while the group's fsync runs. Its reads see
// the group's writes. Await it at once.
template <class F>
auto in_store_write(Call& call, F&& fn) -> boost::asio::awaitable<std::invoke_result_t<F&, Store&>> {
  Store& store = call.services.store;
  // A store without a writer thread (PostgreSQL) writes on the blocking pool,
  // as it reads: never on this I/O thread.
  if (!store.has_own_writer()) {
    co_return co_await detail::run_in_store(call, metrics::DatabaseCall::Write, std::forward<F>(fn));
  }
  const auto began = metrics::Clock::now();
  std::optional<std::invoke_result_t<F&, Store&>> result;
  std::exception_ptr thrown;
  auto run = [&] {
    try {
      result.emplace(fn(store));
    } catch (...) {
      thrown = std::current_exception();
    }
  };
  auto start = [&](auto handler) {
    auto waiting = std::make_shared<decltype(handler)>(std::move(handler));
    store.write_async(run, [waiting](std::optional<Error> failure) {
      auto executor = boost::asio::get_associated_executor(*waiting);
      boost::asio::post(
          executor, [waiting, failure = std::move(failure)]() mutable { std::move (*waiting)(std::move(failure)); });
    });
  };
  std::optional<Error> failure =
      co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(std::optional<Error>)>(
          start, boost::asio::use_awaitable);
  const bool failed =
      thrown || (failure && metrics::database_failed(*failure)) || (result && metrics::database_failed(*result));
  metrics::database_call(metrics::DatabaseCall::Write, metrics::seconds_since(began), failed);
  if (thrown) std::rethrow_exception(thrown);
  if (failure) co_return *failure;
  co_return std::move(*result);
}

Response no_content();

// The path's project as the caller sees it, with the caller's access.
using LoadedProject = ProjectWithAccess;
// NotFound when the project does not exist, is deleted (unless
// include_deleted) or may not be seen by the caller.
boost::asio::awaitable<Result<LoadedProject>> load_project(Call& call, bool include_deleted = false);
// Forbidden unless the caller may do `action` to the loaded project.
Status require_project(const LoadedProject& loaded, domain::ProjectAction action);

// The path's task as the caller sees it (its visibility follows its project's).
struct LoadedTask {
  WorkspaceAccess access;
  TaskRecord task;
};
// NotFound when the task does not exist, is deleted (unless include_deleted)
// or may not be seen by the caller.
boost::asio::awaitable<Result<LoadedTask>> load_task(Call& call, bool include_deleted = false);

inline boost::json::value json_or_null(const std::optional<std::string>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}
inline boost::json::value json_or_null(const std::optional<Timestamp>& v) {
  return v ? boost::json::value(v->view()) : boost::json::value(nullptr);
}
// Whole amounts as JSON integers (1500, not 1.5E3); others as decimals.
inline boost::json::value json_number(double v) {
  if (v == static_cast<double>(static_cast<std::int64_t>(v)) && v < 9e15 && v > -9e15) {
    return static_cast<std::int64_t>(v);
  }
  return v;
}
inline boost::json::value json_or_null(const std::optional<std::int64_t>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

}  // namespace focusd::api
