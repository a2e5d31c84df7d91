// The Projects page: list, create, get, replace, patch, delete, archive,
// unarchive, restore, children, parents, pin and unpin.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/handlers.h"
#include "api/handlers_common.h"
#include "api/json_util.h"
#include "api/json_writer.h"
#include "api/project_json.h"
#include "domain/project_access.h"
#include "domain/project_input.h"
#include "domain/project_tree.h"

namespace focusd::api::handlers {

void write_project(JsonWriter& w, const ProjectRecord& p, const WorkspaceAccess& access,
                   const boost::json::value* rate) {
  const ProjectFields& f = p.fields;
  w.begin_object();
  w.key("id").number(p.id);
  w.key("workspace_id").number(p.workspace_id);
  w.key("name").string(f.name);
  w.key("active").boolean(p.active);
  w.key("archived_at").string_or_null(p.archived_at);
  w.key("auto_compute_estimates").boolean(f.auto_compute_estimates);
  w.key("billable").boolean(f.billable);
  w.key("client_id").number_or_null(f.client_id);
  w.key("client");
  if (f.client_id) {
    w.begin_object().key("id").number(*f.client_id).key("name").string(p.client_name.value_or("")).end_object();
  } else {
    w.null();
  }
  w.key("color").string_or_null(f.color);
  w.key("completion_mode").string("manual");
  w.key("created_at").string(p.created_at);
  w.key("deleted_at").string_or_null(p.deleted_at);
  w.key("description").string_or_null(f.description);
  w.key("draft").boolean(false);
  w.key("end_date").string_or_null(f.end_date);
  w.key("estimated_mins").number_or_null(f.estimated_mins);
  w.key("fixed_fee");
  if (f.fixed_fee) {
    w.begin_object().key("amount").value(json_number(f.fixed_fee->amount));
    w.key("currency").string(f.fixed_fee->currency).end_object();
  } else {
    w.null();
  }
  w.key("is_template").boolean(false);
  const bool parent_hidden = p.parent_private_to_viewer && !access.is_admin();
  w.key("parent_project_id").number_or_null(parent_hidden ? std::nullopt : f.parent_project_id);
  w.key("permissions").begin_array();
  for (const auto& name : domain::permissions(access, p.viewer_role, f.is_private)) w.string(name);
  w.end_array();
  w.key("pinned").boolean(p.pinned);
  w.key("private").boolean(f.is_private);
  if (rate) w.key("rate").value(*rate);
  w.key("rollover_mode").string("expire");
  w.key("start_date").string_or_null(f.start_date);
  w.key("tag_ids").begin_array();
  for (const auto& tag : p.tags) w.number(tag.id);
  w.end_array();
  w.key("tags").begin_array();
  for (const auto& tag : p.tags) {
    w.begin_object().key("id").number(tag.id).key("name").string(tag.name).key("color").string_or_null(tag.extra);
    w.end_object();
  }
  w.end_array();
  w.key("task_estimated_mins").number(p.task_estimated_mins);
  w.key("total_tracked_time").number(p.tracked_seconds);  // seconds, as total_tracked_secs
  w.key("total_tracked_secs").number(p.tracked_seconds);
  w.key("toggl_user_id").number(p.creator_id);
  w.key("updated_at").string(p.updated_at);
  w.end_object();
}

namespace {

using domain::ProjectAction;

const std::vector<std::string_view> kListOrder = {"name",       "client_id",     "client_name",     "parent_project_id",
                                                  "private",    "active",        "billable",        "created_at",
                                                  "updated_at", "toggl_user_id", "created_by_user", "pinned",
                                                  "relevance",  "start_date",    "end_date"};
const std::vector<std::string_view> kTreeOrder = {"name",   "client_id", "parent_project_id", "private",
                                                  "active", "billable",  "created_at",        "updated_at"};

Result<bool> include_rates(const Query& query) {
  auto flag = query.boolean("include_rates");
  if (!flag) return flag.error();
  return flag->value_or(false);
}

Result<ArchivedFilter> archived_filter(const Query& query) {
  auto value = query.text("archived");
  if (!value) return value.error();
  if (!*value || **value == "false" || **value == "0") return ArchivedFilter::Active;
  if ((*value)->empty()) return ArchivedFilter::All;
  if (**value == "true" || **value == "1") return ArchivedFilter::Archived;
  return invalid("archived", "must be true, false or empty");
}

// The Swagger's filters beyond the seed's. focusd has no completed projects,
// no assignees, no custom fields: a filter asking for them matches nothing,
// one asking for their absence everything. only_me narrows an owner's or
// admin's list to what a member sees: public projects and the private ones
// they belong to (directly or through a group).
Status swagger_filters(const Query& query, ProjectQuery& q) {
  auto completed = query.text("completed");
  if (!completed) return completed.error();
  if (*completed && !(*completed)->empty()) {
    auto flag = query.boolean("completed");
    if (!flag) return flag.error();
    if (**flag) q.matches_nothing = true;
  }
  auto assignees = query.ids("assignee_user_id");
  if (!assignees) return assignees.error();
  if (!assignees->empty() && !query.has_empty("assignee_user_id")) q.matches_nothing = true;
  if (!query.list("cf_filter").empty()) q.matches_nothing = true;
  auto only_me = query.boolean("only_me");
  if (!only_me) return only_me.error();
  if (only_me->value_or(false)) {
    if (!q.user_ids.empty()) return invalid("only_me", "cannot be combined with user_id");
    q.viewer.sees_all = false;
  }
  return query.booleans(
      {"include_rollover", "include_idle_recurring_templates", "include_drafts", "include_locked_private"});
}

// The list query: every filter of the page, checked.
Result<ProjectQuery> read_list_query(const Query& query, const WorkspaceAccess& access) {
  ProjectQuery q;
  q.workspace_id = access.workspace_id;
  q.viewer = domain::viewer_of(access);
  auto page = query.page();
  if (!page) return page.error();
  q.page = *page;
  auto order = query.order_by(kListOrder);
  if (!order) return order.error();
  q.order = *order;
  auto pinned = query.boolean("pinned");
  if (!pinned) return pinned.error();
  q.pinned = *pinned;
  auto archived = archived_filter(query);
  if (!archived) return archived.error();
  q.archived = *archived;
  auto is_private = query.boolean("private");
  if (!is_private) return is_private.error();
  q.is_private = *is_private;
  auto name = query.text("name");
  if (!name) return name.error();
  q.name = *name;
  for (auto [param, target] :
       {std::pair{"client_id", &q.client_ids}, std::pair{"creator_id", &q.creator_ids}, std::pair{"tag_id", &q.tag_ids},
        std::pair{"project_id", &q.project_ids}, std::pair{"user_id", &q.user_ids}}) {
    auto ids = query.ids(param);
    if (!ids) return ids.error();
    *target = *ids;
  }
  for (auto user_id : q.user_ids) {
    if (user_id != access.user_id && !access.is_admin()) {
      return make_error(ErrorCode::Forbidden, "only organization owners and admins may inspect other users");
    }
  }
  for (auto [param, legacy, target] : {std::tuple{"start_date", "date_overlap_start", &q.start_date},
                                       std::tuple{"end_date", "date_overlap_end", &q.end_date}}) {
    auto value = query.date(param);
    if (!value) return value.error();
    auto legacy_value = query.date(legacy);
    if (!legacy_value) return legacy_value.error();
    *target = *value ? *value : *legacy_value;
  }
  if (auto read = swagger_filters(query, q); !read) return read.error();
  return q;
}

Response project_response(http::status status, const ProjectRecord& p, const WorkspaceAccess& access,
                          const boost::json::value* rate = nullptr) {
  std::string text;
  JsonWriter w(text);
  write_project(w, p, access, rate);
  return json_text_response(status, std::move(text));
}

// {"data": [projects], "page": …, "per_page": …} and, when given, "total";
// `rates`, when given, holds each project's rate summary.
Response page_response(const std::vector<ProjectRecord>& projects, const WorkspaceAccess& access, const Page& page,
                       std::optional<std::int64_t> total, const std::vector<boost::json::value>* rates = nullptr) {
  std::string text;
  text.reserve(1024 * (projects.size() + 1));
  JsonWriter w(text);
  w.begin_object().key("data").begin_array();
  for (std::size_t i = 0; i < projects.size(); ++i) {
    write_project(w, projects[i], access, rates ? &(*rates)[i] : nullptr);
  }
  w.end_array();
  w.key("page").number(page.page).key("per_page").number(page.per_page);
  if (total) w.key("total").number(*total);
  w.end_object();
  return json_text_response(http::status::ok, std::move(text));
}

awaitable<Result<Reply>> write(Call& call, domain::WriteMode mode) {
  FOCUSD_CO_TRY(loaded, co_await load_project(call));
  FOCUSD_CO_CHECK(require_project(loaded, ProjectAction::Update));
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  FOCUSD_CO_TRY(in, domain::read_project_input(body, mode, loaded.project.fields));
  const Viewer viewer = domain::viewer_of(loaded.access);
  auto updated = co_await in_store_write(call, [&](Store& s) {
    return s.update_project(loaded.access.workspace_id, loaded.project.id, viewer, in.fields, in.pinned,
                            domain::check_placement);
  });
  if (!updated) co_return updated.error();
  co_return project_response(http::status::created, *updated, loaded.access);
}

awaitable<Result<Reply>> related(Call& call, Relation relation) {
  FOCUSD_CO_TRY(loaded, co_await load_project(call));
  FOCUSD_CO_TRY(query, query_of(call));
  FOCUSD_CO_TRY(page, query.page());
  FOCUSD_CO_TRY(order, query.order_by(kTreeOrder));
  const Viewer viewer = domain::viewer_of(loaded.access);
  auto projects = co_await in_store(call, [&](Store& s) {
    return s.related_projects(loaded.access.workspace_id, loaded.project.id, viewer, relation, order, page);
  });
  if (!projects) co_return projects.error();
  co_return page_response(*projects, loaded.access, page, std::nullopt);
}

// Archive, unarchive, delete, restore and pin share one shape: check, act, 204.
template <class Act>
awaitable<Result<Reply>> act(Call& call, ProjectAction action, bool include_deleted, Act act_on) {
  FOCUSD_CO_TRY(loaded, co_await load_project(call, include_deleted));
  FOCUSD_CO_CHECK(require_project(loaded, action));
  FOCUSD_CO_CHECK(co_await in_store_write(call, [&](Store& s) { return act_on(s, loaded); }));
  co_return no_content();
}

}  // namespace

// One trip to the blocking pool checks access, reads the query and the page.
awaitable<Result<Reply>> list_projects(Call& call) {
  std::optional<WorkspaceAccess> access;
  ProjectQuery q;
  bool rates = false;
  std::vector<boost::json::value> summaries;
  FOCUSD_CO_TRY(list, co_await in_store(call, [&](Store& s) -> Result<ProjectList> {
                  auto reached = workspace_access_in(call, s);
                  if (!reached) return reached.error();
                  access = *reached;
                  auto query = query_of(call);
                  if (!query) return query.error();
                  auto read = read_list_query(*query, *access);
                  if (!read) return read.error();
                  q = std::move(*read);
                  auto asked_rates = include_rates(*query);
                  if (!asked_rates) return asked_rates.error();
                  rates = *asked_rates;
                  auto found = s.list_projects(q);
                  if (found && rates) {
                    for (const auto& p : found->items) summaries.push_back(rate_summary(s, p));
                  }
                  return found;
                }));
  co_return page_response(list.items, *access, q.page, list.total, rates ? &summaries : nullptr);
}

// One trip to the writer checks access and creates (each trip is two thread
// wake-ups a lone client waits for). The body is read before it, but
// judged after the access check, as everywhere: an unreachable workspace is
// 404 whatever the body.
awaitable<Result<Reply>> create_project(Call& call) {
  const auto body = parse_json_object(call.request.body());
  const auto in =
      body ? domain::read_project_input(*body, domain::WriteMode::Create) : Result<domain::ProjectInput>(body.error());
  // A project with no parent, client, tags or pin: access check and create in
  // one write, without the blocking pool, where the store can.
  AsyncWrites* async_writes = call.services.store.async_writes();
  if (async_writes && in && !in->pinned.value_or(false) && AsyncWrites::creates(in->fields)) {
    const auto start = metrics::Clock::now();
    auto made = co_await async_writes->create_project(call.user->id, call.params.get(PathId::Workspace),
                                                      call.params.find(PathId::Organization), in->fields);
    metrics::database_call(metrics::DatabaseCall::Write, metrics::seconds_since(start), metrics::database_failed(made));
    FOCUSD_CO_TRY(created, std::move(made));
    co_return project_response(http::status::created, created.project, created.access);
  }
  std::optional<WorkspaceAccess> access;
  auto created = co_await in_store_write(call, [&](Store& s) -> Result<ProjectRecord> {
    auto reached = workspace_access_in(call, s);
    if (!reached) return reached.error();
    access = *reached;
    if (!in) return in.error();
    return s.create_project(access->workspace_id, domain::viewer_of(*access), in->fields, in->pinned.value_or(false),
                            domain::check_placement);
  });
  if (!created) co_return created.error();
  co_return project_response(http::status::created, *created, *access);
}

awaitable<Result<Reply>> get_project(Call& call) {
  FOCUSD_CO_TRY(loaded, co_await load_project(call));
  FOCUSD_CO_TRY(query, query_of(call));
  FOCUSD_CO_TRY(rates, include_rates(query));
  if (!rates) co_return project_response(http::status::ok, loaded.project, loaded.access);
  auto summary = co_await in_store(call, [&](Store& s) { return rate_summary(s, loaded.project); });
  co_return project_response(http::status::ok, loaded.project, loaded.access, &summary);
}

awaitable<Result<Reply>> replace_project(Call& call) {
  return write(call, domain::WriteMode::Replace);
}
awaitable<Result<Reply>> patch_project(Call& call) {
  return write(call, domain::WriteMode::Patch);
}

awaitable<Result<Reply>> delete_project(Call& call) {
  return act(call, ProjectAction::Delete, false, [](Store& s, const LoadedProject& l) {
    return s.set_project_deleted(l.access.workspace_id, l.project.id, true, domain::check_placement);
  });
}

awaitable<Result<Reply>> restore_project(Call& call) {
  return act(call, ProjectAction::Restore, true, [](Store& s, const LoadedProject& l) {
    return s.set_project_deleted(l.access.workspace_id, l.project.id, false, domain::check_placement);
  });
}

awaitable<Result<Reply>> archive_project(Call& call) {
  return act(call, ProjectAction::Archive, false, [](Store& s, const LoadedProject& l) {
    return s.set_project_archived(l.access.workspace_id, l.project.id, true);
  });
}

awaitable<Result<Reply>> unarchive_project(Call& call) {
  return act(call, ProjectAction::Archive, false, [](Store& s, const LoadedProject& l) {
    return s.set_project_archived(l.access.workspace_id, l.project.id, false);
  });
}

awaitable<Result<Reply>> pin_project(Call& call) {
  return act(call, ProjectAction::Pin, false, [](Store& s, const LoadedProject& l) {
    return s.set_project_pinned(l.project.id, l.access.user_id, true);
  });
}

awaitable<Result<Reply>> unpin_project(Call& call) {
  return act(call, ProjectAction::Pin, false, [](Store& s, const LoadedProject& l) {
    return s.set_project_pinned(l.project.id, l.access.user_id, false);
  });
}

awaitable<Result<Reply>> project_children(Call& call) {
  return related(call, Relation::Children);
}
awaitable<Result<Reply>> project_parents(Call& call) {
  return related(call, Relation::Parents);
}

}  // namespace focusd::api::handlers
