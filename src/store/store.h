#pragma once
// The Store interface: every read and write focusd makes to its database.
// Implementations (sqlite/, later postgres/) are thread-safe and blocking;
// callers on network threads run reads through a blocking pool
// (common/offload.h) and writes through write_async, which holds no thread
// while a write waits to be durable.
//
// Conventions: NotFound means "no such row visible to this call"; Conflict means
// a uniqueness rule was broken; Internal means the database failed (its text is
// in Error::detail, for the log only).

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/records.h"

namespace focusd {

const char* to_string(OrgRole role);
std::optional<OrgRole> parse_org_role(std::string_view text);

// Something held (a lock) until it is destroyed.
class Held {
 public:
  virtual ~Held() = default;
};

// What a store answers when its database's schema (version `found`) is newer
// than the newest migration this binary knows (`known`): InvalidArgument.
Error schema_too_new(int found, int known);

struct UserRecord {
  std::int64_t id = 0;
  std::string email;
  std::string fullname;
  std::string password_hash;  // Argon2id string from crypto_pwhash_str
  std::string created_at;
};

struct NewUser {
  std::string email;
  std::string fullname;
  std::string password_hash;
  // Join this organization with `role`; when absent a new organization with one
  // workspace is created and the user owns it.
  std::optional<std::int64_t> organization_id;
  OrgRole role = OrgRole::Member;
};

struct CreatedUser {
  std::int64_t user_id = 0;
  std::int64_t organization_id = 0;
  std::int64_t workspace_id = 0;  // the organization's first workspace
};

struct WorkspaceRecord {
  std::int64_t id = 0;
  std::int64_t organization_id = 0;
  std::string name;
  std::string created_at;
};

struct Membership {
  std::int64_t organization_id = 0;
  OrgRole role = OrgRole::Member;
  std::string joined_at;  // RFC 3339 UTC
};

// One user of an organization (organization_users.id is its own id).
struct OrganizationUserRecord {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string email;
  std::string fullname;
  OrgRole role = OrgRole::Member;
  std::string joined_at;  // RFC 3339 UTC
};

// A project with the access of the user who asked for it.
struct ProjectWithAccess {
  WorkspaceAccess access;
  ProjectRecord project;
};

// Reads that a store answers on the calling coroutine's I/O thread without
// blocking it (PostgreSQL: over that thread's pipelined connection), each the
// same as the Store method of its name.
class AsyncReads {
 public:
  virtual ~AsyncReads() = default;
  virtual boost::asio::awaitable<Result<ProjectWithAccess>> find_project_with_access(
      std::int64_t user_id, std::int64_t workspace_id, std::optional<std::int64_t> organization_id,
      std::int64_t project_id, bool include_deleted) = 0;
};

// Writes that a store makes on the calling coroutine's I/O thread without
// blocking it (PostgreSQL: one statement each, over that thread's connection
// that commits what its coroutines ask together), each the same as its
// blocking form and answered once durable.
class AsyncWrites {
 public:
  virtual ~AsyncWrites() = default;
  // Whether create_project takes these fields: no parent, client or tags.
  static bool creates(const ProjectFields& f) { return !f.parent_project_id && !f.client_id && f.tag_ids.empty(); }
  // Store::workspace_access and then Store::create_project (neither pinned
  // nor with a tree rule) as one write, for fields it creates()
  // (InvalidArgument otherwise, nothing written).
  virtual boost::asio::awaitable<Result<ProjectWithAccess>> create_project(std::int64_t user_id,
                                                                           std::int64_t workspace_id,
                                                                           std::optional<std::int64_t> organization_id,
                                                                           const ProjectFields& fields) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Runs fn, whose reads may share one connection and one snapshot (taken
  // again after each write fn makes, so fn reads what it wrote): a handler's
  // access check and read cost one read transaction, not one each.
  virtual void in_session(const std::function<void()>& fn) { fn(); }
  // Runs `job` (which may read and write) where writes are cheapest to wait
  // for, and then calls `done` once all it wrote is durable (nullopt), or with
  // the error that lost it: the caller waits without holding a thread. `job`
  // and `done` may run on another thread; `job` must catch its own exceptions.
  // Without a writer of its own (has_own_writer() false), a store runs both
  // on the calling thread, which must then not be an I/O thread.
  virtual bool has_own_writer() const { return false; }
  virtual void write_async(const std::function<void()>& job,
                           std::function<void(std::optional<Error>)>
                               done) {  // NOLINT(performance-unnecessary-value-param): a sink for a store that keeps it
    job();
    done(std::nullopt);
  }

  // Null when the store has no AsyncReads: callers then run the blocking
  // forms on the blocking pool.
  virtual AsyncReads* async_reads() { return nullptr; }
  // The same for AsyncWrites.
  virtual AsyncWrites* async_writes() { return nullptr; }

  // OK when the database answers a trivial query.
  virtual Status ping() = 0;
  virtual Result<bool> has_users() = 0;
  // The version of the last schema migration applied.
  virtual Result<int> schema_version() = 0;

  // Conflict when the email is taken (case-insensitively); NotFound when
  // new_user.organization_id names no organization.
  virtual Result<CreatedUser> create_user(const NewUser& new_user) = 0;
  // Email match is case-insensitive.
  virtual Result<UserRecord> find_user_by_email(std::string_view email) = 0;
  virtual Result<UserRecord> find_user(std::int64_t user_id) = 0;
  // The user owning the API key with this SHA-256 digest, if the key is neither
  // revoked nor expired at `now` (RFC 3339).
  virtual Result<UserRecord> find_user_by_api_key(std::string_view key_digest, std::string_view now) = 0;
  // Stores a new key digest for the user and revokes every other key of theirs.
  virtual Status create_api_key(std::int64_t user_id, std::string_view key_digest,
                                std::optional<std::string> expires_at) = 0;

  // NotFound when the organization does not exist.
  virtual Result<std::int64_t> create_workspace(std::int64_t organization_id, std::string_view name) = 0;
  // The organizations the user belongs to, oldest membership first, each with
  // when the user joined it.
  virtual Result<std::vector<Membership>> memberships(std::int64_t user_id) = 0;
  // NotFound when the user is not a member of the organization (or it does not exist).
  virtual Result<std::vector<WorkspaceRecord>> list_workspaces(std::int64_t user_id, std::int64_t organization_id) = 0;
  // Every user of the organization, in the order they joined it.
  virtual Result<std::vector<OrganizationUserRecord>> organization_users(std::int64_t organization_id) = 0;
  // True when the workspace exists and its organization has the user as a member.
  virtual Result<bool> can_access_workspace(std::int64_t user_id, std::int64_t workspace_id) = 0;

  // The user's settings document (a JSON object as text; "{}" when never set).
  virtual Result<std::string> user_settings(std::int64_t user_id) = 0;
  // Atomically replaces the settings with mutate(current). Whatever error mutate
  // returns is returned and nothing is written.
  using SettingsMutation = std::function<Result<std::string>(const std::string& current)>;
  virtual Result<std::string> update_user_settings(std::int64_t user_id, const SettingsMutation& mutate) = 0;

  // NotFound unless the workspace exists and the user belongs to its
  // organization (and, when given, the workspace is in organization_id).
  virtual Result<WorkspaceAccess> workspace_access(std::int64_t user_id, std::int64_t workspace_id,
                                                   std::optional<std::int64_t> organization_id) = 0;

  // Clients and tags. Names are unique among a workspace's live items
  // (case-insensitively): Conflict otherwise. NotFound for a missing item or
  // one of another workspace; deleted items are found only with include_deleted.
  virtual Result<CatalogItem> create_catalog_item(Catalog catalog, std::int64_t workspace_id, std::int64_t creator_id,
                                                  const std::string& name, const std::optional<std::string>& extra) = 0;
  virtual Result<CatalogItem> find_catalog_item(Catalog catalog, std::int64_t workspace_id, std::int64_t id,
                                                bool include_deleted) = 0;
  virtual Result<CatalogList> list_catalog_items(const CatalogQuery& query) = 0;
  virtual Result<CatalogItem> update_catalog_item(Catalog catalog, std::int64_t workspace_id, std::int64_t id,
                                                  const std::string& name, const std::optional<std::string>& extra) = 0;
  // Soft delete (deleted = true) or restore; restoring into a taken name is a Conflict.
  virtual Status set_catalog_item_deleted(Catalog catalog, std::int64_t workspace_id, std::int64_t id,
                                          bool deleted) = 0;

  // Projects. Every read sees only what `viewer` may see (domain::can_see, the
  // rule, which a store translates into its own queries; the contract suite
  // checks the translation for every kind of viewer): NotFound otherwise.
  // Writes check the references in the fields: client and tags must be live
  // items of the workspace and the parent a live project the viewer sees
  // (InvalidArgument naming the field); a live name taken in the workspace
  // (case-insensitively) is a Conflict.
  //
  // The tree rule (domain::check_placement): asked, inside the write's
  // transaction, where a project and everything below it (deleted descendants
  // included) would hang, by create and update when they name a parent and by
  // restore. An error it returns is returned and nothing is written.
  using TreeRule = std::function<Status(const TreePlacement& placement)>;
  virtual Result<ProjectList> list_projects(const ProjectQuery& query) = 0;
  virtual Result<ProjectRecord> find_project(std::int64_t workspace_id, std::int64_t project_id, const Viewer& viewer,
                                             bool include_deleted) = 0;
  // workspace_access and then find_project as that access's viewer, which a
  // store may answer in one statement (NotFound for either). This one makes the two calls.
  virtual Result<ProjectWithAccess> find_project_with_access(std::int64_t user_id, std::int64_t workspace_id,
                                                             std::optional<std::int64_t> organization_id,
                                                             std::int64_t project_id, bool include_deleted);
  // The creator becomes the project's manager; `pinned` pins it for them.
  virtual Result<ProjectRecord> create_project(std::int64_t workspace_id, const Viewer& creator,
                                               const ProjectFields& fields, bool pinned, const TreeRule& tree_rule) = 0;
  virtual Result<ProjectRecord> update_project(std::int64_t workspace_id, std::int64_t project_id, const Viewer& viewer,
                                               const ProjectFields& fields, std::optional<bool> pinned,
                                               const TreeRule& tree_rule) = 0;
  // Archiving archives the live, active descendants too; unarchiving brings
  // back the project and what its own archiving archived.
  virtual Status set_project_archived(std::int64_t workspace_id, std::int64_t project_id, bool archived) = 0;
  // Deleting soft-deletes the live descendants too, however deep; restoring
  // brings back the project and what its own deletion deleted (Conflict when a
  // name is taken again, or when its parent is still deleted; what tree_rule
  // returns when the tree may not have it back). No live project is ever below
  // a deleted one.
  virtual Status set_project_deleted(std::int64_t workspace_id, std::int64_t project_id, bool deleted,
                                     const TreeRule& tree_rule) = 0;
  virtual Status set_project_pinned(std::int64_t project_id, std::int64_t user_id, bool pinned) = 0;
  // Descendants (Children) or ancestors (Parents) the viewer may see, live only.
  // Groups. Users must be members of the organization and workspaces must be
  // its own (InvalidArgument naming organization_users / workspaces otherwise).
  // NotFound for a group of another organization.
  //
  // The last-manager rule (domain::keep_a_manager): asked, inside the write's
  // transaction, about every project whose members (or whose groups' users)
  // the write changes, with its members before and after (ProjectMember::users
  // counting each group's users). An error it returns is returned and nothing
  // is written. Every write that can take a manager away takes it.
  using ManagerRule =
      std::function<Status(std::int64_t project_id, const ProjectMembers& before, const ProjectMembers& after)>;
  virtual Result<OrgRole> organization_role(std::int64_t user_id, std::int64_t organization_id) = 0;
  virtual Result<GroupRecord> create_group(std::int64_t organization_id, const GroupInput& input) = 0;
  // Replaces the group's name, users and workspaces.
  virtual Result<GroupRecord> update_group(std::int64_t organization_id, std::int64_t group_id, const GroupInput& input,
                                           const ManagerRule& manager_rule) = 0;
  // Deletes the group and every project role it held.
  virtual Status delete_group(std::int64_t organization_id, std::int64_t group_id, const ManagerRule& manager_rule) = 0;
  virtual Result<std::vector<GroupRecord>> groups_of_user(std::int64_t organization_id, std::int64_t user_id) = 0;
  // Every group of the organization, oldest first.
  virtual Result<std::vector<GroupRecord>> organization_groups(std::int64_t organization_id) = 0;
  // Adds a user (found by email) to a group of an organization they belong to.
  virtual Status add_user_to_group(std::int64_t group_id, std::string_view email) = 0;

  // Project members. Users and groups must belong to the workspace's
  // organization (InvalidArgument naming user_ids / group_ids). Changes go
  // through the last-manager rule (ManagerRule above).
  virtual Result<ProjectMembers> project_members(std::int64_t project_id) = 0;
  // Adds (or re-roles) the users and groups.
  virtual Status add_project_members(std::int64_t workspace_id, std::int64_t project_id,
                                     const std::vector<std::int64_t>& user_ids,
                                     const std::vector<std::int64_t>& group_ids, bool manager,
                                     const ManagerRule& manager_rule) = 0;
  // InvalidArgument when the user or group is not a member of the project.
  virtual Status set_project_member_role(std::int64_t project_id, const MemberRef& member, bool manager,
                                         const ManagerRule& manager_rule) = 0;
  virtual Status remove_project_member(std::int64_t project_id, const MemberRef& member,
                                       const ManagerRule& manager_rule) = 0;

  // Project rates form a timeline without overlaps: a new rate replaces what
  // it covers (earlier rates are cut short, later ones start after it), and
  // clearing [from, to) cuts that span out (to absent = open-ended).
  virtual Result<std::vector<RateRecord>> project_rates(std::int64_t project_id) = 0;
  virtual Result<RateRecord> add_project_rate(std::int64_t project_id, const NewRate& rate) = 0;
  virtual Status clear_project_rates(std::int64_t project_id, const std::string& from,
                                     const std::optional<std::string>& to) = 0;

  // Tasks. A task is visible as domain::may_see_task says: when its project is
  // (a task without a project: to its creator); a private task only to its
  // creator; owners and admins see all. Who may edit it is domain::may_edit_task's to decide, from the
  // record's creator_id and project_role. References are checked as
  // for projects: project_id, parent_task_id and tag_ids must be live and
  // visible in the workspace (InvalidArgument naming the field); a parent
  // making a cycle is InvalidArgument. Deleted tasks are found only with
  // include_deleted; a deleted project takes its tasks out of sight.
  virtual Result<TaskList> list_tasks(const TaskQuery& query) = 0;
  virtual Result<TaskRecord> find_task(std::int64_t workspace_id, std::int64_t task_id, const Viewer& viewer,
                                       bool include_deleted) = 0;
  virtual Result<TaskRecord> create_task(std::int64_t workspace_id, const Viewer& creator, const TaskFields& fields,
                                         bool pinned) = 0;
  virtual Result<TaskRecord> update_task(std::int64_t workspace_id, std::int64_t task_id, const Viewer& viewer,
                                         const TaskFields& fields, std::optional<bool> pinned) = 0;
  virtual Status set_task_archived(std::int64_t task_id, bool archived) = 0;
  virtual Status set_task_deleted(std::int64_t task_id, bool deleted) = 0;

  // Time entries. An entry is visible as domain::may_see_time_entry says: to
  // its owner, to owners and admins, and to whoever sees its project; an
  // entry whose project or task is deleted is out of sight. One entry at most
  // runs (stop unset) per user and workspace.
  //
  // Whether the running entry started at `start` may stop at `stop`
  // (domain::check_stop), asked inside the transaction of whatever stops it.
  // An error it returns is returned and nothing is written.
  using StopRule = std::function<Status(std::string_view start, std::string_view stop)>;
  // Starts an entry for `user` (its user_id), first stopping the user's
  // running one at the new start (or at its own start, if that is later), in
  // one transaction. The task and project must be live and visible to the
  // user (InvalidArgument naming the field); an entry on a task takes the
  // task's project unless fields.project_id names another.
  virtual Result<TimeEntryRecord> start_time_entry(std::int64_t workspace_id, const Viewer& user,
                                                   const TimeEntryFields& fields, const StopRule& stop_rule) = 0;
  // The user's running entry, even if its project or task was deleted (the
  // timer is theirs to see and stop); NotFound when none runs.
  virtual Result<TimeEntryRecord> running_time_entry(std::int64_t workspace_id, const Viewer& user) = 0;
  // Stops the user's running entry at `stop`; NotFound when none runs.
  virtual Result<TimeEntryRecord> stop_time_entry(std::int64_t workspace_id, const Viewer& user,
                                                  const std::string& stop, const StopRule& stop_rule) = 0;
  virtual Result<TimeEntryRecord> find_time_entry(std::int64_t workspace_id, std::int64_t id, const Viewer& viewer) = 0;
  // Live entries by start, newest first unless !descending, then by id.
  virtual Result<std::vector<TimeEntryRecord>> list_time_entries(const TimeEntryQuery& query) = 0;
  // The live entries of `ids` that the viewer sees, by id; others are left out.
  virtual Result<std::vector<TimeEntryRecord>> time_entries_by_ids(std::int64_t workspace_id,
                                                                   const std::vector<std::int64_t>& ids,
                                                                   const Viewer& viewer) = 0;
  // Creates entries, all or none, in one transaction; their ids in order.
  // Owners must be members of the workspace (InvalidArgument naming
  // user_id); the task, project and tags are checked as `caller` sees them,
  // as for start_time_entry, except that a named project overrides the task's.
  // An entry left running (no stop) is InvalidArgument: only the timer runs.
  virtual Result<std::vector<std::int64_t>> create_time_entries(std::int64_t workspace_id, const Viewer& caller,
                                                                const std::vector<NewTimeEntry>& entries) = 0;
  // Rewrites each entry of `ids` (live, as `caller` sees it: NotFound
  // otherwise) to what `edit` returns for it, all or none, in one
  // transaction; an error from `edit` is returned and nothing is written.
  // Changed references are checked as on create.
  using TimeEntryEdit = std::function<Result<TimeEntryWrite>(const TimeEntryRecord& current)>;
  virtual Status edit_time_entries(std::int64_t workspace_id, const Viewer& caller,
                                   const std::vector<std::int64_t>& ids, const TimeEntryEdit& edit) = 0;
  // Deletes (soft), restores, archives or unarchives each entry of `ids`, all
  // or none, after `check` passes for each (NotFound for an entry the caller
  // doesn't see; Restore finds deleted ones too). Restoring a running entry
  // while its owner has another running is Conflict.
  using TimeEntryCheck = std::function<Status(const TimeEntryRecord& entry)>;
  virtual Status act_on_time_entries(std::int64_t workspace_id, const Viewer& caller,
                                     const std::vector<std::int64_t>& ids, TimeEntryAct act,
                                     const TimeEntryCheck& check) = 0;

  // Attachments of a project or task (access is checked on the parent first).
  // Lists are of live attachments, ordered by `order` (display_order,
  // created_at, name) or display_order then id.
  virtual Result<std::vector<AttachmentRecord>> list_attachments(ParentKind kind, std::int64_t parent_id,
                                                                 const Ordering& order) = 0;
  // NotFound for a deleted attachment or one of another parent.
  virtual Result<AttachmentRecord> find_attachment(ParentKind kind, std::int64_t parent_id,
                                                   std::int64_t attachment_id) = 0;
  // Creates all or none, in request order, in one transaction. QuotaExceeded
  // when the workspace's live attachments plus these would pass quota_bytes.
  virtual Result<std::vector<AttachmentRecord>> create_attachments(ParentKind kind, std::int64_t parent_id,
                                                                   std::int64_t workspace_id,
                                                                   const std::vector<NewAttachment>& attachments,
                                                                   std::optional<std::int64_t> quota_bytes) = 0;
  virtual Status update_attachment(ParentKind kind, std::int64_t parent_id, std::int64_t attachment_id,
                                   const std::string& name, double display_order) = 0;
  // Soft-deletes; returns the blob's name (AttachmentRecord::blob_name) when no
  // live attachment uses it any more.
  virtual Result<std::optional<std::string>> delete_attachment(ParentKind kind, std::int64_t parent_id,
                                                               std::int64_t attachment_id) = 0;
  // The sum of the sizes of the workspace's live attachments.
  virtual Result<std::int64_t> storage_used(std::int64_t workspace_id) = 0;
  // The blob names used by live attachments, digests or names of their own (for fsck).
  virtual Result<std::vector<std::string>> live_blob_names() = 0;
  // Writes the whole database as it is at one moment into a new SQLite
  // database file at `path`, durable when this returns OK, while other
  // connections go on reading and writing (admin backup). InvalidArgument on
  // a backend whose own tools do this better (PostgreSQL: pg_dump), naming them.
  virtual Status snapshot_to(const std::string& path) = 0;
  // The right to sweep blobs (admin fsck --repair), held for as long as the
  // returned handle lives, so that one sweep at a time runs on a database
  // that several nodes share: Conflict while another holds it. The embedded
  // store (one machine, repaired with its server stopped) always grants it.
  virtual Result<std::unique_ptr<Held>> hold_sweep() = 0;

  virtual Result<std::vector<ProjectRecord>> related_projects(std::int64_t workspace_id, std::int64_t project_id,
                                                              const Viewer& viewer, Relation relation,
                                                              const Ordering& order, const Page& page) = 0;
};

}  // namespace focusd
