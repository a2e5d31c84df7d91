#pragma once
// The rows the Store reads and writes for workspaces' catalogs (clients, tags)
// and projects. Plain data; rules about them live in domain/.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/listing.h"
#include "common/timestamp.h"

namespace focusd {

enum class OrgRole { Owner, Admin, Member };

// The caller's standing in a workspace: member of its organization, with a role.
struct WorkspaceAccess {
  std::int64_t organization_id = 0;
  std::int64_t workspace_id = 0;
  std::int64_t user_id = 0;
  OrgRole role = OrgRole::Member;
  bool is_admin() const { return role != OrgRole::Member; }
};

// Clients and tags are the same kind of row: a named item of a workspace,
// soft-deleted, with one extra text (a client's currency, a tag's color).
enum class Catalog { Clients, Tags };

struct CatalogItem {
  std::int64_t id = 0;
  std::int64_t workspace_id = 0;
  std::string name;
  std::optional<std::string> extra;  // clients: currency; tags: color
  std::int64_t creator_id = 0;
  Timestamp created_at;
  Timestamp updated_at;
  std::optional<Timestamp> deleted_at;
  friend bool operator==(const CatalogItem&, const CatalogItem&) = default;
};

struct CatalogQuery {
  Catalog catalog = Catalog::Clients;
  std::int64_t workspace_id = 0;
  std::optional<std::string> name;  // case-insensitive substring
  std::vector<std::int64_t> ids;    // empty = any
  Ordering order;                   // fields: name, created_at, updated_at, active
  Page page;
};

struct CatalogList {
  std::vector<CatalogItem> items;
  std::int64_t total = 0;
};

struct FixedFee {
  double amount = 0;
  std::string currency;
  friend bool operator==(const FixedFee&, const FixedFee&) = default;
};

// What a project's owner writes (POST, PUT, PATCH).
struct ProjectFields {
  std::string name;
  std::optional<std::int64_t> client_id;
  std::optional<std::string> color;
  std::optional<std::string> description;
  std::optional<std::string> start_date;
  std::optional<std::string> end_date;
  std::optional<std::int64_t> estimated_mins;
  std::optional<FixedFee> fixed_fee;
  std::optional<std::int64_t> parent_project_id;
  bool is_private = false;
  bool billable = false;
  bool auto_compute_estimates = false;
  std::vector<std::int64_t> tag_ids;
  friend bool operator==(const ProjectFields&, const ProjectFields&) = default;
};

// A caller's role on one project, directly or through a group (the stronger wins).
enum class ProjectRole { None, Member, Manager };

struct ProjectRecord {
  std::int64_t id = 0;
  std::int64_t workspace_id = 0;
  ProjectFields fields;
  std::optional<std::string> client_name;
  bool active = true;
  std::optional<Timestamp> archived_at;
  std::optional<Timestamp> deleted_at;
  std::int64_t creator_id = 0;
  Timestamp created_at;
  Timestamp updated_at;
  std::vector<CatalogItem> tags;  // live tags only; fields.tag_ids matches them
  bool pinned = false;            // by the viewer
  ProjectRole viewer_role = ProjectRole::None;
  std::int64_t task_estimated_mins = 0;  // sum over the project's live tasks
  std::int64_t tracked_seconds = 0;      // over its live, stopped time entries (of live tasks)
  // The parent is a private project the viewer is no member of: its id is
  // answered as null but to owners and admins (who see every project), never
  // revealing a project the viewer may not see. fields keep the real one.
  bool parent_private_to_viewer = false;
  friend bool operator==(const ProjectRecord&, const ProjectRecord&) = default;
};

// Who is looking: decides visibility (see domain/project_access.h).
struct Viewer {
  std::int64_t user_id = 0;
  bool sees_all = false;  // organization owner or admin
};

enum class ArchivedFilter { Active, Archived, All };

struct ProjectQuery {
  std::int64_t workspace_id = 0;
  Viewer viewer;
  std::optional<bool> pinned;
  ArchivedFilter archived = ArchivedFilter::Active;
  std::optional<bool> is_private;
  std::optional<std::string> name;
  std::vector<std::int64_t> client_ids;
  std::vector<std::int64_t> creator_ids;
  std::vector<std::int64_t> tag_ids;
  std::vector<std::int64_t> project_ids;
  std::vector<std::int64_t> user_ids;  // projects any of these users can access
  std::optional<std::string> start_date;
  std::optional<std::string> end_date;
  bool matches_nothing = false;  // a filter only what focusd has not (completion, assignees, ...) passes
  Ordering order;
  Page page;
};

struct ProjectList {
  std::vector<ProjectRecord> items;
  std::int64_t total = 0;
};

enum class Relation { Children, Parents };

// Where a project would hang in its workspace's tree, with everything below it
// (what domain/project_tree.h decides on).
struct TreePlacement {
  std::int64_t project_id = 0;          // 0 for a project being created
  std::vector<std::int64_t> ancestors;  // its parent first, up to the root
  int height = 0;                       // levels below the project, deleted ones included
};

// A group of an organization's users; it can be given a role on projects.
struct GroupUser {
  std::int64_t user_id = 0;
  std::int64_t organization_user_id = 0;
  std::string display_name;  // fullname, or the email when there is none
};

struct GroupWorkspace {
  std::int64_t workspace_id = 0;
  std::string name;
};

struct GroupRecord {
  std::int64_t id = 0;
  std::int64_t organization_id = 0;
  std::string name;
  std::string emoji;
  Timestamp created_at;
  Timestamp updated_at;
  std::vector<GroupUser> users;
  std::vector<GroupWorkspace> workspaces;
};

struct GroupInput {
  std::string name;
  std::string emoji;
  std::vector<std::int64_t> user_ids;
  std::vector<std::int64_t> workspace_ids;
};

// One member of a project: a user or a group, manager or not.
struct ProjectMember {
  std::int64_t id = 0;  // user id or group id
  bool manager = false;
  std::int64_t users = 1;  // the users it stands for: 1 for a user, a group's number of users
};

struct ProjectMembers {
  std::vector<ProjectMember> users;
  std::vector<ProjectMember> groups;
};

// What a task's author writes (POST, PUT, PATCH).
struct TaskFields {
  std::string name;
  std::optional<std::int64_t> project_id;
  std::optional<std::int64_t> parent_task_id;
  std::optional<std::string> description;
  std::optional<std::int64_t> estimated_mins;
  std::optional<std::string> start_date;
  std::optional<std::string> end_date;
  std::string priority = "none";  // none | low | medium | high
  bool is_private = false;
  bool billable = false;
  std::int64_t position = 0;
  std::vector<std::int64_t> tag_ids;
};

struct TaskRecord {
  std::int64_t id = 0;
  std::int64_t workspace_id = 0;
  TaskFields fields;
  std::optional<std::string> project_name;
  std::optional<std::string> parent_task_name;
  std::optional<Timestamp> archived_at;
  std::optional<Timestamp> deleted_at;
  std::int64_t creator_id = 0;
  Timestamp created_at;
  Timestamp updated_at;
  std::vector<CatalogItem> tags;
  bool pinned = false;              // by the viewer
  std::int64_t sub_task_count = 0;  // live subtasks the viewer sees
  // The parent task is one the viewer may not see: its id and name are
  // answered as null (fields keep the real one).
  bool parent_task_hidden = false;
  std::int64_t tracked_seconds = 0;  // over its live, stopped time entries
  std::int64_t time_entry_count = 0;
  // The viewer's role in the task's project and whether it is private (for
  // the embedded project's `permissions`).
  ProjectRole project_role = ProjectRole::None;
  bool project_private = false;
};

struct TaskQuery {
  std::int64_t workspace_id = 0;
  Viewer viewer;
  // Tasks of these projects (of any project when empty and !without_project),
  // and, with without_project, tasks that have none; the same for parents.
  std::vector<std::int64_t> project_ids;
  bool without_project = false;
  std::vector<std::int64_t> parent_task_ids;
  bool without_parent = false;
  std::vector<std::int64_t> task_ids;  // these tasks only; empty = any
  // In the task's name, its project's or its project's client's (ASCII case
  // folded); with name_in_parent also in its parent task's, when visible.
  std::optional<std::string> name;
  bool name_in_parent = false;
  ArchivedFilter archived = ArchivedFilter::Active;
  std::optional<bool> pinned;
  // The Swagger's other filters; empty or absent: no filter.
  std::string priorities;  // comma-separated: none, low, medium, high
  std::optional<bool> is_private;
  std::vector<std::int64_t> tag_ids;                // tasks with any of them
  std::vector<std::int64_t> creator_ids;            // toggl_user_id
  std::optional<bool> has_time_entries;             // live ones
  std::optional<bool> has_dates;                    // a start or an end date
  std::optional<std::string> overlap_start;         // start_date: tasks whose end_date is on or after it
  std::optional<std::string> overlap_end;           // end_date: tasks whose start_date is on or before it
  std::optional<std::string> active_by;             // active_by_date: tasks with a date and no start after it
  std::optional<std::string> start_from, start_to;  // legacy start_date_from/_to: start_date within
  std::optional<std::string> end_from, end_to;      // legacy end_date_from/_to: end_date within
  std::vector<std::int64_t> client_ids;             // of the task's project; with without_client, no client too
  bool without_client = false;
  std::optional<std::int64_t> estimated_min, estimated_max;
  bool matches_nothing = false;  // a filter only what focusd has not (statuses, time blocks, ...) passes
  Ordering order;
  Page page;
  bool count_total = true;  // false: TaskList::total is left 0 (a stream's pages need no count)
};

struct TaskList {
  std::vector<TaskRecord> items;
  std::int64_t total = 0;
};

// Attachments hang on projects and tasks alike; the kind is a parameter.
enum class ParentKind { Project, Task };

struct AttachmentRecord {
  std::int64_t id = 0;
  ParentKind parent_kind = ParentKind::Project;
  std::int64_t parent_id = 0;
  std::int64_t workspace_id = 0;
  std::string name;
  std::string mime_type;
  std::int64_t size = 0;
  std::string sha256;
  double display_order = 0;
  Timestamp created_at;
  Timestamp updated_at;
  std::optional<Timestamp> deleted_at;
  std::string blob;  // the bytes' name in the blob store when not sha256 (blob::is_blob_name), else empty

