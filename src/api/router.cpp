#include "api/router.h"

#include <stdexcept>

#include "common/ids.h"

namespace focusd::api {

namespace {
bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::string_view param_name(std::string_view segment) {
  return segment.substr(1, segment.size() - 2);
}

void append_method(std::string& allow, http::verb method) {
  std::string_view name = http::to_string(method);
  if (allow.find(name) != std::string::npos) return;
  if (!allow.empty()) allow += ", ";
  allow += name;
}
}  // namespace

std::string_view segment_name(PathId id) {
  switch (id) {
    case PathId::Organization: return "organization_id";
    case PathId::Workspace: return "workspace_id";
    case PathId::Project: return "project_id";
    case PathId::Task: return "task_id";
    case PathId::Attachment: return "attachment_id";
    case PathId::Client: return "client_id";
    case PathId::Tag: return "tag_id";
    case PathId::Group: return "group_id";
    case PathId::TimeEntry: return "time_entry_id";
  }
  return "";
}

std::optional<PathId> path_id_named(std::string_view name) {
  for (PathId id : {PathId::Organization, PathId::Workspace, PathId::Project, PathId::Task, PathId::Attachment,
                    PathId::Client, PathId::Tag, PathId::Group, PathId::TimeEntry}) {
    if (segment_name(id) == name) return id;
  }
  return std::nullopt;
}

std::optional<std::int64_t> PathParams::find(PathId id) const {
  for (const auto& [key, value] : values_) {
    if (key == id) return value;
  }
  return std::nullopt;
}

std::int64_t PathParams::get(PathId id) const {
  if (auto value = find(id)) return *value;
  throw std::logic_error("the route has no {" + std::string(segment_name(id)) + "} segment");
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  for (const auto& route : routes_) {
    Compiled compiled{&route, split_path(route.pattern), {}};
    for (const auto& segment : compiled.segments) {
      if (!is_param(segment)) continue;
      const auto id = path_id_named(param_name(segment));
      if (!id) {
        throw std::invalid_argument("route " + std::string(route.pattern) + ": unknown segment " +
                                    std::string(segment));
      }
      compiled.ids.push_back(*id);
    }
    compiled_.push_back(std::move(compiled));
  }
}

RouteLookup Router::lookup(http::verb method, std::string_view path) const {
  const http::verb wanted = method == http::verb::head ? http::verb::get : method;
  const auto segments = split_path(path);
  RouteLookup result;
  std::optional<Error> bad_id;
  for (const auto& candidate : compiled_) {
    if (candidate.segments.size() != segments.size()) continue;
    PathParams params;
    auto next_id = candidate.ids.begin();
    bool shape = true;
    std::optional<Error> this_bad_id;
    for (std::size_t i = 0; i < segments.size() && shape; ++i) {
      const auto& pattern = candidate.segments[i];
      if (!is_param(pattern)) {
        shape = pattern == segments[i];
      } else if (auto id = parse_id(segments[i])) {
        params.add(*next_id++, *id);
      } else if (segments[i].empty()) {
        shape = false;
      } else {
        ++next_id;
        if (!this_bad_id) this_bad_id = invalid(std::string(param_name(pattern)), "must be a positive 64-bit integer");
      }
    }
    if (!shape) continue;
    if (this_bad_id) {
      if (!bad_id) bad_id = std::move(this_bad_id);
      continue;
    }
    if (candidate.route->method == wanted) {
      result.route = candidate.route;
      result.params = std::move(params);
      return result;
    }
    append_method(result.allow, candidate.route->method);
    if (candidate.route->method == http::verb::get) append_method(result.allow, http::verb::head);
  }
  if (!result.allow.empty()) {
    result.error = make_error(ErrorCode::MethodNotAllowed, "method not allowed; allowed: " + result.allow);
  } else if (bad_id) {
    result.error = std::move(bad_id);
  } else {
    result.error = make_error(ErrorCode::NotFound, "no such resource");
  }
  return result;
}

}  // namespace focusd::api
