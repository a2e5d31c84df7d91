// Project rates: …/projects/{project_id}/rates and …/rates/current.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/handlers.h"
#include "api/handlers_common.h"
#include "api/json_util.h"
#include "common/time.h"
#include "domain/rates.h"

namespace focusd::api::handlers {

namespace {

using domain::ProjectAction;

boost::json::object rate_json(const RateRecord& r) {
  // project.RateAPI, plus models.Rate's start_date/end_date names for the same values.
  return boost::json::object{{"project_rate_id", r.id},
                             {"workspace_rate_id", nullptr},
                             {"hourly_rate", json_number(r.hourly_rate)},
                             {"currency", r.currency},
                             {"start_at", r.start_at},
                             {"end_at", json_or_null(r.end_at)},
                             {"start_date", r.start_at},
                             {"end_date", json_or_null(r.end_at)}};
}

// order_by is one string "field,direction" here, as in the Swagger.
Status sort_rates(std::vector<RateRecord>& rates, const std::optional<std::string>& order_by) {
  std::string field = "start_at";
  bool descending = false;
  if (order_by) {
    const auto comma = order_by->find(',');
    field = order_by->substr(0, comma);
    const std::string direction = comma == std::string::npos ? "asc" : order_by->substr(comma + 1);
    if (field != "start_at" && field != "end_at" && field != "hourly_rate") {
      return invalid("order_by", "field must be start_at, end_at or hourly_rate");
    }
    if (direction != "asc" && direction != "desc") return invalid("order_by", "direction must be asc or desc");
    descending = direction == "desc";
  }
  // Open-ended rates (no end_at) sort after every end.
  auto less = [&field](const RateRecord& a, const RateRecord& b) {
    if (field == "hourly_rate") return a.hourly_rate < b.hourly_rate;
    if (field == "end_at") return a.end_at != b.end_at && (!b.end_at || (a.end_at && *a.end_at < *b.end_at));
    return a.start_at < b.start_at;
  };
  std::sort(rates.begin(), rates.end(), [&](const RateRecord& a, const RateRecord& b) {
    if (less(a, b)) return !descending;
    if (less(b, a)) return descending;
    return a.id < b.id;
  });
  return Ok{};
}

}  // namespace

boost::json::value rate_summary(Store& store, const ProjectRecord& project) {
  auto rates = store.project_rates(project.id);
  if (!rates) return nullptr;
  auto current = domain::rate_at(*rates, now_rfc3339());
  if (!current) return nullptr;
  return boost::json::object{{"billable", project.fields.billable},
                             {"currency", current->currency},
                             {"end_at", json_or_null(current->end_at)},
                             {"has_more_rates", rates->size() > 1},
                             {"hourly_rate", json_number(current->hourly_rate)},
                             {"project_color", json_or_null(project.fields.color)},
                             {"project_created_at", project.created_at},
                             {"project_id", project.id},
                             {"project_name", project.fields.name},
                             {"project_rate_id", current->id},
                             {"start_at", current->start_at},
                             {"workspace_rate_id", nullptr}};
}

awaitable<Result<Reply>> list_project_rates(Call& call) {
  FOCUSD_CO_TRY(loaded, co_await load_project(call));
  FOCUSD_CO_TRY(query, query_of(call));
  FOCUSD_CO_TRY(order_by, query.text("order_by"));
  FOCUSD_CO_TRY(rates, co_await in_store(call, [&](Store& s) { return s.project_rates(loaded.project.id); }));
  FOCUSD_CO_CHECK(sort_rates(rates, order_by));
  boost::json::array out;
  for (const auto& r : rates) out.push_back(rate_json(r));
  co_return json_response(http::status::ok, out);
}

awaitable<Result<Reply>> create_project_rate(Call& call) {
  FOCUSD_CO_TRY(loaded, co_await load_project(call));
  FOCUSD_CO_CHECK(require_project(loaded, ProjectAction::Update));
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  FOCUSD_CO_TRY(rate, domain::read_rate_input(body));
  FOCUSD_CO_TRY(created,
                co_await in_store_write(call, [&](Store& s) { return s.add_project_rate(loaded.project.id, rate); }));
  co_return json_response(http::status::created, rate_json(created));
}

awaitable<Result<Reply>> delete_project_rates(Call& call) {
  FOCUSD_CO_TRY(loaded, co_await load_project(call));
  FOCUSD_CO_CHECK(require_project(loaded, ProjectAction::Update));
  FOCUSD_CO_TRY(query, query_of(call));
  FOCUSD_CO_TRY(from_text, query.text("from"));
  FOCUSD_CO_TRY(to_text, query.text("to"));
  if (!from_text) co_return invalid("from", "is required (RFC 3339)");
  auto from = normalize_timestamp(*from_text);
  if (!from) co_return invalid("from", "must be an RFC 3339 timestamp");
  std::optional<std::string> to;
  if (to_text) {
    to = normalize_timestamp(*to_text);
    if (!to) co_return invalid("to", "must be an RFC 3339 timestamp");
    if (*to <= *from) co_return invalid("to", "must be after from");
  }
  FOCUSD_CO_CHECK(
      co_await in_store_write(call, [&](Store& s) { return s.clear_project_rates(loaded.project.id, *from, to); }));
  co_return no_content();
}

awaitable<Result<Reply>> current_project_rate(Call& call) {
  FOCUSD_CO_TRY(loaded, co_await load_project(call));
  FOCUSD_CO_TRY(rates, co_await in_store(call, [&](Store& s) { return s.project_rates(loaded.project.id); }));
  auto current = domain::rate_at(rates, now_rfc3339());
  if (!current) co_return make_error(ErrorCode::NotFound, "the project has no rate now");
  co_return json_response(http::status::ok, rate_json(*current));
}

}  // namespace focusd::api::handlers
