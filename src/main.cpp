// focusd: `serve` runs the HTTP server; `admin …` administers the data directory.
#include <malloc.h>
#include <sys/resource.h>

#include <csignal>

#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>

#include "admin/admin.h"
#include "api/api.h"
#include "api/routes.h"
#include "auth/authenticator.h"
#include "auth/crypto.h"
#include "auth/hash_pool.h"
#include "blob/disk_space.h"
#include "blob/make_blob_store.h"
#include "common/blocking_pool.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "config/config.h"
#include "http/server.h"
#include "store/copy_database.h"
#include "store/make_store.h"
#include "version.h"

namespace focusd {
namespace {

// Lets the process hold --max-connections sockets plus its own files, as far
// as the hard limit allows (the usual soft limit of 1024 would not).
void raise_open_file_limit(std::size_t connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = std::min<rlim_t>(limit.rlim_max, static_cast<rlim_t>(connections) + 256);
  if (wanted <= limit.rlim_cur) return;
  limit.rlim_cur = wanted;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    logging::event(spdlog::level::warn, "cannot raise the open-file limit", {{"wanted", std::to_string(wanted)}});
  }
}

// glibc gives freed memory back to the kernel once 128 KiB of it sits at the
// top of an arena. Under load the answers in flight come and go by megabytes,
// and giving them back and faulting them in again (madvise, page faults,
// zeroing) cost a page of time entries at c=64 15-20 % of its throughput.
// So an arena keeps up to 8 MiB of freed memory for reuse; blocks of 1 MiB or
// more (Argon2's memory, for one) are still mapped and unmapped each time.
void tune_allocator() {
  mallopt(M_TRIM_THRESHOLD, 8 << 20);
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

std::string message_of(const Error& error) {
  return error.detail.empty() ? error.description : error.description + " (" + error.detail + ")";
}

int run_serve(const Config& config) {
  logging::init(config.log_level, config.log_format);
  tune_allocator();
  raise_open_file_limit(config.max_connections);
  // sendfile(2) to a socket whose peer has gone raises SIGPIPE (it has no
  // MSG_NOSIGNAL); the failed call's EPIPE is what we act on instead.
  std::signal(SIGPIPE, SIG_IGN);
  auto store = make_store(config);
  if (!store) {
    logging::event(spdlog::level::critical, "cannot open the database",
                   {{"database", config.database_label()}, {"error", message_of(store.error())}});
    return 1;
  }
  // No upload can be in flight yet: temp files are leftovers of a crash.
  const blob::DiskSpace disk(config.data_dir, config.min_free_bytes, config.min_free_write_bytes);
  auto made_blobs = blob::make_blob_store(config, &disk);
  if (!made_blobs) {
    logging::event(spdlog::level::critical, "cannot open the blob store", {{"error", message_of(made_blobs.error())}});
    return 1;
  }
  auto& blobs = *made_blobs;
  if (auto swept = blobs->sweep_temps(); swept && *swept > 0) {
    logging::event(spdlog::level::warn, "removed unfinished uploads", {{"temp_files", std::to_string(*swept)}});
  }
  // Uploads try again while it fails (a full disk, say); reads need none of it.
  if (auto prepared = blobs->prepare(); !prepared) {
    logging::event(spdlog::level::warn, "cannot prepare the blob store", {{"error", message_of(prepared.error())}});
  }
  BlockingPool blocking(config.blocking_threads, config.idle_spin);
  // The blob store's work: on a pool of its own (S3), or on the blocking pool.
  std::optional<BlockingPool> blob_pool;
  if (config.blob_pool_threads() > 0) blob_pool.emplace(config.blob_pool_threads(), config.idle_spin);
  boost::asio::io_context& blob_work = blob_pool ? blob_pool->context() : blocking.context();
  auth::HashPool hashing(auth::HashPool::threads_for(config.password_hash_threads), config.password_hash_queue);
  metrics::name_pool(&blocking.context(), "blocking");
  if (blob_pool) metrics::name_pool(&blob_work, "blob");
  metrics::name_pool(&hashing.executor(), "password_hash");
  auth::Authenticator authenticator(**store, {config.auth_cache_ttl, config.api_key_cache_ttl,
                                              config.login_failure_limit, config.login_failure_window});
  attachments::Service attachments(**store, *blobs, config.attachment_quota_bytes, blob_work);
  std::atomic<bool> draining{false};
  api::Api api(api::Services{**store, authenticator, blocking.context(), blob_work, hashing, config, *blobs, disk,
                             attachments, draining});
  HttpServer server(config, api);
  if (auto bound = server.bind(); !bound) {
    logging::event(spdlog::level::critical, "cannot listen", {{"error", bound.error().description}});
    return 1;
  }
  const auto endpoint = server.local_endpoint();
  logging::event(spdlog::level::info, "listening",
                 {{"address", endpoint.address().to_string() + ":" + std::to_string(endpoint.port())},
                  {"data", config.data_dir},
                  {"database", config.database_label()},
                  {"version", kVersion}});
  if (auto has_users = (*store)->has_users(); has_users && !*has_users) {
    const std::string where =
        config.uses_postgres() ? "--database " + config.database_label() : "--data " + config.data_dir;
    logging::event(spdlog::level::info, "no users yet; create the first one with: focusd admin create-user " + where +
                                            " --email you@example.com --password 'a long password'");
  }
  server.run();
  if (blob_pool) blob_pool->join();
  blocking.join();
  hashing.executor().join();
  store->reset();
  logging::event(spdlog::level::info, "stopped");
  return 0;
}

// Runs an admin command: prints its JSON on success, a message on failure.
int run_admin(const Config& config, const std::function<Result<boost::json::object>(Store&)>& command) {
  auto store = make_store(config);
  if (!store) {
    std::cerr << "focusd: cannot open " << config.database_label() << ": " << message_of(store.error()) << "\n";
    return 1;
  }
  auto out = command(**store);
  if (!out) {
    std::cerr << "focusd: " << message_of(out.error()) << "\n";
    return 1;
  }
  std::cout << boost::json::serialize(*out) << "\n";
  return 0;
}

}  // namespace
}  // namespace focusd

