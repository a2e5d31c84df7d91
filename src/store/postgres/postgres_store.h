#pragma once
// The PostgreSQL implementation of Store: a pool of connections
// (store/postgres/pool.h), each read and write on one of them. Reads of more
// than one statement that must agree (a list and its total) share one
// snapshot. Writes run in a READ COMMITTED transaction, with row locks where a
// write reads what it replaces, or must run after another write of the same
// thing (see each file); a serialization failure or a deadlock is run again
// (a bounded number of times), and a unique index that refuses a row is a
// Conflict naming the field, as on SQLite. A 2xx means committed
// (synchronous_commit stays on). The database unreachable, or no connection
// free in time: Unavailable (503).

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "store/postgres/connection.h"
#include "store/postgres/pipeline.h"
#include "store/postgres/pool.h"
#include "store/postgres/read_cache.h"
#include "store/store.h"

namespace focusd {

struct PostgresStoreOptions {
  std::string url;  // a libpq connection URI or string
  std::size_t connections = 8;
  std::chrono::milliseconds connection_wait{5000};  // for a free connection, before Unavailable
  // Single-statement reads (a GET by id) over connections of each I/O
  // thread's own in pipeline mode (store/postgres/pipeline.h), this many per
  // thread; 0 = over the pool.
  std::size_t pipelines = 0;
  // Single-statement writes (a project's create) over connections of each
  // I/O thread's own that commit what its coroutines ask together, this many
  // per thread; 0 = over the pool.
  std::size_t write_pipelines = 1;
  // Projects read by id remembered at most (store/postgres/read_cache.h); 0 = none.
  std::size_t read_cache_entries = 0;
};

class PostgresStore final : public Store {
 public:
  // Connects and applies the migrations. Unavailable when the database cannot
  // be reached; InvalidArgument when its schema is newer than this binary.
  static Result<std::unique_ptr<PostgresStore>> open(const PostgresStoreOptions& options);
  // The one statement of find_project_with_access ($1 the user, $2 the
  // workspace, $3 the organization or NULL, $4 the project, $5 include
  // deleted), for bench/ref/pg_get.cpp.
  static const std::string& find_project_with_access_sql();

  AsyncReads* async_reads() override { return pipelined_ ? &*pipelined_ : nullptr; }
  AsyncWrites* async_writes() override { return pipelined_writes_ ? &*pipelined_writes_ : nullptr; }
  Status ping() override;
  Result<bool> has_users() override;
  Result<int> schema_version() override;
  Result<CreatedUser> create_user(const NewUser& new_user) override;
  Result<UserRecord> find_user_by_email(std::string_view email) override;
  Result<UserRecord> find_user(std::int64_t user_id) override;
  Result<UserRecord> find_user_by_api_key(std::string_view key_digest, std::string_view now) override;
  Status create_api_key(std::int64_t user_id, std::string_view key_digest,
                        std::optional<std::string> expires_at) override;
  Result<std::int64_t> create_workspace(std::int64_t organization_id, std::string_view name) override;
  Result<std::vector<Membership>> memberships(std::int64_t user_id) override;
  Result<std::vector<WorkspaceRecord>> list_workspaces(std::int64_t user_id, std::int64_t organization_id) override;
  Result<std::vector<OrganizationUserRecord>> organization_users(std::int64_t organization_id) override;
  Result<bool> can_access_workspace(std::int64_t user_id, std::int64_t workspace_id) override;
  Result<std::string> user_settings(std::int64_t user_id) override;
  Result<std::string> update_user_settings(std::int64_t user_id, const SettingsMutation& mutate) override;
  Result<WorkspaceAccess> workspace_access(std::int64_t user_id, std::int64_t workspace_id,
                                           std::optional<std::int64_t> organization_id) override;

