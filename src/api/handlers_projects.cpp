// The Projects page: list, create, get, replace, patch, delete, archive,
// unarchive, restore, children, parents, pin and unpin.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/handlers.h"
#include "api/handlers_common.h"
#include "api/json_util.h"
#include "api/project_json.h"
#include "domain/project_access.h"
#include "domain/project_input.h"
#include "domain/project_tree.h"

namespace focusd::api::handlers {

boost::json::object project_json(const ProjectRecord& p, const WorkspaceAccess& access, const boost::json::value* rate,
                                 boost::json::storage_ptr storage) {
  const ProjectFields& f = p.fields;
  boost::json::object o(std::move(storage));
  o.reserve(36);
  o["id"] = p.id;
  o["workspace_id"] = p.workspace_id;
  o["name"] = f.name;
  o["active"] = p.active;
  o["archived_at"] = json_or_null(p.archived_at);
  o["auto_compute_estimates"] = f.auto_compute_estimates;
  o["billable"] = f.billable;
  o["client_id"] = json_or_null(f.client_id);
  o["client"] =
      f.client_id ? boost::json::value(boost::json::object{{"id", *f.client_id}, {"name", p.client_name.value_or("")}})
                  : boost::json::value(nullptr);
  o["color"] = json_or_null(f.color);
  o["completion_mode"] = "manual";
  o["created_at"] = p.created_at;
  o["deleted_at"] = json_or_null(p.deleted_at);
  o["description"] = json_or_null(f.description);
  o["draft"] = false;
  o["end_date"] = json_or_null(f.end_date);
  o["estimated_mins"] = json_or_null(f.estimated_mins);
  o["fixed_fee"] = f.fixed_fee ? boost::json::value(boost::json::object{{"amount", json_number(f.fixed_fee->amount)},
                                                                        {"currency", f.fixed_fee->currency}})
                               : boost::json::value(nullptr);
  o["is_template"] = false;
  o["parent_project_id"] = json_or_null(f.parent_project_id);
  boost::json::array permissions;
  for (const auto& name : domain::permissions(access, p.viewer_role, f.is_private))
    permissions.push_back(boost::json::value(name));
  o["permissions"] = std::move(permissions);
  o["pinned"] = p.pinned;
  o["private"] = f.is_private;
  if (rate) o["rate"] = *rate;
  o["rollover_mode"] = "expire";
  o["start_date"] = json_or_null(f.start_date);
  boost::json::array tag_ids;
  boost::json::array tags;
  for (const auto& tag : p.tags) {
    tag_ids.push_back(tag.id);
    tags.push_back(boost::json::object{{"id", tag.id}, {"name", tag.name}, {"color", json_or_null(tag.extra)}});
  }
  o["tag_ids"] = std::move(tag_ids);
  o["tags"] = std::move(tags);
  o["task_estimated_mins"] = p.task_estimated_mins;
  o["total_tracked_time"] = p.tracked_seconds;  // seconds, as total_tracked_secs
  o["total_tracked_secs"] = p.tracked_seconds;
  o["toggl_user_id"] = p.creator_id;
  o["updated_at"] = p.updated_at;
  return o;
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
  return q;
}

Response project_response(http::status status, const ProjectRecord& p, const WorkspaceAccess& access) {
  return json_response(status, project_json(p, access, nullptr, answer_arena()));
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
  boost::json::array data(answer_arena());
  for (const auto& p : *projects) data.push_back(project_json(p, loaded.access, nullptr, data.storage()));
  co_return json_response(
      http::status::ok,
      boost::json::object{{"data", std::move(data)}, {"page", page.page}, {"per_page", page.per_page}});
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
  boost::json::array data(answer_arena());
  data.reserve(list.items.size());
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    data.push_back(project_json(list.items[i], *access, rates ? &summaries[i] : nullptr, data.storage()));
  }
  co_return json_response(
      http::status::ok,
      boost::json::object{
          {"data", std::move(data)}, {"page", q.page.page}, {"per_page", q.page.per_page}, {"total", list.total}});
}

// One trip to the writer checks access and creates (each trip is two thread
// wake-ups a lone client waits for). The body is read before it, but
// judged after the access check, as everywhere: an unreachable workspace is
// 404 whatever the body.
awaitable<Result<Reply>> create_project(Call& call) {
  const auto body = parse_json_object(call.request.body());
  const auto in =
      body ? domain::read_project_input(*body, domain::WriteMode::Create) : Result<domain::ProjectInput>(body.error());
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
  co_return json_response(http::status::ok, project_json(loaded.project, loaded.access, &summary, answer_arena()));
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
