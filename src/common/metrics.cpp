#include "common/metrics.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace focusd::metrics {
namespace {

// From half a millisecond (a GET by id) to half a minute (a large upload).
constexpr std::array<double, 15> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                            0.25,   0.5,   1,      2.5,   5,    10,    30};

const auto kStartedWall = std::chrono::system_clock::now();
const auto kStarted = Clock::now();

// One series of a histogram: counts per bucket (not cumulative: the
// exposition adds them up), their number and the sum of the values, each an
// atomic written without a lock.
struct Histogram {
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets{};  // the last: above every bound
  std::atomic<std::uint64_t> count{0};
  std::atomic<std::uint64_t> sum_ns{0};

  void observe(double seconds) {
    std::size_t i = 0;
    while (i < kBounds.size() && seconds > kBounds[i]) ++i;
    buckets[i].fetch_add(1, std::memory_order_relaxed);
    count.fetch_add(1, std::memory_order_relaxed);
    sum_ns.fetch_add(static_cast<std::uint64_t>(std::max(seconds, 0.0) * 1e9), std::memory_order_relaxed);
  }
};

// A counter's or a histogram's series by their labels' text (`a="x",b="y"`),
// made on first use and never removed.
template <class Series>
class Family {
 public:
  Family(const char* name, const char* help) : name_(name), help_(help) {}
  Series& at(const std::string& labels) {
    std::lock_guard lock(mutex_);
    auto& series = series_[labels];
    if (!series) series = std::make_unique<Series>();
    return *series;
  }
  template <class F>
  void each(F&& fn) const {
    std::lock_guard lock(mutex_);
    for (const auto& [labels, series] : series_) fn(labels, *series);
  }
  const char* name() const { return name_; }
  const char* help() const { return help_; }

 private:
  const char* name_;
  const char* help_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Series>> series_;  // sorted: the exposition is stable
};

using Counter = std::atomic<std::uint64_t>;
using Gauge = std::atomic<std::int64_t>;

struct Registry {
  Family<Counter> requests{"focusd_http_requests_total", "Requests answered, by method, route pattern and status"};
  Family<Histogram> request_seconds{
      "focusd_http_request_duration_seconds",
      "Time from a request's head read to its response written, by method, route pattern and status"};
  Gauge in_flight{0};
  Gauge connections{0};
  Counter upload_bytes{0};
  Family<Gauge> pool_queued{"focusd_pool_queued", "Work handed to a thread pool and not yet started, by pool"};
  Family<Histogram> pool_wait{"focusd_pool_wait_seconds", "How long work waited for a thread of a pool, by pool"};
  Family<Histogram> database_seconds{"focusd_database_call_duration_seconds",
                                     "Calls into the database, reads and writes (a write until durable), by call"};
  Family<Counter> database_errors{"focusd_database_errors_total",
                                  "Calls the database failed (internal errors, unavailable), by call"};
  Family<Histogram> blob_seconds{"focusd_blob_call_duration_seconds",
                                 "Calls into the blob store (files or S3), by call"};
  Family<Counter> blob_errors{"focusd_blob_errors_total", "Blob store calls that failed, by call"};
  Family<Counter> cached_reads{"focusd_database_cached_reads_total",
                               "Project reads by id on PostgreSQL, by whether a remembered answer was current (hit), "
                               "outdated (stale) or absent (miss)"};
};

Registry& registry() {
  static Registry r;
  return r;
}

// A label value as the text format writes it: \, " and newlines escaped.
std::string label(std::string_view name, std::string_view value) {
  std::string text(name);
  text += "=\"";
  for (const char c : value) {
    if (c == '\\' || c == '"') text += '\\';
    if (c == '\n') {
      text += "\\n";
      continue;
    }
    text += c;
  }
  text += '"';
  return text;
}

std::string_view method_label(std::string_view method) {
  static constexpr std::array<std::string_view, 9> kMethods = {"GET",    "HEAD",    "POST",  "PUT",    "PATCH",
                                                               "DELETE", "OPTIONS", "TRACE", "CONNECT"};
  for (const auto known : kMethods) {
    if (known == method) return known;
  }
  return "other";
}

struct RequestSeries {
  Counter* count;
  Histogram* seconds;
};