  // postgres_catalog.cpp
  Result<CatalogItem> create_catalog_item(Catalog catalog, std::int64_t workspace_id, std::int64_t creator_id,
                                          const std::string& name, const std::optional<std::string>& extra) override;
  Result<CatalogItem> find_catalog_item(Catalog catalog, std::int64_t workspace_id, std::int64_t id,
                                        bool include_deleted) override;
  Result<CatalogList> list_catalog_items(const CatalogQuery& query) override;
  Result<CatalogItem> update_catalog_item(Catalog catalog, std::int64_t workspace_id, std::int64_t id,
                                          const std::string& name, const std::optional<std::string>& extra) override;
  Status set_catalog_item_deleted(Catalog catalog, std::int64_t workspace_id, std::int64_t id, bool deleted) override;

  // postgres_projects.cpp
  Result<ProjectList> list_projects(const ProjectQuery& query) override;
  Result<ProjectWithAccess> find_project_with_access(std::int64_t user_id, std::int64_t workspace_id,
                                                     std::optional<std::int64_t> organization_id,
                                                     std::int64_t project_id, bool include_deleted) override;
  Result<ProjectRecord> find_project(std::int64_t workspace_id, std::int64_t project_id, const Viewer& viewer,
                                     bool include_deleted) override;
  Result<ProjectRecord> create_project(std::int64_t workspace_id, const Viewer& creator, const ProjectFields& fields,
                                       bool pinned, const TreeRule& tree_rule) override;
  Result<ProjectRecord> update_project(std::int64_t workspace_id, std::int64_t project_id, const Viewer& viewer,
                                       const ProjectFields& fields, std::optional<bool> pinned,
                                       const TreeRule& tree_rule) override;
  Status set_project_archived(std::int64_t workspace_id, std::int64_t project_id, bool archived) override;
  Status set_project_deleted(std::int64_t workspace_id, std::int64_t project_id, bool deleted,
                             const TreeRule& tree_rule) override;
  Status set_project_pinned(std::int64_t project_id, std::int64_t user_id, bool pinned) override;
  Result<std::vector<ProjectRecord>> related_projects(std::int64_t workspace_id, std::int64_t project_id,
                                                      const Viewer& viewer, Relation relation, const Ordering& order,
                                                      const Page& page) override;

  // members (organization_role in postgres_store.cpp, the rest in postgres_members.cpp)
  Result<OrgRole> organization_role(std::int64_t user_id, std::int64_t organization_id) override;
  Result<GroupRecord> create_group(std::int64_t organization_id, const GroupInput& input) override;
  Result<GroupRecord> update_group(std::int64_t organization_id, std::int64_t group_id, const GroupInput& input,
                                   const ManagerRule& manager_rule) override;
  Status delete_group(std::int64_t organization_id, std::int64_t group_id, const ManagerRule& manager_rule) override;
  Result<std::vector<GroupRecord>> groups_of_user(std::int64_t organization_id, std::int64_t user_id) override;
  Result<std::vector<GroupRecord>> organization_groups(std::int64_t organization_id) override;
  Status add_user_to_group(std::int64_t group_id, std::string_view email) override;
  Result<ProjectMembers> project_members(std::int64_t project_id) override;
  Status add_project_members(std::int64_t workspace_id, std::int64_t project_id,
                             const std::vector<std::int64_t>& user_ids, const std::vector<std::int64_t>& group_ids,
                             bool manager, const ManagerRule& manager_rule) override;
  Status set_project_member_role(std::int64_t project_id, const MemberRef& member, bool manager,
                                 const ManagerRule& manager_rule) override;
  Status remove_project_member(std::int64_t project_id, const MemberRef& member,
                               const ManagerRule& manager_rule) override;

  // postgres_rates.cpp
  Result<std::vector<RateRecord>> project_rates(std::int64_t project_id) override;
  Result<RateRecord> add_project_rate(std::int64_t project_id, const NewRate& rate) override;
  Status clear_project_rates(std::int64_t project_id, const std::string& from,
                             const std::optional<std::string>& to) override;

