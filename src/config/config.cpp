#include "config/config.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>

namespace focusd {

namespace {

// CLI11 reads durations here as whole seconds (or milliseconds) so that the
// flag, the environment variable and --help all speak the same plain number.
// At most a day, in the duration's own unit, unless `max` says otherwise.
template <class Duration>
void add_duration(CLI::App& app, const std::string& flag, const std::string& env, Duration& target,
                  const std::string& help, std::int64_t min = 1,
                  std::int64_t max = std::chrono::duration_cast<Duration>(std::chrono::hours(24)).count()) {
  app.add_option_function<std::int64_t>(
         flag, [&target](std::int64_t v) { target = Duration(v); }, help)
      ->envname(env)
      ->check(CLI::Range(min, max))
      ->default_str(std::to_string(target.count()));
}

}  // namespace

void add_data_option(CLI::App& app, Config& config) {
  app.add_option("--data", config.data_dir, "Data directory (database and attachment files)")
      ->envname("FOCUSD_DATA")
      ->capture_default_str();
  app.add_option("--database", config.database,
                 "PostgreSQL connection URI (postgresql://USER[:PASS]@HOST[:PORT]/DB[?sslmode=…]); without it the "
                 "database is SQLite under --data")
      ->envname("FOCUSD_DATABASE");
}

void add_blob_options(CLI::App& app, Config& c) {
  app.add_option("--blobs", c.blobs,
                 "Where attachment bytes live: s3://BUCKET[/PREFIX] for an S3 bucket (credentials from "
                 "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); without it, files under --data")
      ->envname("FOCUSD_BLOBS");
  add_s3_options(app, c);
}

void add_s3_options(CLI::App& app, Config& c) {
  app.add_option("--s3-endpoint", c.s3_endpoint, "S3 endpoint, scheme://host[:port] (empty = AWS)")
      ->envname("AWS_ENDPOINT_URL");
  app.add_option("--s3-region", c.s3_region, "S3 region requests are signed for")
      ->envname("AWS_REGION")
      ->capture_default_str();
  app.add_option("--s3-path-style", c.s3_path_style,
                 "S3 path-style addressing (endpoint/bucket/key): auto = on when --s3-endpoint is given")
      ->envname("FOCUSD_S3_PATH_STYLE")
      ->check(CLI::IsMember({"auto", "on", "off"}))
      ->capture_default_str();
  app.add_option("--s3-part-size", c.s3_part_size,
                 "Bytes of each part of a multipart upload; smaller uploads are one PUT (an upload holds "
                 "--s3-parts-in-flight + 1 parts in memory at most)")
      ->envname("FOCUSD_S3_PART_SIZE")
      ->check(CLI::Range(std::uint64_t{5} << 20, std::uint64_t{1} << 30))
      ->capture_default_str();
  app.add_option("--s3-parts-in-flight", c.s3_parts_in_flight,
                 "Parts of one multipart upload sent at once (each upload holds one more in memory, filling)")
      ->envname("FOCUSD_S3_PARTS_IN_FLIGHT")
      ->check(CLI::Range(std::size_t{1}, std::size_t{16}))
      ->capture_default_str();
  add_duration(app, "--s3-connect-timeout-ms", "FOCUSD_S3_CONNECT_TIMEOUT_MS", c.s3_connect_timeout,
               "Milliseconds to connect to S3", 1, 600000);
  add_duration(app, "--s3-request-timeout-ms", "FOCUSD_S3_REQUEST_TIMEOUT_MS", c.s3_request_timeout,
               "Milliseconds one S3 request may take, other than reading an object", 1, 3600000);
  add_duration(app, "--s3-stall-timeout-ms", "FOCUSD_S3_STALL_TIMEOUT_MS", c.s3_stall_timeout,
               "Milliseconds a view waits for S3's next bytes before it fails", 1, 3600000);
  app.add_option("--s3-attempts", c.s3_attempts,
                 "Tries of an idempotent S3 request after a network error or a 5xx (with backoff), then 503")
      ->envname("FOCUSD_S3_ATTEMPTS")
      ->check(CLI::Range(1u, 20u))
      ->capture_default_str();
  add_duration(app, "--blob-orphan-grace", "FOCUSD_BLOB_ORPHAN_GRACE", c.blob_orphan_grace,
               "S3: seconds a blob or an unfinished upload is spared by the sweep however it looks (it may be another "
               "node's upload in flight)",
               0, std::int64_t{30} * 86400);
}

std::string Config::database_label() const {
  if (!uses_postgres()) return database_path();
  std::string label = database;
  // postgresql://user:secret@host/db -> postgresql://user:***@host/db
  const auto scheme_end = label.find("://");
  const auto authority = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const auto at = label.find('@', authority);
  const auto colon = label.find(':', authority);
  if (at != std::string::npos && colon < at) label.replace(colon + 1, at - colon - 1, "***");
  // …?password=secret&… -> …?password=***&…
  for (auto key = label.find("password=", label.find('?')); key != std::string::npos;
       key = label.find("password=", key + 1)) {
    const auto value = key + 9;
    label.replace(value, std::min(label.find('&', value), label.size()) - value, "***");
  }
  return label;
}

void add_serve_options(CLI::App& app, Config& c) {
  add_data_option(app, c);
  add_blob_options(app, c);
  app.add_option("--listen", c.listen, "IP:PORT to listen on (port 0 = any free port)")
      ->envname("FOCUSD_LISTEN")
      ->capture_default_str();
  app.add_option("--threads", c.threads, "Network threads (0 = number of cores)")
      ->envname("FOCUSD_THREADS")
      ->capture_default_str();
  app.add_option("--blocking-threads", c.blocking_threads,
                 "Threads for blocking work (SQLite calls); also the SQLite reader connections")
      ->envname("FOCUSD_BLOCKING_THREADS")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  app.add_option("--blob-threads", c.blob_threads,
                 "Threads of a pool of its own for the blob store's blocking work: the pieces of uploads "
                 "(hashing, disk writes, S3 parts), their completion, deletes, views' reads; so that a slow "
                 "object store never holds the threads every other request needs. 0: the blocking pool does it. "
                 "Default: 8 with --blobs s3://…, else 0 (the blobs share the database's disk)")
      ->envname("FOCUSD_BLOB_THREADS")
      ->check(CLI::Range(0, 256));
  add_duration(app, "--idle-spin-us", "FOCUSD_IDLE_SPIN_US", c.idle_spin,
               "Microseconds a network thread, a blocking thread or the SQLite writer that has run out of work "
               "keeps polling for more (yielding the CPU) before it sleeps: what another thread hands it then "
               "starts without a wake-up (0 = sleep at once)",
               0, 10000);
  app.add_option("--log-level", c.log_level, "trace|debug|info|warn|error|off")
      ->envname("FOCUSD_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  app.add_option("--log-format", c.log_format, "text|json")
      ->envname("FOCUSD_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--max-header-bytes", c.max_header_bytes,
                 "Largest request head (request line + headers); larger -> 431")
      ->envname("FOCUSD_MAX_HEADER_BYTES")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 20))
      ->capture_default_str();
  app.add_option("--max-chunk-extension-bytes", c.max_chunk_extension_bytes,
                 "Largest chunk extensions on one chunk line of a chunked body; larger -> 400 and close")
      ->envname("FOCUSD_MAX_CHUNK_EXTENSION_BYTES")
      ->check(CLI::Range(std::size_t{0}, std::size_t{64} * 1024))
      ->capture_default_str();
  app.add_option("--max-json-body-bytes", c.max_json_body_bytes, "Largest JSON request body; larger -> 413")
      ->envname("FOCUSD_MAX_JSON_BODY_BYTES")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30))
      ->capture_default_str();
  add_duration(app, "--header-timeout", "FOCUSD_HEADER_TIMEOUT", c.header_timeout,
               "Seconds a client has to send a complete request head");
  add_duration(app, "--body-timeout", "FOCUSD_BODY_TIMEOUT", c.body_timeout,
               "Seconds a client has to send a complete JSON body; for uploads, the longest pause between reads");
  add_duration(app, "--idle-timeout", "FOCUSD_IDLE_TIMEOUT", c.idle_timeout,
               "Seconds an idle keep-alive connection stays open");
  app.add_option("--max-connections", c.max_connections, "Open connections at most; beyond -> 503 and close")
      ->envname("FOCUSD_MAX_CONNECTIONS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->capture_default_str();
  app.add_option("--max-uploads", c.max_uploads,
                 "Upload requests handled at once (each holds read buffers, and with S3 part buffers); beyond -> "
                 "503 with Retry-After, before the body is read")
      ->envname("FOCUSD_MAX_UPLOADS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->capture_default_str();
  add_duration(app, "--shutdown-grace", "FOCUSD_SHUTDOWN_GRACE", c.shutdown_grace,
               "Seconds in-flight requests get to finish on SIGTERM/SIGINT", 0);
  add_duration(app, "--drain-period", "FOCUSD_DRAIN_PERIOD", c.drain_period,
               "Seconds from SIGTERM/SIGINT to the listener's closing, during which /readyz answers 503 and the rest "
               "is served as before, for a load balancer to stop sending requests first (0 = close at once)",
               0, 3600);
  app.add_option("--metrics", c.metrics,
                 "Who may read GET /metrics: loopback (clients on 127.0.0.0/8 or ::1), token (a Bearer token equal "
                 "to FOCUSD_METRICS_TOKEN), open, or off; others get 404")
      ->envname("FOCUSD_METRICS")
      ->check(CLI::IsMember({"loopback", "token", "open", "off"}))
      ->capture_default_str();
  if (const char* token = std::getenv("FOCUSD_METRICS_TOKEN")) c.metrics_token = token;
  app.add_option("--attachment-quota-bytes", c.attachment_quota_bytes,
                 "Attachment storage per workspace in bytes (0 = unlimited)")
      ->envname("FOCUSD_ATTACHMENT_QUOTA_BYTES")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 60))
      ->capture_default_str();
  app.add_option("--min-free-bytes", c.min_free_bytes,
                 "Free bytes an upload must leave on the data filesystem, else 507 (0 = 1/32 of the filesystem, "
                 "1 MiB to 1 GiB)")
      ->envname("FOCUSD_MIN_FREE_BYTES")
      ->capture_default_str();
  app.add_option("--min-free-write-bytes", c.min_free_write_bytes,
                 "Free bytes below which writes other than deletes get 507 (0 = half of --min-free-bytes)")
      ->envname("FOCUSD_MIN_FREE_WRITE_BYTES")
      ->capture_default_str();
  app.add_option("--fault-file", c.fault_file,
                 "Testing only: inject the storage faults this file names (see blob/faulty_blob_store.h)")
      ->group("Testing");
  app.add_option("--max-upload-file-bytes", c.max_upload_file_bytes, "Largest uploaded attachment; larger -> 413")
      ->envname("FOCUSD_MAX_UPLOAD_FILE_BYTES")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
      ->capture_default_str();
  app.add_option("--max-bulk-files", c.max_bulk_files, "Files in one bulk upload at most; more -> 400")
      ->envname("FOCUSD_MAX_BULK_FILES")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100}))
      ->capture_default_str();
  app.add_option("--max-bulk-time-entries", c.max_bulk_time_entries,
                 "Entries (or ids) in one bulk time-entry call at most; more -> 400")
      ->envname("FOCUSD_MAX_BULK_TIME_ENTRIES")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))
      ->capture_default_str();
  app.add_option("--max-part-header-bytes", c.max_part_header_bytes,
                 "Largest headers of one multipart part; larger -> 400")
      ->envname("FOCUSD_MAX_PART_HEADER_BYTES")
      ->check(CLI::Range(std::size_t{256}, std::size_t{1} << 20))
      ->capture_default_str();
  add_duration(app, "--auth-cache-ttl", "FOCUSD_AUTH_CACHE_TTL", c.auth_cache_ttl,
               "Seconds a successful password check is remembered (0 = never)", 0);
  add_duration(app, "--api-key-cache-ttl-ms", "FOCUSD_API_KEY_CACHE_TTL_MS", c.api_key_cache_ttl,
               "Milliseconds an API key's user is remembered: a revoked or expired key is refused at most this "
               "long after (0 = never remembered)",
               0);
  app.add_option("--password-hash-threads", c.password_hash_threads,
                 "Threads for Argon2id password checks (0 = a quarter of the cores, 1 to 4)")
      ->envname("FOCUSD_PASSWORD_HASH_THREADS")
      ->check(CLI::Range(0u, 64u))
      ->capture_default_str();
  app.add_option("--password-hash-queue", c.password_hash_queue,
                 "Password checks that may wait for a thread; beyond -> 503 with Retry-After")
      ->envname("FOCUSD_PASSWORD_HASH_QUEUE")
      ->check(CLI::Range(std::size_t{0}, std::size_t{100000}))
      ->capture_default_str();
  app.add_option("--login-failure-limit", c.login_failure_limit,
                 "Failed password logins per client address and per (address, account) in a window; beyond -> 429 "
                 "(0 = off)")
      ->envname("FOCUSD_LOGIN_FAILURE_LIMIT")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}))
      ->capture_default_str();
  add_duration(app, "--login-failure-window", "FOCUSD_LOGIN_FAILURE_WINDOW", c.login_failure_window,
               "Seconds of the window in which failed logins are counted");
  add_duration(app, "--login-refusal-delay-ms", "FOCUSD_LOGIN_REFUSAL_DELAY_MS", c.login_refusal_delay,
               "Milliseconds a 429 for too many failed logins waits before it is sent, holding no thread: a client "
               "that keeps guessing gets one answer per connection per this long (0 = at once)",
               0);
  app.add_option("--sqlite-synchronous", c.sqlite_synchronous,
                 "full (every 2xx is durable) or normal (faster; survives a crash, not a power loss)")
      ->envname("FOCUSD_SQLITE_SYNCHRONOUS")
      ->check(CLI::IsMember({"full", "normal"}))
      ->capture_default_str();
  app.add_option("--database-connections", c.database_connections,
                 "PostgreSQL: connections open at most (requests beyond wait for a free one)")
      ->envname("FOCUSD_DATABASE_CONNECTIONS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}))
      ->capture_default_str();
  app.add_option("--database-pipelines", c.database_pipelines,
                 "PostgreSQL: connections per network thread in pipeline mode, for reads of one statement such as a "
                 "GET by id (0 = those go through the pool of --database-connections)")
      ->envname("FOCUSD_DATABASE_PIPELINES")
      ->check(CLI::Range(std::size_t{0}, std::size_t{64}))
      ->capture_default_str();
  app.add_option("--database-write-pipelines", c.database_write_pipelines,
                 "PostgreSQL: connections per network thread in pipeline mode that commit together the writes of one "
                 "statement (such as a project's create) that arrive meanwhile (0 = those go through the pool)")
      ->envname("FOCUSD_DATABASE_WRITE_PIPELINES")
      ->check(CLI::Range(std::size_t{0}, std::size_t{64}))
      ->capture_default_str();
  app.add_option("--database-cache-entries", c.database_cache_entries,
                 "PostgreSQL: projects read by id that this node remembers; it answers one again, after asking the "
                 "database whether anything in its workspace changed since, while nothing did (0 = none)")
      ->envname("FOCUSD_DATABASE_CACHE_ENTRIES")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}))
      ->capture_default_str();
  add_duration(app, "--database-wait-ms", "FOCUSD_DATABASE_WAIT_MS", c.database_wait,
               "PostgreSQL: milliseconds a request waits for a free connection, else 503", 1, 600000);
  add_duration(app, "--sqlite-busy-timeout", "FOCUSD_SQLITE_BUSY_TIMEOUT", c.sqlite_busy_timeout,
               "Milliseconds to wait for a locked database");
  app.add_option("--sqlite-mmap-bytes", c.sqlite_mmap_bytes,
                 "Bytes of the database read through mmap rather than read(2) (0 = off)")
      ->envname("FOCUSD_SQLITE_MMAP_BYTES")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 40))
      ->capture_default_str();
}

std::string validate(const Config& c) {
  if (c.data_dir.empty()) return "--data must not be empty";
  if (c.uses_postgres() && !c.database.starts_with("postgresql://") && !c.database.starts_with("postgres://")) {
    return "--database must be a PostgreSQL URI: postgresql://USER[:PASS]@HOST[:PORT]/DB";
  }
  if (c.listen.find(':') == std::string::npos) return "--listen must be IP:PORT";
  if (c.metrics == "token" && c.metrics_token.size() < 16) {
    return "--metrics token needs FOCUSD_METRICS_TOKEN in the environment, 16 characters or more";
  }
  if (c.uses_s3() && !c.blobs.starts_with("s3://")) return "--blobs must be s3://BUCKET[/PREFIX]";
  // S3 copies an upload to its content-addressed key with one CopyObject, which takes at most 5 GiB.
  if (c.uses_s3() && c.max_upload_file_bytes > (std::uint64_t{5} << 30)) {
    return "--max-upload-file-bytes may be at most 5 GiB (5368709120) with --blobs s3://…";
  }
  return "";
}

}  // namespace focusd