// The series of one (method, route, status), from this thread's cache: a
// family's lookup locks and builds the labels' text, which no request should
// pay for twice.
RequestSeries& request_series(std::string_view method, std::string_view route, unsigned status) {
  thread_local std::unordered_map<std::string, RequestSeries> cache;
  thread_local std::string key;
  const std::string_view method_value = method_label(method);
  const std::string_view route_value = route.empty() ? std::string_view("unmatched") : route;
  key.assign(method_value).append(" ").append(route_value).append(" ").append(std::to_string(status));
  if (auto found = cache.find(key); found != cache.end()) return found->second;
  const std::string labels =
      label("method", method_value) + "," + label("route", route_value) + "," + label("status", std::to_string(status));
  Registry& r = registry();
  return cache.emplace(key, RequestSeries{&r.requests.at(labels), &r.request_seconds.at(labels)}).first->second;
}

std::string_view call_label(DatabaseCall call) {
  switch (call) {
    case DatabaseCall::Read: return "read";
    case DatabaseCall::Write: return "write";
  }
  return "";
}

std::string_view call_label(BlobCall call) {
  switch (call) {
    case BlobCall::Stage: return "stage";
    case BlobCall::Write: return "write";
    case BlobCall::Finish: return "finish";
    case BlobCall::Publish: return "publish";
    case BlobCall::Open: return "open";
    case BlobCall::Remove: return "remove";
  }
  return "";
}

// The series of the calls of each kind (an enum's values, 0..N-1), made
// once: a histogram and an error counter apiece.
struct CallSeries {
  Histogram* seconds;
  Counter* errors;
};

template <class Call, std::size_t N>
std::array<CallSeries, N> call_series(Family<Histogram>& seconds, Family<Counter>& errors) {
  std::array<CallSeries, N> series{};
  for (std::size_t i = 0; i < N; ++i) {
    const std::string labels = label("call", call_label(static_cast<Call>(i)));
    series[i] = {&seconds.at(labels), &errors.at(labels)};
  }
  return series;
}

std::int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t pages = 0;
  std::int64_t resident = 0;
  statm >> pages >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

std::int64_t open_fds() {
  std::error_code ec;
  std::int64_t count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++count;
  return count > 0 ? count - 1 : 0;  // less the one the listing holds open
}

// The text exposition format, version 0.0.4.
class Writer {
 public:
  void header(const char* name, const char* help, const char* type) {
    out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  }
  void sample(std::string_view name, std::string_view labels, double value) {
    out_.append(name);
    if (!labels.empty()) out_.append("{").append(labels).append("}");
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    out_.append(" ").append(text, end).append("\n");
  }
  void scalar(const char* name, const char* help, const char* type, double value) {
    header(name, help, type);
    sample(name, "", value);
  }
  template <class Series>
  void family(const Family<Series>& family, const char* type) {
    header(family.name(), family.help(), type);
    family.each([&](const std::string& labels, const Series& series) {
      sample(family.name(), labels, static_cast<double>(series.load(std::memory_order_relaxed)));
    });
  }
  void histograms(const Family<Histogram>& family) {
    header(family.name(), family.help(), "histogram");
    const std::string name = family.name();
    family.each([&](const std::string& labels, const Histogram& h) {
      const std::string with = labels.empty() ? "" : labels + ",";
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i <= kBounds.size(); ++i) {
        cumulative += h.buckets[i].load(std::memory_order_relaxed);
        std::string le = "+Inf";
        if (i < kBounds.size()) {
          char text[32];
          le.assign(text, std::to_chars(text, text + sizeof text, kBounds[i], std::chars_format::fixed).ptr);
        }
        sample(name + "_bucket", with + label("le", le), static_cast<double>(cumulative));
      }
      sample(name + "_sum", labels, static_cast<double>(h.sum_ns.load(std::memory_order_relaxed)) / 1e9);
      sample(name + "_count", labels, static_cast<double>(h.count.load(std::memory_order_relaxed)));
    });
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace

class Pool {
 public:
  Pool(Gauge& queued, Histogram& wait) : queued_(&queued), wait_(&wait) {}
  void queued() { queued_->fetch_add(1, std::memory_order_relaxed); }
  void started(double waited_seconds) {
    queued_->fetch_sub(1, std::memory_order_relaxed);
    wait_->observe(waited_seconds);
  }

