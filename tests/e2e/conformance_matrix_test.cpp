// The tenancy and permission matrix: every authenticated operation of the
// route table (read from GET /api/openapi.json, which a unit test ties to
// routes.cpp, so a new route cannot escape), for every kind of caller,
// against resources of their own organization, of another organization, a
// private project they are not in and a deleted project. Expected codes
// come from CONTRACT.md "Access": no credentials -> 401, invisible -> 404
// with the very body a missing resource gets, visible but not allowed -> 403.
// Operations that change things are sent only where they must be refused, so
// the fixture stays as it was built.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <map>

#include "attachments_support.h"

namespace focusd::test {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

enum class Caller { Owner, Admin, Member, Manager, ProjectMember, Outsider, Anonymous };
constexpr Caller kCallers[] = {Caller::Owner,         Caller::Admin,    Caller::Member,   Caller::Manager,
                               Caller::ProjectMember, Caller::Outsider, Caller::Anonymous};
const char* name_of(Caller c) {
  switch (c) {
    case Caller::Owner: return "owner";
    case Caller::Admin: return "admin";
    case Caller::Member: return "member";
    case Caller::Manager: return "project manager";
    case Caller::ProjectMember: return "project member";
    case Caller::Outsider: return "other organization";
    case Caller::Anonymous: return "no credentials";
  }
  return "?";
}

// Which resources the path ids name.
enum class Context { Own, Archived, Private, Deleted, OtherOrg, Cross, Missing };
const char* name_of(Context c) {
  switch (c) {
    case Context::Own: return "own organization";
    case Context::Archived: return "archived project";
    case Context::Private: return "private project not a member of";
    case Context::Deleted: return "deleted project";
    case Context::OtherOrg: return "other organization";
    case Context::Cross: return "other organization's ids under own path";
    case Context::Missing: return "ids that do not exist";
  }
  return "?";
}

using Ids = std::map<std::string, std::int64_t>;  // path parameter -> id

bool has(const std::string& path, const char* segment) {
  return path.find(segment) != std::string::npos;
}
bool project_scoped(const std::string& path) {
  return has(path, "{project_id}") || has(path, "{task_id}") || has(path, "{time_entry_id}");
}
bool mutating(const std::string& method) {
  return method != "GET";
}

// What a caller of the organization may do to the own-organization fixture
// (public project P, its task T and their attachments), per README "Access".
bool refused_in_own(const std::string& method, const std::string& path, Caller caller) {
  if (!mutating(method)) return false;
  const bool plain_member = caller == Caller::Member;
  const bool project_member = caller == Caller::ProjectMember;
  const bool not_admin = plain_member || project_member || caller == Caller::Manager;
  if (has(path, "/groups")) return not_admin;
  if (has(path, "/clients/{client_id}") || has(path, "/tags/{tag_id}")) return not_admin;
  if (has(path, "/pinned")) return false;
  // The fixture's entry is the owner's: only owners and admins change another's entry.
  if (path.ends_with("/log")) return false;  // 501 to whoever sees the entry
  if (has(path, "/time-entries/{time_entry_id}")) return not_admin;
  if (has(path, "/time-entries")) return false;            // one's own entries, on any task one sees
  if (has(path, "/tasks/{task_id}")) return plain_member;  // its editors: creator, project members, managers
  if (has(path, "/projects/{project_id}/attachments")) {
    const bool attach = method == "POST";
    return attach ? plain_member : plain_member || project_member;
  }
  if (has(path, "/projects/{project_id}")) return plain_member || project_member;
  return false;
}

class Matrix : public ::testing::Test {
 protected:
  Matrix()
      : owner(server.seed_user()),
        admin(server.seed_user("", owner.organization_id, "admin")),
        member(server.seed_user("", owner.organization_id, "member")),
        manager(server.seed_user("", owner.organization_id, "member")),
        project_member(server.seed_user("", owner.organization_id, "member")),
        outsider(server.seed_user()) {}