int main(int argc, char** argv) {
  using namespace focusd;
  if (!auth::init_crypto()) {
    std::cerr << "focusd: libsodium failed to initialise\n";
    return 1;
  }
  Config config;
  // On the heap, so that a server frees it before it starts (the options
  // parsed are in `config`): 80 KiB its store's connections then reuse.
  auto app = std::make_unique<CLI::App>("focusd: a self-hosted server for the Toggl Focus REST API");
  app->require_subcommand(1);
  app->set_version_flag("--version", std::string(kVersion) + " (" + kCommit + ")");

  auto* serve = app->add_subcommand("serve", "Run the HTTP server");
  add_serve_options(*serve, config);

  auto* admin_cmd = app->add_subcommand("admin", "Administer the data directory or database (prints JSON)");
  admin_cmd->require_subcommand(1);

  admin::CreateUserArgs user_args;
  std::optional<std::int64_t> organization;
  auto* create_user = admin_cmd->add_subcommand(
      "create-user", "Create a user; without --organization also a new organization and workspace it owns");
  add_data_option(*create_user, config);
  create_user->add_option("--email", user_args.email, "Email address (unique, case-insensitive)")->required();
  create_user->add_option("--password", user_args.password, "Password (8 to 1024 bytes)")->required();
  create_user->add_option("--fullname", user_args.fullname, "Full name");
  auto* org_option = create_user->add_option("--organization", organization, "Join this organization id");
  create_user->add_option("--role", user_args.role, "owner|admin|member (with --organization)")
      ->needs(org_option)
      ->capture_default_str();

  std::int64_t workspace_organization = 0;
  std::string workspace_name;
  auto* create_workspace = admin_cmd->add_subcommand("create-workspace", "Create a workspace in an organization");
  add_data_option(*create_workspace, config);
  create_workspace->add_option("--organization", workspace_organization, "Organization id")->required();
  create_workspace->add_option("--name", workspace_name, "Workspace name")->required();

  std::string key_email;
  std::optional<int> expires_in_days;
  auto* create_key =
      admin_cmd->add_subcommand("create-api-key", "Create an API key for a user (revokes the user's previous key)");
  add_data_option(*create_key, config);
  create_key->add_option("--email", key_email, "The user's email")->required();
  create_key->add_option("--expires-in-days", expires_in_days, "Days until the key expires (default: never)");

  bool repair = false;
  auto* fsck_cmd =
      admin_cmd->add_subcommand("fsck", "Check that attachment files and the database agree (exit 1 when they do not)");
  add_data_option(*fsck_cmd, config);
  add_blob_options(*fsck_cmd, config);
  fsck_cmd->add_flag("--repair", repair,
                     "Remove orphan blobs and temp files (run with the server stopped, unless the blobs are in S3)");

  std::int64_t group_id = 0;
  std::string group_email;
  auto* add_to_group =
      admin_cmd->add_subcommand("add-user-to-group", "Add a user to a group of an organization they belong to");
  add_data_option(*add_to_group, config);
  add_to_group->add_option("--group", group_id, "Group id")->required();
  add_to_group->add_option("--email", group_email, "The user's email")->required();

  auto* migrate_cmd = admin_cmd->add_subcommand(
      "migrate", "Apply the schema migrations this focusd needs and exit (serve applies them too, at start)");
  add_data_option(*migrate_cmd, config);

  auto* copy_cmd = admin_cmd->add_subcommand(
      "migrate-database",
      "Copy the SQLite database under --data into an empty PostgreSQL database (--to), in one transaction");
  copy_cmd->add_option("--data", config.data_dir, "Data directory of the SQLite install")
      ->envname("FOCUSD_DATA")
      ->capture_default_str();
  copy_cmd->add_option("--to", config.database, "PostgreSQL connection URI of an empty database")->required();

  std::string backup_to;
  auto* backup_cmd = admin_cmd->add_subcommand(
      "backup",
      "Copy the embedded install under --data (SQLite and attachment files) into a new or empty directory (--to), "
      "consistent as of one moment, while servers run on it");
  add_data_option(*backup_cmd, config);
  add_blob_options(*backup_cmd, config);
  backup_cmd->add_option("--to", backup_to, "A new or empty directory")->required();

  std::string restore_from;
  auto* restore_cmd = admin_cmd->add_subcommand(
      "restore", "Bring a backup (--from) back as a new data directory (--data, new or empty), checked as fsck does");
  restore_cmd->add_option("--from", restore_from, "A directory admin backup made")->required();
  restore_cmd->add_option("--data", config.data_dir, "The new data directory (new or empty)")->required();

  auto* blobs_cmd = admin_cmd->add_subcommand(
      "migrate-blobs",
      "Copy every live attachment's bytes from the files under --data to an S3 bucket (--to), each read back and "
      "checked; run it again to resume one cut short");
  add_data_option(*blobs_cmd, config);
  blobs_cmd
      ->add_option("--to", config.blobs,
                   "s3://BUCKET[/PREFIX] (credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
      ->required();
  add_s3_options(*blobs_cmd, config);

  auto* routes_cmd =
      app->add_subcommand("routes", "Print the route table as JSON (method, path, body, authenticated) and exit");

  app->footer("Settings of 'focusd serve' (flag, environment variable, default):\n" +
              serve->help("focusd serve", CLI::AppFormatMode::Sub));

  CLI11_PARSE(*app, argc, argv);

  if (auto problem = validate(config); !problem.empty()) {
    std::cerr << "focusd: " << problem << "\n";
    return 1;
  }
  if (*serve) {
    app.reset();
    return focusd::run_serve(config);
  }
  if (*routes_cmd) {
    boost::json::array out;
    for (const auto& route : api::route_table()) {
      const char* body = route.body == api::BodyKind::Json     ? "json"
                         : route.body == api::BodyKind::Upload ? "multipart"
                                                               : "none";
      out.push_back(boost::json::object{{"method", std::string(http::to_string(route.method))},
                                        {"path", route.pattern},
                                        {"body", body},
                                        {"authenticated", route.access == api::Access::Authenticated}});
    }
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
  }
  if (*create_user) {
    user_args.organization_id = organization;
    return focusd::run_admin(config, [&](Store& s) { return admin::create_user(s, user_args); });
  }
  if (*create_workspace) {
    return focusd::run_admin(
        config, [&](Store& s) { return admin::create_workspace(s, workspace_organization, workspace_name); });
  }
  if (*create_key) {
    return focusd::run_admin(config, [&](Store& s) { return admin::create_api_key(s, key_email, expires_in_days); });
  }
  if (*fsck_cmd) {
    auto blobs = blob::make_blob_store(config);
    if (!blobs) {
      std::cerr << "focusd: " << message_of(blobs.error()) << "\n";
      return 1;
    }
    bool consistent = true;
    const int code = focusd::run_admin(config, [&](Store& s) -> Result<boost::json::object> {
      auto report = admin::fsck(s, **blobs, repair);
      if (report) consistent = report->at("consistent").as_bool();
      return report;
    });
    return code != 0 ? code : (consistent ? 0 : 1);
  }
  const admin::OpenDataDir open_data_dir = [&](const std::string& data_dir) {
    Config embedded;
    embedded.data_dir = data_dir;
    return make_store(embedded);
  };
  if (*backup_cmd) {
    // The database and attachments of several nodes have their own tools.
    if (config.uses_postgres() || config.uses_s3()) {
      std::cerr << "focusd: admin backup copies the embedded install (SQLite and files under --data). With "
                   "PostgreSQL, back the database up with pg_dump (or a base backup with WAL archiving); with "
                   "attachments in S3, keep the bucket with versioning or replication (its objects are never "
                   "changed, only added and removed). Back the database up first, then the bucket.\n";
      return 2;
    }
    return focusd::run_admin(config,
                             [&](Store& s) { return admin::backup(s, config.data_dir, backup_to, open_data_dir); });
  }
  if (*restore_cmd) {
    auto restored = admin::restore(restore_from, config.data_dir, open_data_dir);
    if (!restored) {
      std::cerr << "focusd: " << message_of(restored.error()) << "\n";
      return 1;
    }
    std::cout << boost::json::serialize(*restored) << "\n";
    return restored->at("fsck").at("consistent").as_bool() ? 0 : 1;
  }
  if (*blobs_cmd) {
    auto to = blob::make_blob_store(config);
    if (!to) {
      std::cerr << "focusd: " << message_of(to.error()) << "\n";
      return 1;
    }
    auto from = blob::make_disk_blob_store(config.data_dir);
    bool complete = true;
    const int code = focusd::run_admin(config, [&](Store& s) -> Result<boost::json::object> {
      auto report = admin::migrate_blobs(s, *from, **to);
      if (report) complete = report->at("complete").as_bool();
      return report;
    });
    return code != 0 ? code : (complete ? 0 : 1);
  }
  if (*copy_cmd) {
    auto copied = copy_sqlite_to_postgres(config);
    if (!copied) {
      std::cerr << "focusd: " << message_of(copied.error()) << "\n";
      return 1;
    }
    std::cout << boost::json::serialize(*copied) << "\n";
    return 0;
  }
  if (*migrate_cmd) {
    // Opening the store migrates it (under an advisory lock on PostgreSQL:
    // nodes starting together migrate once).
    return focusd::run_admin(config, [&](Store& s) -> Result<boost::json::object> {
      auto version = s.schema_version();
      if (!version) return version.error();
      return boost::json::object{{"database", config.database_label()}, {"schema_version", *version}};
    });
  }
  if (*add_to_group) {
    return focusd::run_admin(config, [&](Store& s) { return admin::add_user_to_group(s, group_id, group_email); });
  }
  return 1;
}
