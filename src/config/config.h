#pragma once
// Every setting of focusd in one place: its type, its default and its documentation.
// Precedence: command-line flag > environment variable (FOCUSD_*) > default.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace focusd {

struct Config {
  // Where the SQLite database (focusd.db) and attachment files live.
  std::string data_dir = "./focusd-data";
  // A PostgreSQL connection URI (postgresql://USER[:PASS]@HOST[:PORT]/DB[?…]):
  // the database lives there instead of in --data. Empty = SQLite.
  std::string database;
  // PostgreSQL: connections open at most, and how long a request waits for a
  // free one before it gets 503.
  std::size_t database_connections = 8;
  std::chrono::milliseconds database_wait{5000};
  // PostgreSQL: connections each network thread keeps in pipeline mode for
  // reads of one statement (a GET by id), beside the pool; 0 = those reads
  // go through the pool too (slower in bench/run since reads are remembered,
  // see README).
  std::size_t database_pipelines = 2;
  // PostgreSQL: connections each network thread keeps in pipeline mode for
  // writes of one statement (a project's create), committing together those
  // that arrive while the last batch commits; 0 = through the pool.
  std::size_t database_write_pipelines = 1;
  // PostgreSQL: projects read by id that a node remembers, each beside the
  // epoch of its workspace, and answers again while that epoch stands.
  std::size_t database_cache_entries = 4096;
  // IP:PORT to listen on. Port 0 picks a free port (printed at start).
  std::string listen = "127.0.0.1:8080";
  // Network threads running the io_context; 0 = number of cores.
  unsigned threads = 0;
  // Threads that run blocking work (SQLite calls) off the network threads;
  // also the number of SQLite reader connections. (Password hashing has a
  // pool of its own: password_hash_threads.)
  unsigned blocking_threads = 4;
  // Threads of a pool of its own for the blob store's blocking work; 0: the
  // blocking pool does it. -1 (unset): kS3BlobThreads with S3, else 0.
  int blob_threads = -1;
  static constexpr int kS3BlobThreads = 8;
  unsigned blob_pool_threads() const {
    if (blob_threads >= 0) return static_cast<unsigned>(blob_threads);
    return uses_s3() ? kS3BlobThreads : 0;
  }
  // How long a network thread, a blocking thread or the SQLite writer that
  // has run out of work keeps polling for more before it sleeps
  // (common/spin.h); 0 = sleep at once.
  std::chrono::microseconds idle_spin{300};

  std::string log_level = "info";   // trace|debug|info|warn|error|off
  std::string log_format = "text";  // text|json

  // HTTP limits.
  std::size_t max_header_bytes = std::size_t{16} * 1024;       // larger request heads -> 431
  std::size_t max_json_body_bytes = std::size_t{1024} * 1024;  // larger JSON bodies -> 413
  std::size_t max_chunk_extension_bytes = 4096;                // extensions of one chunk line; larger -> 400 and close
  std::chrono::seconds header_timeout{10};                     // time to send a complete request head
  std::chrono::seconds body_timeout{60};                       // time to send a complete request body
  std::chrono::seconds idle_timeout{60};                       // keep-alive connection idle time
  std::size_t max_connections = 10000;                         // beyond -> 503 and close
  std::size_t max_uploads = 64;             // upload requests handled at once; beyond -> 503 before the body is read
  std::chrono::seconds shutdown_grace{10};  // in-flight requests get this long on SIGTERM
  // Between SIGTERM and the listener's closing: /readyz answers 503 while
  // everything else is served as before, so that a load balancer checking it
  // sends new requests elsewhere first (0 = close at once).
  std::chrono::seconds drain_period{0};

  // Who may read GET /metrics (Prometheus): loopback = clients connecting
  // from 127.0.0.0/8 or ::1; token = clients sending "Authorization: Bearer"
  // with metrics_token; open = anyone; off = no one. Others get 404, as for a
  // path that does not exist.
  std::string metrics = "loopback";
  // From FOCUSD_METRICS_TOKEN only (never a flag: command lines are visible
  // to every user of the machine), 16 characters or more.
  std::string metrics_token;