  HttpResponse send(const SeededUser* user, const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& type = "application/json") {
    HttpClient client = server.client();
    Headers headers = user ? user->basic() : Headers{};
    if (!body.empty()) headers.emplace_back("Content-Type", type);
    return client.request(method, target, headers, body);
  }
  std::int64_t create(const SeededUser& user, const std::string& target, const value& body) {
    auto res = send(&user, "POST", target, boost::json::serialize(body));
    EXPECT_EQ(res.status, 201) << target << " -> " << res.body;
    return res.status == 201 ? res.json().at("id").as_int64() : 0;
  }
  std::int64_t attach(const SeededUser& user, const std::string& parent) {
    auto res = send(&user, "POST", parent + "/attachments",
                    multipart_body({file_part("file", "f.txt", "matrix\n"), field("display_order", "1")}),
                    "multipart/form-data; boundary=" + kBoundary);
    EXPECT_EQ(res.status, 201) << res.body;
    return res.status == 201 ? res.json().at("id").as_int64() : 0;
  }
  // A project (with a task and an attachment on each) of `user`'s organization.
  Ids build(const SeededUser& user, const object& project) {
    const std::string org = user.organization_path();
    const std::string ws = org + "/workspaces/" + std::to_string(user.workspace_id);
    Ids ids{{"organization_id", user.organization_id}, {"workspace_id", user.workspace_id}};
    ids["project_id"] = create(user, ws + "/projects", project);
    ids["task_id"] = create(user, ws + "/tasks", object{{"name", "Task"}, {"project_id", ids["project_id"]}});
    ids["attachment_id"] = attach(user, ws + "/projects/" + std::to_string(ids["project_id"]));
    ids["task_attachment_id"] = attach(user, ws + "/tasks/" + std::to_string(ids["task_id"]));
    // A rate, so that …/rates/current has one to answer with.
    EXPECT_EQ(send(&user, "POST", ws + "/projects/" + std::to_string(ids["project_id"]) + "/rates",
                   boost::json::serialize(object{{"hourly_rate", 80}, {"currency", "EUR"}, {"start_at", "2026-01-01"}}))
                  .status,
              201);
    ids["client_id"] = create(user, "/api/workspaces/" + std::to_string(user.workspace_id) + "/clients",
                              object{{"name", "Client " + std::to_string(ids["project_id"])}});
    ids["tag_id"] = create(user, "/api/workspaces/" + std::to_string(user.workspace_id) + "/tags",
                           object{{"name", "Tag " + std::to_string(ids["project_id"])}, {"color", "#123456"}});
    ids["group_id"] = create(user, org + "/groups", object{{"name", "Group " + std::to_string(ids["project_id"])}});
    // A stopped time entry on the task (and so on the project).
    auto started = send(&user, "POST", ws + "/tracking/start",
                        boost::json::serialize(object{{"type", "activity"}, {"task_id", ids["task_id"]}}));
    EXPECT_EQ(started.status, 200) << started.body;
    ids["time_entry_id"] = started.status == 200 ? started.json().at("id").as_int64() : 0;
    EXPECT_EQ(send(&user, "POST", ws + "/tracking/stop").status, 200);
    return ids;
  }
  // Puts the ids into a path; {attachment_id} under a task is the task's.
  static std::string fill(std::string path, const Ids& ids) {
    if (path.find("{task_id}") != std::string::npos && ids.count("task_attachment_id")) {
      const std::string key = "{attachment_id}";
      if (auto at = path.find(key); at != std::string::npos) {
        path.replace(at, key.size(), std::to_string(ids.at("task_attachment_id")));
      }
    }
    for (const auto& [param, id] : ids) {
      const std::string key = "{" + param + "}";
      for (std::size_t at; (at = path.find(key)) != std::string::npos;)
        path.replace(at, key.size(), std::to_string(id));
    }
    return path;
  }
  const SeededUser* user(Caller c) const {
    switch (c) {
      case Caller::Owner: return &owner;
      case Caller::Admin: return &admin;
      case Caller::Member: return &member;
      case Caller::Manager: return &manager;
      case Caller::ProjectMember: return &project_member;
      case Caller::Outsider: return &outsider;
      case Caller::Anonymous: return nullptr;
    }
    return nullptr;
  }