  // postgres_time_entries.cpp and postgres_tasks.cpp
  Result<TimeEntryRecord> start_time_entry(std::int64_t workspace_id, const Viewer& user, const TimeEntryFields& fields,
                                           const StopRule& stop_rule) override;
  Result<TimeEntryRecord> running_time_entry(std::int64_t workspace_id, const Viewer& user) override;
  Result<TimeEntryRecord> stop_time_entry(std::int64_t workspace_id, const Viewer& user, const std::string& stop,
                                          const StopRule& stop_rule) override;
  Result<TimeEntryRecord> find_time_entry(std::int64_t workspace_id, std::int64_t id, const Viewer& viewer) override;
  Result<std::vector<TimeEntryRecord>> list_time_entries(const TimeEntryQuery& query) override;
  Result<std::vector<TimeEntryRecord>> time_entries_by_ids(std::int64_t workspace_id,
                                                           const std::vector<std::int64_t>& ids,
                                                           const Viewer& viewer) override;
  Result<std::vector<std::int64_t>> create_time_entries(std::int64_t workspace_id, const Viewer& caller,
                                                        const std::vector<NewTimeEntry>& entries) override;
  Status edit_time_entries(std::int64_t workspace_id, const Viewer& caller, const std::vector<std::int64_t>& ids,
                           const TimeEntryEdit& edit) override;
  Status act_on_time_entries(std::int64_t workspace_id, const Viewer& caller, const std::vector<std::int64_t>& ids,
                             TimeEntryAct act, const TimeEntryCheck& check) override;
  Result<TaskList> list_tasks(const TaskQuery& query) override;
  Result<TaskRecord> find_task(std::int64_t workspace_id, std::int64_t task_id, const Viewer& viewer,
                               bool include_deleted) override;
  Result<TaskRecord> create_task(std::int64_t workspace_id, const Viewer& creator, const TaskFields& fields,
                                 bool pinned) override;
  Result<TaskRecord> update_task(std::int64_t workspace_id, std::int64_t task_id, const Viewer& viewer,
                                 const TaskFields& fields, std::optional<bool> pinned) override;
  Status set_task_archived(std::int64_t task_id, bool archived) override;
  Status set_task_deleted(std::int64_t task_id, bool deleted) override;

  // postgres_attachments.cpp
  Result<std::vector<AttachmentRecord>> list_attachments(ParentKind kind, std::int64_t parent_id,
                                                         const Ordering& order) override;
  Result<AttachmentRecord> find_attachment(ParentKind kind, std::int64_t parent_id,
                                           std::int64_t attachment_id) override;
  Result<std::vector<AttachmentRecord>> create_attachments(ParentKind kind, std::int64_t parent_id,
                                                           std::int64_t workspace_id,
                                                           const std::vector<NewAttachment>& attachments,
                                                           std::optional<std::int64_t> quota_bytes) override;
  Status update_attachment(ParentKind kind, std::int64_t parent_id, std::int64_t attachment_id, const std::string& name,
                           double display_order) override;
  Result<std::optional<std::string>> delete_attachment(ParentKind kind, std::int64_t parent_id,
                                                       std::int64_t attachment_id) override;
  Result<std::int64_t> storage_used(std::int64_t workspace_id) override;
  Result<std::vector<std::string>> live_blob_names() override;
  Status snapshot_to(const std::string& path) override;
  Result<std::unique_ptr<Held>> hold_sweep() override;

 private:
  explicit PostgresStore(const PostgresStoreOptions& options)
      : pool_(options.url, options.connections, options.connection_wait), project_cache_(options.read_cache_entries) {
    if (options.pipelines > 0) {
      pipelined_.emplace(options.url, options.pipelines, options.connection_wait, project_cache_);
    }
    if (options.write_pipelines > 0) {
      pipelined_writes_.emplace(options.url, options.write_pipelines, options.connection_wait);
    }
  }