  // Attachments: storage per workspace (sum of live attachments' sizes); 0 = unlimited.
  std::int64_t attachment_quota_bytes = 0;
  // Free space kept on the data filesystem (blob/disk_space.h): uploads are
  // refused below the first, other writes below the second, deletes never.
  // 0 = automatic (1/32 of the filesystem, 1 MiB to 1 GiB; half of that).
  std::uint64_t min_free_bytes = 0;
  std::uint64_t min_free_write_bytes = 0;
  // Where attachment bytes live: empty = files under --data; s3://BUCKET[/PREFIX]
  // = an S3 bucket (blob/s3_blob_store.h), with the credentials of the
  // environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN),
  // never of the command line.
  std::string blobs;
  std::string s3_endpoint;                              // scheme://host[:port]; empty = AWS
  std::string s3_region = "us-east-1";                  // the region requests are signed for
  std::string s3_path_style = "auto";                   // auto (on when an endpoint is given) | on | off
  std::uint64_t s3_part_size = std::uint64_t{6} << 20;  // uploads larger than this go in parts of this size
  std::size_t s3_parts_in_flight = 2;                   // parts of one upload sent at once
  std::chrono::milliseconds s3_connect_timeout{3000};
  std::chrono::milliseconds s3_request_timeout{60000};  // one S3 request, other than reading an object
  std::chrono::milliseconds s3_stall_timeout{30000};    // reading an object: the longest wait for more bytes
  unsigned s3_attempts = 4;  // tries of an idempotent S3 request after network errors and 5xx
  // S3: a blob or temp object younger than this is never swept, whether a row
  // refers to it or not (it may be another node's upload in flight).
  std::chrono::seconds blob_orphan_grace{3600};
  // Testing only: a file naming storage faults to inject (blob/faulty_blob_store.h).
  std::string fault_file;
  std::uint64_t max_upload_file_bytes = 100ull << 20;  // one uploaded file; larger -> 413
  std::size_t max_bulk_files = 10;                     // files in one bulk upload; more -> 400
  std::size_t max_bulk_time_entries = 1000;            // entries (or ids) in one bulk time-entry call; more -> 400
  std::size_t max_part_header_bytes = std::size_t{16} * 1024;  // the headers of one multipart part; larger -> 400

  // Auth: how long a successful password verification is remembered.
  std::chrono::seconds auth_cache_ttl{60};
  // Auth: how long an API key's user is remembered, so a revoked or expired
  // key is refused at most this long after (0 = never remembered).
  std::chrono::milliseconds api_key_cache_ttl{1000};
  // Argon2id verifications run on threads of their own (0 = a quarter of the
  // cores, 1 to 4), with at most this many more waiting; beyond -> 503.
  unsigned password_hash_threads = 0;
  std::size_t password_hash_queue = 16;
  // Failed password logins per client address and per (address, account) in
  // one window, beyond which password logins are refused with 429 (0 = off).
  std::size_t login_failure_limit = 10;
  std::chrono::seconds login_failure_window{60};
  // How long such a 429 waits before it is sent (holding no thread): a client
  // that keeps guessing gets one answer per connection per this long.
  std::chrono::milliseconds login_refusal_delay{1000};

  // SQLite: "full" (default; a 2xx is durable) or "normal" (faster, may lose the
  // last commits on power loss, never on a process crash).
  std::string sqlite_synchronous = "full";
  std::chrono::milliseconds sqlite_busy_timeout{5000};
  // Bytes of the database file each connection reads through mmap instead of
  // read(2) (0 = off). The mapped pages are the OS page cache, shared by all.
  std::int64_t sqlite_mmap_bytes = 256 << 20;

  std::string database_path() const { return data_dir + "/focusd.db"; }
  bool uses_postgres() const { return !database.empty(); }
  bool uses_s3() const { return !blobs.empty(); }
  // The database for messages and logs: the SQLite file, or the PostgreSQL
  // URI without its password.
  std::string database_label() const;
};

// Registers --data (FOCUSD_DATA) and --database (FOCUSD_DATABASE) on an admin command.
void add_data_option(CLI::App& app, Config& config);
// Registers --blobs and the S3 settings (where attachment bytes live) on a command.
void add_blob_options(CLI::App& app, Config& config);
// Registers the S3 settings alone (--s3-endpoint, …), for a command that names the bucket otherwise.
void add_s3_options(CLI::App& app, Config& config);
// Registers every setting of `focusd serve`, each with its env variable and default.
void add_serve_options(CLI::App& app, Config& config);
// Checks values the option parser cannot (enumerations); returns an error message or "".
std::string validate(const Config& config);

}  // namespace focusd
