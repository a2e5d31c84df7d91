#pragma once
// Runs blocking work (SQLite, Argon2id) on a pool of threads (the
// BlockingPool's context, the HashPool's thread_pool) and resumes the calling
// coroutine on its own executor, so network threads never block.

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <optional>
#include <type_traits>

#include "common/metrics.h"

namespace focusd {

// `pool` is an execution context. `fn` is taken by reference: the caller
// awaits at once, so it outlives the call. Pass lambdas that capture by
// reference only: g++ 12 destroys a temporary with a non-trivial destructor
// inside a co_await expression twice.
// A pool named to common/metrics.h has its queue and waits measured.
template <class ExecutionContext, class F>
auto offload(ExecutionContext& pool, F&& fn) -> boost::asio::awaitable<std::invoke_result_t<F&>> {
  namespace asio = boost::asio;
  using R = std::invoke_result_t<F&>;
  metrics::Pool* const measured = metrics::pool_of(&pool);
  const auto queued_at = measured ? metrics::Clock::now() : metrics::Clock::time_point();
  if (measured) metrics::work_queued(*measured);
  std::optional<R> result;
  // The work goes to the pool as a plain handler, which posts the coroutine
  // back to its own executor (kept from running out of work meanwhile) when
  // done. co_spawn made a coroutine of it instead, with frames allocated on
  // one thread and freed on the other: GET by id ran 11-13 % slower.
  co_await asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr)>(
      [&](auto handler) {
        auto home = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
        asio::post(pool, [&, home, handler = std::move(handler)]() mutable {
          if (measured) metrics::work_started(*measured, metrics::seconds_since(queued_at));
          std::exception_ptr failure;
          try {
            result.emplace(fn());
          } catch (...) {
            failure = std::current_exception();
          }
          asio::post(home, [handler = std::move(handler), failure]() mutable { std::move(handler)(failure); });
        });
      },
      asio::use_awaitable);
  co_return std::move(*result);
}

}  // namespace focusd
