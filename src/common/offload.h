#pragma once
// Runs blocking work (SQLite, Argon2id) on a pool of threads (the
// BlockingPool's context, the HashPool's thread_pool) and resumes the calling
// coroutine on its own executor, so network threads never block.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
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
  using R = std::invoke_result_t<F&>;
  metrics::Pool* const measured = metrics::pool_of(&pool);
  const auto queued_at = measured ? metrics::Clock::now() : metrics::Clock::time_point();
  if (measured) metrics::work_queued(*measured);
  // co_spawn needs a default-constructible result; optional<R> is one.
  std::optional<R> result = co_await boost::asio::co_spawn(
      pool,
      [&fn, measured, queued_at]() -> boost::asio::awaitable<std::optional<R>> {
        if (measured) metrics::work_started(*measured, metrics::seconds_since(queued_at));
        co_return std::optional<R>(fn());
      },
      boost::asio::use_awaitable);
  co_return std::move(*result);
}

}  // namespace focusd
