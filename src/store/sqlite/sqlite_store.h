#pragma once
// The SQLite implementation of Store: one writer connection, used only by the
// store's writer thread (writes are serialised there, as SQLite serialises
// them anyway, and committed in groups: see write()), and a pool of reader
// connections that run concurrently thanks to WAL.

#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/guard.h"
#include "store/store.h"

namespace focusd {

struct SqliteStoreOptions {
  std::string path;
  unsigned readers = 4;
  std::string synchronous = "full";
  std::chrono::milliseconds busy_timeout{5000};
  std::int64_t mmap_bytes = 0;
  // How long the writer thread polls for the next write after a group before
  // it sleeps (common/spin.h).
  std::chrono::microseconds idle_spin{0};
};

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database and applies migrations. Fails when
  // the file cannot be opened or its schema is newer than this binary.
  static Result<std::unique_ptr<SqliteStore>> open(const SqliteStoreOptions& options);
  ~SqliteStore() override;

  void in_session(const std::function<void()>& fn) override;
  void write_async(const std::function<void()>& job, std::function<void(std::optional<Error>)> done) override;
  Status ping() override;
  Result<bool> has_users() override;
  Result<int> schema_version() override;
  bool has_own_writer() const override { return true; }
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

  // sqlite_catalog.cpp
  Result<CatalogItem> create_catalog_item(Catalog catalog, std::int64_t workspace_id, std::int64_t creator_id,
                                          const std::string& name, const std::optional<std::string>& extra) override;
  Result<CatalogItem> find_catalog_item(Catalog catalog, std::int64_t workspace_id, std::int64_t id,
                                        bool include_deleted) override;
  Result<CatalogList> list_catalog_items(const CatalogQuery& query) override;
  Result<CatalogItem> update_catalog_item(Catalog catalog, std::int64_t workspace_id, std::int64_t id,
                                          const std::string& name, const std::optional<std::string>& extra) override;
  Status set_catalog_item_deleted(Catalog catalog, std::int64_t workspace_id, std::int64_t id, bool deleted) override;

  // sqlite_projects.cpp
  Result<ProjectList> list_projects(const ProjectQuery& query) override;
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

  // sqlite_members.cpp
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

  // sqlite_rates.cpp
  Result<std::vector<RateRecord>> project_rates(std::int64_t project_id) override;
  Result<RateRecord> add_project_rate(std::int64_t project_id, const NewRate& rate) override;
  Status clear_project_rates(std::int64_t project_id, const std::string& from,
                             const std::optional<std::string>& to) override;

  // sqlite_tasks.cpp
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

  // sqlite_attachments.cpp
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
  Result<std::unique_ptr<Held>> hold_sweep() override { return std::make_unique<Held>(); }

 private:
  SqliteStore() = default;

  // Runs fn with a reader connection (waiting for a free one).
  template <class F>
  auto read(F&& fn) -> decltype(fn(std::declval<sqlite::Connection&>()));
  // Runs fn with the writer connection and returns once what it wrote is
  // durable. Every write runs on the writer thread (writer_loop), which
  // commits in groups: it takes every write queued, runs each inside one
  // transaction (a write's own Transaction is a savepoint in it), and commits
  // them with one fsync. If the group cannot commit, every write in it fails.
  // Called on the writer thread itself (a write inside a write_async job),
  // fn just runs in the open group.
  template <class F>
  auto write(F&& fn) -> decltype(fn(std::declval<sqlite::Connection&>()));

  // One write waiting for the writer thread. run() returns the write's own
  // error, if any (the one that names why SQLite rolled a group back); done()
  // hears whether the group committed.
  struct Job {
    std::function<std::optional<Error>()> run;
    std::function<void(std::optional<Error>)> done;
  };
  static constexpr std::size_t kMaxGroupWrites = 64;
  // New project names wait for the name index until this many (by id) have
  // gathered: one index segment for them all, not one per commit. A name
  // search reads the waiting ones beside the index.
  static constexpr std::int64_t kNamesIndexedAtOnce = 256;
  void enqueue(Job job);
  void writer_loop();
  void run_group(std::vector<Job>& jobs);

  std::unique_ptr<sqlite::Connection> writer_;
  std::chrono::microseconds idle_spin_{0};
  std::thread writer_thread_;
  std::mutex queue_mutex_;
  std::condition_variable queued_;
  std::vector<Job> queue_;  // at most one job per request in flight, so bounded by the connections
  bool stopping_ = false;
  static thread_local SqliteStore* writer_thread_of;  // the store whose writer thread this is

  // A reader connection (waiting for one when all are lent), and its return.
  std::unique_ptr<sqlite::Connection> take_reader();
  void give_back(std::unique_ptr<sqlite::Connection> connection);
  // The reader connection that in_session() holds on this thread, if any.
  struct Session {
    SqliteStore* store = nullptr;
    sqlite::Connection* connection = nullptr;
  };
  static thread_local Session current_session;

  std::mutex readers_mutex_;
  std::condition_variable reader_released_;
  std::vector<std::unique_ptr<sqlite::Connection>> idle_readers_;
};

template <class F>
auto SqliteStore::read(F&& fn) -> decltype(fn(std::declval<sqlite::Connection&>())) {
  if (current_session.store == this) {  // the session's connection, in its snapshot
    sqlite::Connection& db = *current_session.connection;
    return sqlite::guarded([&] {
      // The writer thread's session is the open group (never begin one there:
      // after SQLite rolled a group back, that would hide it).
      if (writer_thread_of != this && !db.in_transaction()) db.prepare("BEGIN").run();
      return fn(db);
    });
  }
  struct GiveBack {
    SqliteStore* store = nullptr;
    std::unique_ptr<sqlite::Connection> connection;
    ~GiveBack() { store->give_back(std::move(connection)); }
  } reader{this, take_reader()};
  return sqlite::guarded([&] {
    sqlite::ReadTransaction snapshot(*reader.connection);
    return fn(*reader.connection);
  });
}

template <class F>
auto SqliteStore::write(F&& fn) -> decltype(fn(std::declval<sqlite::Connection&>())) {
  if (writer_thread_of == this) return sqlite::guarded([&] { return fn(*writer_); });
  if (current_session.store == this) {  // the session's later reads see this write
    sqlite::end_read_transaction(*current_session.connection);
  }
  using R = decltype(fn(*writer_));
  std::optional<R> result;
  std::exception_ptr thrown;
  std::optional<Error> failure;
  bool finished = false;
  std::mutex mutex;
  std::condition_variable finished_cv;
  enqueue(Job{[&]() -> std::optional<Error> {
                try {
                  result.emplace(sqlite::guarded([&] { return fn(*writer_); }));
                } catch (...) {  // fn's own Transaction has rolled back; the group goes on
                  thrown = std::current_exception();
                  return internal_error("write failed");
                }
                return *result ? std::nullopt : std::optional<Error>(result->error());
              },
              [&](std::optional<Error> group_failure) {
                std::lock_guard lock(mutex);
                failure = std::move(group_failure);
                finished = true;
                finished_cv.notify_one();
              }});
  std::unique_lock lock(mutex);
  finished_cv.wait(lock, [&] { return finished; });
  if (thrown) std::rethrow_exception(thrown);
  if (failure) return *failure;
  return std::move(*result);
}

}  // namespace focusd