 private:
  Gauge* queued_;
  Histogram* wait_;
};

namespace {

constexpr std::size_t kMaxPools = 4;
std::array<std::pair<const void*, std::optional<Pool>>, kMaxPools> pools;
std::atomic<std::size_t> pools_named{0};

}  // namespace

void connection_opened() {
  registry().connections.fetch_add(1, std::memory_order_relaxed);
}

void connection_closed() {
  registry().connections.fetch_sub(1, std::memory_order_relaxed);
}

InFlight::InFlight() {
  registry().in_flight.fetch_add(1, std::memory_order_relaxed);
}

InFlight::~InFlight() {
  registry().in_flight.fetch_sub(1, std::memory_order_relaxed);
}

void request_finished(std::string_view method, std::string_view route, unsigned status, double seconds) {
  RequestSeries& series = request_series(method, route, status);
  series.count->fetch_add(1, std::memory_order_relaxed);
  series.seconds->observe(seconds);
}

void upload_bytes(std::uint64_t bytes) {
  registry().upload_bytes.fetch_add(bytes, std::memory_order_relaxed);
}

void name_pool(const void* context, std::string_view name) {
  const std::size_t index = pools_named.load();
  if (index == kMaxPools) return;
  Registry& r = registry();
  const std::string labels = label("pool", name);
  pools[index].first = context;
  pools[index].second.emplace(r.pool_queued.at(labels), r.pool_wait.at(labels));
  pools_named.store(index + 1, std::memory_order_release);
}

Pool* pool_of(const void* context) {
  const std::size_t named = pools_named.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < named; ++i) {
    if (pools[i].first == context) return &*pools[i].second;
  }
  return nullptr;
}

void work_queued(Pool& pool) {
  pool.queued();
}

void work_started(Pool& pool, double waited_seconds) {
  pool.started(waited_seconds);
}

void database_call(DatabaseCall call, double seconds, bool failed) {
  static const auto kSeries = call_series<DatabaseCall, 2>(registry().database_seconds, registry().database_errors);
  const CallSeries& s = kSeries[static_cast<std::size_t>(call)];
  s.seconds->observe(seconds);
  if (failed) s.errors->fetch_add(1, std::memory_order_relaxed);
}

void blob_call(BlobCall call, double seconds, bool failed) {
  static const auto kSeries = call_series<BlobCall, 6>(registry().blob_seconds, registry().blob_errors);
  const CallSeries& s = kSeries[static_cast<std::size_t>(call)];
  s.seconds->observe(seconds);
  if (failed) s.errors->fetch_add(1, std::memory_order_relaxed);
}

void cached_read(CachedRead result) {
  static const std::array<Counter*, 3> kSeries = {&registry().cached_reads.at(label("result", "hit")),
                                                  &registry().cached_reads.at(label("result", "stale")),
                                                  &registry().cached_reads.at(label("result", "miss"))};
  kSeries[static_cast<std::size_t>(result)]->fetch_add(1, std::memory_order_relaxed);
}

std::string exposition() {
  Registry& r = registry();
  Writer w;
  w.family(r.requests, "counter");
  w.histograms(r.request_seconds);
  w.scalar("focusd_http_requests_in_flight", "Requests read and not yet answered", "gauge",
           static_cast<double>(r.in_flight.load()));
  w.scalar("focusd_http_connections", "Open client connections", "gauge", static_cast<double>(r.connections.load()));
  w.scalar("focusd_upload_bytes_total", "Bytes of upload bodies (multipart/form-data) read", "counter",
           static_cast<double>(r.upload_bytes.load()));
  w.family(r.pool_queued, "gauge");
  w.histograms(r.pool_wait);
  w.histograms(r.database_seconds);
  w.family(r.database_errors, "counter");
  w.histograms(r.blob_seconds);
  w.family(r.blob_errors, "counter");
  w.family(r.cached_reads, "counter");
  w.scalar("process_resident_memory_bytes", "Resident memory size in bytes", "gauge",
           static_cast<double>(resident_bytes()));
  w.scalar("process_open_fds", "Open file descriptors", "gauge", static_cast<double>(open_fds()));
  w.scalar("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds", "gauge",
           std::chrono::duration<double>(kStartedWall.time_since_epoch()).count());
  w.scalar("focusd_uptime_seconds", "Seconds since the process started", "gauge", seconds_since(kStarted));
  return w.take();
}

}  // namespace focusd::metrics
