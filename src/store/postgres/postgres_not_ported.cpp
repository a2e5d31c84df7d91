// The Store methods not yet ported to PostgreSQL (issue 18): each answers
// NotImplemented until its SQL is written and the Store contract suite's
// tests of it pass on PostgreSQL (store_contract_test.cpp lists those that do).
#include "store/postgres/postgres_store.h"

namespace focusd {

namespace {

Error not_ported(const char* method) {
  return make_error(ErrorCode::NotImplemented, std::string(method) + " is not yet available on PostgreSQL");
}

}  // namespace

Result<ProjectList> PostgresStore::list_projects(const ProjectQuery&) {
  return not_ported("list_projects");
}

Result<ProjectRecord> PostgresStore::find_project(std::int64_t, std::int64_t, const Viewer&, bool) {
  return not_ported("find_project");
}

Result<ProjectRecord> PostgresStore::create_project(std::int64_t, const Viewer&, const ProjectFields&, bool,
                                                    const TreeRule&) {
  return not_ported("create_project");
}

Result<ProjectRecord> PostgresStore::update_project(std::int64_t, std::int64_t, const Viewer&, const ProjectFields&,
                                                    std::optional<bool>, const TreeRule&) {
  return not_ported("update_project");
}

Status PostgresStore::set_project_archived(std::int64_t, std::int64_t, bool) {
  return not_ported("set_project_archived");
}

Status PostgresStore::set_project_deleted(std::int64_t, std::int64_t, bool, const TreeRule&) {
  return not_ported("set_project_deleted");
}

Status PostgresStore::set_project_pinned(std::int64_t, std::int64_t, bool) {
  return not_ported("set_project_pinned");
}

Result<std::vector<ProjectRecord>> PostgresStore::related_projects(std::int64_t, std::int64_t, const Viewer&, Relation,
                                                                   const Ordering&, const Page&) {
  return not_ported("related_projects");
}

Result<GroupRecord> PostgresStore::create_group(std::int64_t, const GroupInput&) {
  return not_ported("create_group");
}

Result<GroupRecord> PostgresStore::update_group(std::int64_t, std::int64_t, const GroupInput&, const ManagerRule&) {
  return not_ported("update_group");
}

Status PostgresStore::delete_group(std::int64_t, std::int64_t, const ManagerRule&) {
  return not_ported("delete_group");
}

Result<std::vector<GroupRecord>> PostgresStore::groups_of_user(std::int64_t, std::int64_t) {
  return not_ported("groups_of_user");
}

Status PostgresStore::add_user_to_group(std::int64_t, std::string_view) {
  return not_ported("add_user_to_group");
}

Result<ProjectMembers> PostgresStore::project_members(std::int64_t) {
  return not_ported("project_members");
}

Status PostgresStore::add_project_members(std::int64_t, std::int64_t, const std::vector<std::int64_t>&,
                                          const std::vector<std::int64_t>&, bool, const ManagerRule&) {
  return not_ported("add_project_members");
}

Status PostgresStore::set_project_member_role(std::int64_t, const MemberRef&, bool, const ManagerRule&) {
  return not_ported("set_project_member_role");
}

Status PostgresStore::remove_project_member(std::int64_t, const MemberRef&, const ManagerRule&) {
  return not_ported("remove_project_member");
}

Result<std::vector<RateRecord>> PostgresStore::project_rates(std::int64_t) {
  return not_ported("project_rates");
}

Result<RateRecord> PostgresStore::add_project_rate(std::int64_t, const NewRate&) {
  return not_ported("add_project_rate");
}

Status PostgresStore::clear_project_rates(std::int64_t, const std::string&, const std::optional<std::string>&) {
  return not_ported("clear_project_rates");
}

Result<TimeEntryRecord> PostgresStore::start_time_entry(std::int64_t, const Viewer&, const TimeEntryFields&) {
  return not_ported("start_time_entry");
}

Result<TimeEntryRecord> PostgresStore::running_time_entry(std::int64_t, const Viewer&) {
  return not_ported("running_time_entry");
}

Result<TimeEntryRecord> PostgresStore::stop_time_entry(std::int64_t, const Viewer&, const std::string&) {
  return not_ported("stop_time_entry");
}

Result<TimeEntryRecord> PostgresStore::find_time_entry(std::int64_t, std::int64_t, const Viewer&) {
  return not_ported("find_time_entry");
}

Result<std::vector<TimeEntryRecord>> PostgresStore::list_time_entries(const TimeEntryQuery&) {
  return not_ported("list_time_entries");
}

Result<std::vector<TimeEntryRecord>> PostgresStore::time_entries_by_ids(std::int64_t, const std::vector<std::int64_t>&,
                                                                        const Viewer&) {
  return not_ported("time_entries_by_ids");
}

Result<std::vector<std::int64_t>> PostgresStore::create_time_entries(std::int64_t, const Viewer&,
                                                                     const std::vector<NewTimeEntry>&) {
  return not_ported("create_time_entries");
}

Status PostgresStore::edit_time_entries(std::int64_t, const Viewer&, const std::vector<std::int64_t>&,
                                        const TimeEntryEdit&) {
  return not_ported("edit_time_entries");
}

Status PostgresStore::act_on_time_entries(std::int64_t, const Viewer&, const std::vector<std::int64_t>&, TimeEntryAct,
                                          const TimeEntryCheck&) {
  return not_ported("act_on_time_entries");
}

Result<TaskList> PostgresStore::list_tasks(const TaskQuery&) {
  return not_ported("list_tasks");
}

Result<TaskRecord> PostgresStore::find_task(std::int64_t, std::int64_t, const Viewer&, bool) {
  return not_ported("find_task");
}

Result<TaskRecord> PostgresStore::create_task(std::int64_t, const Viewer&, const TaskFields&, bool) {
  return not_ported("create_task");
}

Result<TaskRecord> PostgresStore::update_task(std::int64_t, std::int64_t, const Viewer&, const TaskFields&,
                                              std::optional<bool>) {
  return not_ported("update_task");
}

Status PostgresStore::set_task_archived(std::int64_t, bool) {
  return not_ported("set_task_archived");
}

Status PostgresStore::set_task_deleted(std::int64_t, bool) {
  return not_ported("set_task_deleted");
}

Result<std::vector<AttachmentRecord>> PostgresStore::list_attachments(ParentKind, std::int64_t, const Ordering&) {
  return not_ported("list_attachments");
}

Result<AttachmentRecord> PostgresStore::find_attachment(ParentKind, std::int64_t, std::int64_t) {
  return not_ported("find_attachment");
}

Result<std::vector<AttachmentRecord>> PostgresStore::create_attachments(ParentKind, std::int64_t, std::int64_t,
                                                                        const std::vector<NewAttachment>&,
                                                                        std::optional<std::int64_t>) {
  return not_ported("create_attachments");
}

Status PostgresStore::update_attachment(ParentKind, std::int64_t, std::int64_t, const std::string&, double) {
  return not_ported("update_attachment");
}

Result<std::optional<std::string>> PostgresStore::delete_attachment(ParentKind, std::int64_t, std::int64_t) {
  return not_ported("delete_attachment");
}

Result<std::int64_t> PostgresStore::storage_used(std::int64_t) {
  return not_ported("storage_used");
}

Result<std::vector<std::string>> PostgresStore::live_blob_digests() {
  return not_ported("live_blob_digests");
}

}  // namespace focusd