  const std::string& blob_name() const { return blob.empty() ? sha256 : blob; }
};

struct NewAttachment {
  std::string name;
  std::string mime_type;
  std::int64_t size = 0;
  std::string sha256;
  double display_order = 0;
  std::string blob;  // as AttachmentRecord's
};

// An hourly rate of a project over [start_at, end_at); end_at absent = open.
// Times are RFC 3339 UTC ("…Z"), so they compare as text.
struct RateRecord {
  std::int64_t id = 0;
  std::int64_t project_id = 0;
  double hourly_rate = 0;
  std::string currency;
  std::string start_at;
  std::optional<std::string> end_at;
};

struct NewRate {
  double hourly_rate = 0;
  std::string currency;
  std::string start_at;
  std::optional<std::string> end_at;
};

// Whom a membership change is about: exactly one of the two is set.
// A time entry's own fields. Times are RFC 3339 UTC with a `Z`.
struct TimeEntryFields {
  std::optional<std::int64_t> task_id;
  std::optional<std::int64_t> project_id;  // with a task: the task's project
  std::optional<std::string> description;
  std::string type = "activity";  // activity | break
  bool billable = false;
  // billable_source task_default: `billable` was taken from the task's (or its
  // project's) default, not given. On a start, asks for that default.
  bool billable_from_task = false;
  std::optional<std::vector<std::int64_t>> tag_ids;  // the entry's own tags; nullopt: its task's
  Timestamp start;
  std::optional<Timestamp> stop;  // nullopt while it runs
  std::string timezone = "UTC";   // IANA name, the owner's at creation
};

struct TimeEntryRecord {
  std::int64_t id = 0;
  std::int64_t workspace_id = 0;
  std::int64_t user_id = 0;  // whose time it is
  TimeEntryFields fields;
  std::vector<CatalogItem> tags;  // the effective tags: its own, else its task's
  std::optional<std::string> task_name;
  std::optional<std::string> project_name;
  std::optional<std::string> project_color;
  bool project_private = false;
  ProjectRole project_role = ProjectRole::None;  // the viewer's, on its project (None for a viewer who sees all)
  // Its project, or its task, is one the viewer may not see (the entry is
  // theirs, set by an admin): answered without its id or name.
  bool project_hidden = false;
  bool task_hidden = false;
  Timestamp created_at;
  Timestamp updated_at;
  std::optional<Timestamp> archived_at;
  std::optional<Timestamp> deleted_at;
};

// What a write of an entry sets (create, PUT, PATCH, bulk). An entry on a
// task takes the task's project unless project_named; billable_default takes
// the task's billable (else its project's, else false) instead of
// fields.billable.
struct TimeEntryWrite {
  TimeEntryFields fields;
  bool project_named = false;
  bool billable_default = false;
};

struct NewTimeEntry {
  std::int64_t user_id = 0;  // whose time it is
  TimeEntryWrite write;
};

enum class TimeEntryAct { Delete, Restore, Archive, Unarchive };

// Entries whose start is in [from, to), as the viewer sees them.
struct TimeEntryQuery {
  std::int64_t workspace_id = 0;
  Viewer viewer;
  std::string from;
  std::string to;
  std::optional<std::int64_t> task_id;
  std::optional<std::string> type;
  ArchivedFilter archived = ArchivedFilter::Active;
  bool include_taskless = true;
  Ordering order;  // start, task_id, created_at, updated_at (then id); empty: newest start first
  Page page;
};

struct MemberRef {
  std::optional<std::int64_t> user_id;
  std::optional<std::int64_t> group_id;
};

}  // namespace focusd