  // The AsyncReads, over pipelines (with the blocking forms they share).
  class PipelinedReads final : public AsyncReads {
   public:
    PipelinedReads(const std::string& url, std::size_t per_thread, std::chrono::milliseconds connect_wait,
                   postgres::ProjectReadCache& project_cache)
        : pipelines_(url, per_thread, connect_wait), project_cache_(project_cache) {}
    boost::asio::awaitable<Result<ProjectWithAccess>> find_project_with_access(
        std::int64_t user_id, std::int64_t workspace_id, std::optional<std::int64_t> organization_id,
        std::int64_t project_id, bool include_deleted) override;

   private:
    postgres::Pipelines pipelines_;
    postgres::ProjectReadCache& project_cache_;
  };

  // The AsyncWrites, over pipelines that commit together.
  class PipelinedWrites final : public AsyncWrites {
   public:
    PipelinedWrites(const std::string& url, std::size_t per_thread, std::chrono::milliseconds connect_wait)
        : pipelines_(url, per_thread, connect_wait, postgres::Pipeline::Mode::Commits) {}
    boost::asio::awaitable<Result<ProjectWithAccess>> create_project(std::int64_t user_id, std::int64_t workspace_id,
                                                                     std::optional<std::int64_t> organization_id,
                                                                     const ProjectFields& fields) override;

   private:
    postgres::Pipelines pipelines_;
  };

  // Runs fn with a connection, outside any transaction of ours (each
  // statement sees what was committed when it started).
  template <class F>
  auto read(F&& fn) -> decltype(fn(std::declval<postgres::Connection&>()));
  // Runs fn inside a REPEATABLE READ READ ONLY transaction: every statement
  // sees the same snapshot (a list's total and its page agree).
  template <class F>
  auto snapshot(F&& fn) -> decltype(fn(std::declval<postgres::Connection&>()));
  // Runs fn inside a READ COMMITTED transaction and commits it when fn
  // succeeds (rolls back when it returns an error): again from the start,
  // up to kWriteAttempts times in all, after a serialization failure or a
  // deadlock.
  template <class F>
  auto write(F&& fn) -> decltype(fn(std::declval<postgres::Connection&>()));

  static constexpr int kWriteAttempts = 5;
  postgres::Pool pool_;
  postgres::ProjectReadCache project_cache_;
  std::optional<PipelinedReads> pipelined_;
  std::optional<PipelinedWrites> pipelined_writes_;
};

// What a PgError means to a client (Unavailable, Conflict, or Internal with
// the database's text for the log only).
Error postgres_error(const postgres::PgError& e);
// The Conflict of a row that the unique index `constraint` refused (`detail` for the log only).
Error unique_conflict(std::string_view constraint, std::string detail);

template <class F>
auto PostgresStore::read(F&& fn) -> decltype(fn(std::declval<postgres::Connection&>())) {
  try {
    postgres::Pool::Lease connection = pool_.acquire();
    return fn(*connection);
  } catch (const postgres::PgError& e) {
    return postgres_error(e);
  }
}

template <class F>
auto PostgresStore::snapshot(F&& fn) -> decltype(fn(std::declval<postgres::Connection&>())) {
  return read([&](postgres::Connection& connection) {
    postgres::Transaction transaction(connection, "REPEATABLE READ READ ONLY");
    auto result = fn(connection);
    transaction.commit();
    return result;
  });
}

template <class F>
auto PostgresStore::write(F&& fn) -> decltype(fn(std::declval<postgres::Connection&>())) {
  for (int attempt = 1;; ++attempt) {
    try {
      postgres::Pool::Lease connection = pool_.acquire();
      postgres::Transaction transaction(*connection);
      auto result = fn(*connection);
      if (result) transaction.commit();
      return result;
    } catch (const postgres::PgError& e) {
      if (!e.retryable() || attempt == kWriteAttempts) return postgres_error(e);
    }
  }
}

}  // namespace focusd
