#pragma once
// The process's Prometheus metrics: counters, gauges and histograms filled
// by each layer as it works, written out in the text exposition format
// (0.0.4) by GET /metrics. Every metric is listed, with what it means, in the
// README ("Metrics"); the names follow Prometheus' conventions (base units,
// `_total` for counters, `process_*` as every client library writes them).
//
// Not prometheus-cpp: Debian ships it as a shared library only, which loads
// a second C++ runtime into this statically linked binary and cost an idle
// focusd 1.1 MiB of its 9.7 MiB (README, "Metrics"); its histograms also
// take a mutex per value. Here every series is atomics, written without a
// lock; the series a request adds to are found in a per-thread cache, never
// by building labels. Label values come from fixed sets only (route
// patterns, known methods, the statuses focusd answers), so no client can
// make the series grow.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace focusd::metrics {

using Clock = std::chrono::steady_clock;

// Seconds since `start`, as a histogram takes them.
inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// --- HTTP (http/server.cpp) ---
// A connection accepted / closed.
void connection_opened();
void connection_closed();
// A request answered (status 0: the client went away before the answer),
// `seconds` after its head was read. `route` is the route's pattern ("" when
// it matched none), `method` the request's (a method HTTP/1.1 does not name
// is counted as "other").
void request_finished(std::string_view method, std::string_view route, unsigned status, double seconds);
// Counts a request in flight for as long as it lives.
class InFlight {
 public:
  InFlight();
  ~InFlight();
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
};
// Bytes of upload bodies (multipart/form-data) read.
void upload_bytes(std::uint64_t bytes);

// --- Pools (common/offload.h) ---
// A context whose offloaded work is measured under `name` ("blocking",
// "password_hash"); others are not. Register before serving begins: the
// lookups take no lock.
void name_pool(const void* context, std::string_view name);
// The measures of one named pool: work queued but not yet running, and how
// long it waited.
class Pool;
Pool* pool_of(const void* context);  // nullptr when not named
void work_queued(Pool& pool);
void work_started(Pool& pool, double waited_seconds);

// --- Database (api/handlers_common.h, the stores' fast paths, attachments) ---
enum class DatabaseCall { Read, Write };
// One call into the store, and whether the database failed it.
void database_call(DatabaseCall call, double seconds, bool failed);
// Whether a store's answer is the database failing: an internal error or
// unavailable (a NotFound or a Conflict is an answer, not a failure).
inline bool database_failed(const Error& error) {
  return error.code == ErrorCode::Internal || error.code == ErrorCode::Unavailable;
}
template <class R>
bool database_failed(const R& answer) {
  if constexpr (requires { answer.error(); }) {
    return !answer && database_failed(answer.error());
  } else {
    return false;
  }
}

// --- Blob store (blob/measured_blob_store.h) ---
enum class BlobCall { Stage, Write, Finish, Publish, Open, Remove };
void blob_call(BlobCall call, double seconds, bool failed);

// --- PostgreSQL's remembered project reads (store/postgres/read_cache.h) ---
// Answered from memory (its workspace's epoch had not moved), read again
// because it had, or read because nothing was remembered.
enum class CachedRead { Hit, Stale, Miss };
void cached_read(CachedRead result);

// Every metric in the text exposition format (version 0.0.4), the process's
// own (RSS, open descriptors, start time, uptime) read now.
std::string exposition();

}  // namespace focusd::metrics