  FocusdServer server;
  SeededUser owner, admin, member, manager, project_member, outsider;
};

// A valid body for the operation, so that what decides is who asks, not what
// they send.
std::string body_for(const std::string& method, const std::string& path, std::int64_t user_id) {
  const auto json = [](const value& v) { return boost::json::serialize(v); };
  if (path.ends_with("/members")) {
    if (method == "POST") return json(object{{"user_ids", {user_id}}, {"role_id", 2}});
    if (method == "PUT") return json(object{{"user_id", user_id}, {"role_id", 2}});
    if (method == "DELETE") return json(object{{"user_id", user_id}});
  }
  if (method == "GET" || method == "DELETE") return "";
  if (path.ends_with("/restore") || path.ends_with("/archive") || path.ends_with("/unarchive") ||
      path.ends_with("/pinned") || path.ends_with("/log")) {
    return "";
  }
  if (path.ends_with("/time-entries/bulk")) {
    return json(array{method == "POST" ? object{{"type", "activity"}} : object{{"id", 1}, {"description", "m"}}});
  }
  if (path.ends_with("/start-from-description")) {
    return json(object{{"type", "activity"}, {"name", "Matrix"}, {"extension_source", "matrix"}});
  }
  if (path.ends_with("/time-entries/bulk-edit")) return json(object{{"ids", {1}}, {"changes", object{}}});
  if (path.ends_with("/time-entries") || path.ends_with("{time_entry_id}") || path.ends_with("/day-duration")) {
    return json(object{{"type", "activity"}});
  }
  if (path.ends_with("/day-duration/bulk")) return json(array{});
  if (path.ends_with("/attachments") || path.ends_with("/bulk")) return "multipart";
  if (path.ends_with("/rates"))
    return json(object{{"hourly_rate", 50}, {"currency", "EUR"}, {"start_at", "2026-01-01"}});
  if (path.ends_with("{attachment_id}")) return json(object{{"name", "Renamed"}, {"display_order", 1}});
  if (path.ends_with("/tags") || path.ends_with("{tag_id}"))
    return json(object{{"name", "Matrix"}, {"color", "#000000"}});
  return json(object{{"name", "Matrix"}});
}

// The error of a 404 without its trace id: what a client can compare.
std::string without_trace(const HttpResponse& res) {
  boost::system::error_code ec;
  auto body = boost::json::parse(res.body, ec);
  if (ec || !body.is_object()) return res.body;
  body.as_object().erase("trace_id");
  return boost::json::serialize(body);
}

TEST_F(Matrix, EveryRouteForEveryCallerAndResource) {
  const Ids own = build(owner, object{{"name", "Public"}});
  // The manager and the project member of the public project.
  const auto add_manager_and_member = [&](const Ids& project) {
    const std::string members =
        fill("/api/organizations/{organization_id}/workspaces/{workspace_id}/projects/{project_id}/members", project);
    ASSERT_EQ(
        send(&owner, "POST", members, boost::json::serialize(object{{"user_ids", {manager.user_id}}, {"role_id", 1}}))
            .status,
        204);
    ASSERT_EQ(send(&owner, "POST", members,
                   boost::json::serialize(object{{"user_ids", {project_member.user_id}}, {"role_id", 2}}))
                  .status,
              204);
  };
  ASSERT_NO_FATAL_FAILURE(add_manager_and_member(own));
  // An archived public project with the same members: archived is still visible.
  Ids archived = build(owner, object{{"name", "Shelved"}});
  ASSERT_NO_FATAL_FAILURE(add_manager_and_member(archived));
  ASSERT_EQ(send(&owner, "PATCH",
                 fill("/api/organizations/{organization_id}/workspaces/{workspace_id}/projects/{project_id}/archive",
                      archived))
                .status,
            204);
  Ids private_ids = build(owner, object{{"name", "Secret"}, {"private", true}});
  Ids deleted = build(owner, object{{"name", "Gone"}});
  ASSERT_EQ(send(&owner, "DELETE",
                 fill("/api/organizations/{organization_id}/workspaces/{workspace_id}/projects/{project_id}", deleted))
                .status,
            204);
  const Ids other = build(outsider, object{{"name", "Theirs"}});
  Ids cross = other;
  cross["organization_id"] = own.at("organization_id");
  cross["workspace_id"] = own.at("workspace_id");
  Ids missing = own;
  for (const char* id : {"project_id", "task_id", "attachment_id", "task_attachment_id", "client_id", "tag_id",
                         "group_id", "time_entry_id"}) {
    missing[id] = 999999999;
  }
  const std::map<Context, const Ids*> contexts = {
      {Context::Own, &own},         {Context::Archived, &archived}, {Context::Private, &private_ids},
      {Context::Deleted, &deleted}, {Context::OtherOrg, &other},    {Context::Cross, &cross},
      {Context::Missing, &missing}};

  auto doc = send(nullptr, "GET", "/api/openapi.json").json().as_object();
  std::size_t cases = 0, operations = 0;
  for (const auto& [path_value, item] : doc.at("paths").as_object()) {
    const std::string path(path_value);
    for (const auto& [method_value, op] : item.as_object()) {
      const auto* security = op.as_object().if_contains("security");
      if (security && security->as_array().empty()) continue;  // public
      if (path.starts_with("/api/users/me")) continue;         // the caller's own settings: no tenancy
      std::string method(method_value);
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      ++operations;
      const bool has_resource_id = path.find("_id}", path.find("{workspace_id}") == std::string::npos
                                                         ? path.find("{organization_id}") + 17
                                                         : path.find("{workspace_id}") + 14) != std::string::npos;
      std::string body = body_for(method, path, member.user_id), type = "application/json";
      if (body == "multipart") {
        body = multipart_body({file_part(path.ends_with("/bulk") ? "files" : "file", "m.txt", "m"),
                               field(path.ends_with("/bulk") ? "display_orders" : "display_order", "1")});
        type = "multipart/form-data; boundary=" + kBoundary;
      }
      for (const auto& [context, ids] : contexts) {
        if ((context == Context::Private || context == Context::Deleted || context == Context::Archived) &&
            !project_scoped(path)) {
          continue;
        }
        if ((context == Context::Cross || context == Context::Missing) && !has_resource_id) continue;
        if (context == Context::Deleted && path.ends_with("/restore")) continue;  // restore is for the deleted
        // The path with `with`'s ids, and the query parameters some operations require.
        const auto target_of = [&path](const Ids& with) {
          std::string target = fill(path, with);
          if (path.ends_with("{workspace_id}/time-entries") || path.ends_with("{workspace_id}/time-entries/stream")) {
            target += "?date_from=2000-01-01T00:00:00Z&date_to=2100-01-01T00:00:00Z";
          }
          if (path.ends_with("/batch") || path.ends_with("/time-entries/bulk") || path.ends_with("/bulk/restore")) {
            target += "?ids=" + std::to_string(with.at("time_entry_id"));
          }
          return target;
        };
        const std::string target = target_of(*ids);
        for (Caller caller : kCallers) {
          int expected = 0;  // 0: allowed, not sent when it would change something
          if (caller == Caller::Anonymous) {
            expected = 401;
          } else if (context == Context::OtherOrg) {
            if (caller == Caller::Outsider) continue;  // their own organization
            expected = 404;
          } else if (has(path, "/groups/{group_id}") && caller != Caller::Outsider && caller != Caller::Owner &&
                     caller != Caller::Admin) {
            // Groups are managed by owners and admins: the role is checked
            // first, so a member gets the same 403 for any group id.
            expected = 403;
          } else if (caller == Caller::Outsider || context == Context::Cross || context == Context::Missing ||
                     context == Context::Deleted) {
            expected = 404;
          } else if (context == Context::Private) {
            expected = caller == Caller::Owner || caller == Caller::Admin ? 0 : 404;
          } else if (refused_in_own(method, path, caller)) {
            expected = 403;
          }
          // The planning operations: 501 to whoever may see the workspace (and the entry).
          if (expected == 0 && has(path, "/day-duration")) expected = 501;
          if (expected == 0 && (has(path, "/time-block-ids") || path.ends_with("/log"))) expected = 501;
          if (expected == 0 && mutating(method)) continue;
          ++cases;
          auto res = send(user(caller), method, target, body, type);
          const std::string where =
              method + " " + path + " as " + name_of(caller) + " on " + name_of(context) + " -> " + res.body;
          if (expected == 0) {
            EXPECT_EQ(res.status / 100, 2) << where;
            continue;
          }
          EXPECT_EQ(res.status, expected) << where;
          if (expected == 404 && res.status == 404 && context != Context::Missing && caller != Caller::Outsider) {
            // 0 leaks: the same answer as for ids that do not exist (the
            // organization's and workspace's too, for another organization's).
            Ids nowhere = *ids;
            for (auto& [param, id] : nowhere) {
              const bool scope = param == "organization_id" || param == "workspace_id";  // NOLINT
              if (!scope || context == Context::OtherOrg) id = 999999999;
            }
            auto absent = send(user(caller), method, target_of(nowhere), body, type);
            EXPECT_EQ(without_trace(res), without_trace(absent)) << where;
          }
        }
      }
    }
  }
  std::printf("Matrix: %zu operations, %zu cases\n", operations, cases);
  EXPECT_GE(operations, 60u);
}

}  // namespace
}  // namespace focusd::test
