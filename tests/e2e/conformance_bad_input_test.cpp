// The bad-input table: hostile and broken requests across every route of
// the route table (read from GET /api/openapi.json), generated from each
// operation's parameters and body schema plus hand-written cases. Each must
// get a 4xx with the Focus error body (naming the field where there is one);
// none may get a 5xx, and the server must still answer afterwards.
#include <gtest/gtest.h>

#include <tuple>

#include <boost/json/serialize.hpp>

#include "attachments_support.h"

namespace focusd::test {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

struct Case {
  std::string what;
  std::string method;
  std::string target;
  std::string body;
  std::string content_type = "application/json";
  std::vector<int> statuses = {400};
  std::string field;  // must be named in error_values ("" = no check)
  std::string raw;    // when set, sent as the whole request instead
};

// Resolves $ref chains in the document.
const value& resolve(const object& doc, const value& node) {
  const value* at = &node;
  while (at->is_object() && at->as_object().contains("$ref")) {
    std::string ref(at->at("$ref").as_string());
    const value* target = nullptr;
    for (std::size_t start = 2; start <= ref.size();) {
      const auto slash = std::min(ref.find('/', start), ref.size());
      const std::string key = ref.substr(start, slash - start);
      target = target ? &target->as_object().at(key) : &doc.at(key);
      start = slash + 1;
    }
    at = target;
  }
  return *at;
}

// A JSON value of the wrong type for a property of `type`.
value wrong_type(std::string_view type) {
  if (type == "string") return 12345;
  if (type == "integer" || type == "number") return "twelve";
  if (type == "boolean") return "yes";
  if (type == "array") return object{{"not", "an array"}};
  return array{1, 2};  // object
}

class BadInput : public ::testing::Test {
 protected:
  BadInput() : owner(server.seed_user()) {}

  HttpResponse send(const Case& c) {
    HttpClient client = server.client();
    if (!c.raw.empty()) {
      client.send_raw(c.raw);
      return client.read_response();
    }
    Headers headers = owner.basic();
    if (!c.body.empty()) headers.emplace_back("Content-Type", c.content_type);
    return client.request(c.method, c.target, headers, c.body);
  }
  std::int64_t create(const std::string& target, const std::string& body) {
    HttpClient client = server.client();
    Headers headers = owner.basic();
    headers.emplace_back("Content-Type", "application/json");
    auto res = client.request("POST", target, headers, body);
    EXPECT_EQ(res.status, 201) << target << " -> " << res.body;
    return res.status == 201 && res.json().as_object().contains("id") ? res.json().at("id").as_int64() : 0;
  }

  FocusdServer server;
  SeededUser owner;
};

// The operations focusd answers 501 whatever they are sent (README "Time tracking").
bool not_served(const object& op) {
  const auto* id = op.if_contains("operationId");
  if (!id) return false;
  for (const char* planning : {"set-day-duration-with-org", "bulk-set-day-duration-with-org",
                               "list-stream-time-entries-time-block-ids-with-org", "log-planned-time-with-org"}) {
    if (*id == planning) return true;
  }
  return false;
}

// A valid body for each JSON operation, by method and the end of its path
// (for a bulk operation, one item of its array).
object base_body(const std::string& method, const std::string& path, std::int64_t user_id, std::int64_t time_entry_id) {
  if (path.ends_with("/time-entries/bulk")) {
    if (method == "POST") return {{"type", "activity"}};
    return {{"id", time_entry_id}};
  }
  if (path.ends_with("/time-entries/bulk-edit")) return {{"ids", {time_entry_id}}, {"changes", object{}}};
  if (method != "PATCH" && (path.ends_with("/time-entries") || path.ends_with("{time_entry_id}"))) {
    return {{"type", "activity"}};
  }
  if (path.ends_with("/members")) {
    if (method == "POST") return {{"user_ids", {user_id}}, {"role_id", 1}};
    if (method == "PUT") return {{"user_id", user_id}, {"role_id", 1}};
    return {{"user_id", user_id}};
  }
  if (path.ends_with("/tracking/start")) return {{"type", "activity"}};
  if (path.ends_with("/start-from-description")) {
    return {{"type", "activity"}, {"name", "Task"}, {"extension_source", "bad-input"}};
  }
  if (path.ends_with("/tracking/stop")) return {{"end", "2030-01-01T00:00:00Z"}};
  if (method == "PATCH") return {};
  if (path.ends_with("/rates")) return {{"hourly_rate", 50}, {"currency", "EUR"}, {"start_at", "2026-01-01"}};
  if (path.ends_with("{attachment_id}")) return {{"name", "Renamed"}, {"display_order", 1}};
  if (path.ends_with("/tags") || path.ends_with("{tag_id}")) return {{"name", "Tag x"}, {"color", "#000000"}};
  return {{"name", "Bad input"}};
}

TEST_F(BadInput, HostileRequestsGetA4xxWithTheFocusErrorBody) {
  const std::string org = owner.organization_path();
  const std::string ws = org + "/workspaces/" + std::to_string(owner.workspace_id);
  std::map<std::string, std::int64_t> ids = {{"organization_id", owner.organization_id},
                                             {"workspace_id", owner.workspace_id}};
  ids["project_id"] = create(ws + "/projects", R"({"name":"Fixture"})");
  ids["task_id"] =
      create(ws + "/tasks", R"({"name":"Fixture","project_id":)" + std::to_string(ids["project_id"]) + "}");
  ids["client_id"] = create("/api/workspaces/" + std::to_string(owner.workspace_id) + "/clients", R"({"name":"C"})");
  ids["tag_id"] =
      create("/api/workspaces/" + std::to_string(owner.workspace_id) + "/tags", R"({"name":"T","color":"#000000"})");
  ids["group_id"] = create(org + "/groups", R"({"name":"G"})");
  ids["time_entry_id"] =  // on the task, for the deprecated routes under it too
      create(ws + "/tasks/" + std::to_string(ids["task_id"]) + "/time-entries", R"({"type":"activity","duration":60})");
  {
    HttpClient client = server.client();
    auto res = upload(client, owner, ws + "/projects/" + std::to_string(ids["project_id"]) + "/attachments",
                      {file_part("file", "a.txt", "a"), field("display_order", "1")});
    ids["attachment_id"] = res.json().at("id").as_int64();
    auto on_task = upload(client, owner, ws + "/tasks/" + std::to_string(ids["task_id"]) + "/attachments",
                          {file_part("file", "t.txt", "t"), field("display_order", "1")});
    ids["task_attachment_id"] = on_task.json().at("id").as_int64();
  }
  // Puts the fixture's ids into a path (`except` gets `with`); under a task,
  // {attachment_id} is the task's attachment.
  const auto fill = [&](std::string path, const std::string& except = "", const std::string& with = "") {
    for (const auto& [param, id] : ids) {
      const std::string key = "{" + param + "}";
      if (auto at = path.find(key); at != std::string::npos) {
        const bool task_attachment = param == "attachment_id" && path.find("/tasks/") != std::string::npos;
        const std::int64_t value = task_attachment ? ids.at("task_attachment_id") : id;
        path.replace(at, key.size(), param == except ? with : std::to_string(value));
      }
    }
    return path;
  };

  std::vector<Case> cases;
  HttpClient doc_client = server.client();
  const auto doc = doc_client.get("/api/openapi.json").json().as_object();
  for (const auto& [path_value, item] : doc.at("paths").as_object()) {
    const std::string path(path_value);
    for (const auto& [method_value, op_value] : item.as_object()) {
      std::string method(method_value);
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      const auto& op = op_value.as_object();
      const std::string target = fill(path);

      // Path ids that are not positive 64-bit integers.
      for (std::size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
        const std::string param = path.substr(open + 1, path.find('}', open) - open - 1);
        for (const char* bad : {"0", "-1", "99999999999999999999", "abc", "1.5"}) {
          cases.push_back(
              {"path id " + param + "=" + bad, method, fill(path, param, bad), "", "application/json", {400}, param});
        }
      }

      if (not_served(op)) continue;  // 501 for any body or query

      // ?ids= of the batch read and the bulk delete and restore: required ids, a bounded number.
      if (path.ends_with("/time-entries/batch") || (path.ends_with("/time-entries/bulk") && method == "DELETE") ||
          path.ends_with("/time-entries/bulk/restore")) {
        std::string many = "ids=1";
        for (int id = 2; id <= 1001; ++id) many += "," + std::to_string(id);
        for (const auto& [what, query] : std::vector<std::pair<std::string, std::string>>{
                 {"no ids", ""}, {"ids not ids", "?ids=abc"}, {"ids=0", "?ids=0"}, {"1001 ids", "?" + many}}) {
          cases.push_back({what, method, target + query, "", "", {400}, "ids"});
        }
      }

      // Query parameters of the wrong kind (GETs only: a refused query must
      // not be mistaken for a change). The Swagger lists parameters focusd
      // does not implement; those are ignored, as unknown ones are, so only
      // the ones it reads are checked here.
      const bool project_list = path.ends_with("/projects");
      // A time-entry list needs its range; each bad parameter comes with it.
      const bool entry_list =
          path.ends_with("{workspace_id}/time-entries") || path.ends_with("{workspace_id}/time-entries/stream");
      const std::string range = entry_list ? "date_from=2026-01-01T00:00:00Z&date_to=2027-01-01T00:00:00Z&" : "";
      if (entry_list && method == "GET") {
        for (const auto& [what, query, field] : std::vector<std::tuple<std::string, std::string, std::string>>{
                 {"no range", "", "date_from"},
                 {"no date_to", "date_from=2026-01-01T00:00:00Z", "date_to"},
                 {"date_from a bare date", "date_from=2026-01-01&date_to=2027-01-01T00:00:00Z", "date_from"},
                 {"date_to not a time", "date_from=2026-01-01T00:00:00Z&date_to=tomorrow", "date_to"},
                 {"date_to before date_from", "date_from=2026-02-01T00:00:00Z&date_to=2026-01-01T00:00:00Z", "date_to"},
                 {"type unknown", range + "type=lunch", "type"},
                 {"include_taskless=maybe", range + "include_taskless=maybe", "include_taskless"},
                 {"task_id not an id", range + "task_id=abc", "task_id"},
             }) {
          cases.push_back({what, method, target + "?" + query, "", "", {400}, field});
        }
      }
      if (const auto* params = method == "GET" ? op.if_contains("parameters") : nullptr) {
        for (const auto& p : params->as_array()) {
          if (p.at("in") != "query") continue;
          const std::string name(p.at("name").as_string());
          const auto& schema = p.as_object().contains("schema") ? p.at("schema") : value();
          const std::string type = schema.is_object() && schema.as_object().contains("type")
                                       ? std::string(schema.at("type").as_string())
                                       : "";
          if (name == "per_page") {
            for (const char* bad : {"0", "201", "abc", "-5", "1e3"}) {
              cases.push_back({"per_page=" + std::string(bad),
                               method,
                               target + "?" + range + "per_page=" + bad,
                               "",
                               "",
                               {400},
                               "per_page"});
            }
            cases.push_back(
                {"page given twice", method, target + "?" + range + "page=1&page=2", "", "", {400}, "page"});
            cases.push_back({"page=0", method, target + "?" + range + "page=0", "", "", {400}, "page"});
          } else if (name == "order_by") {
            cases.push_back(
                {"order_by unknown", method, target + "?" + range + "order_by=password", "", "", {400}, "order_by"});
          } else if (type == "boolean" && (name == "pinned" || name == "archived" ||
                                           (project_list && (name == "private" || name == "include_rates")))) {
            cases.push_back({name + "=maybe", method, target + "?" + range + name + "=maybe", "", "", {400}, name});
          } else if (project_list && name.ends_with("_date") && type == "string") {
            cases.push_back(
                {name + " not a date", method, target + "?" + range + name + "=2026-02-30", "", "", {400}, name});
          }
        }
      }

      // JSON bodies: broken, of the wrong shape, with wrong types, unknown fields.
      const auto* request = op.if_contains("requestBody");
      if (!request) continue;
      const auto& content = resolve(doc, *request).at("content").as_object();
      if (content.contains("multipart/form-data")) {
        const bool bulk = path.ends_with("/bulk");
        const std::string file_field = bulk ? "files" : "file", order = bulk ? "display_orders" : "display_order";
        const std::string type = "multipart/form-data; boundary=" + kBoundary;
        const auto mp = [&](const std::string& what, const std::string& body, std::vector<int> statuses,
                            const std::string& field_name, const std::string& content_type) {
          cases.push_back({what, method, target, body, content_type, std::move(statuses), field_name});
        };
        mp("no file", multipart_body({field(order, "1")}), {400}, bulk ? "files" : "file", type);
        mp("no order", multipart_body({file_part(file_field, "a", "a")}), {400}, "", type);
        mp("order not a number", multipart_body({file_part(file_field, "a", "a"), field(order, "first")}), {400}, "",
           type);
        mp("unknown part", multipart_body({file_part(file_field, "a", "a"), field(order, "1"), field("x", "1")}), {400},
           "x", type);
        mp("name with NUL",
           multipart_body({file_part(file_field, "a", "a"), field(order, "1"),
                           field(bulk ? "names" : "name", std::string("a\0b", 3))}),
           {400}, "", type);
        mp("duplicated file",
           multipart_body(
               {file_part(file_field + "[0]", "a", "a"), file_part(file_field + "[0]", "b", "b"), field(order, "1")}),
           {400}, "", type);
        mp("other boundary", multipart_body({file_part(file_field, "a", "a"), field(order, "1")}, "other"), {400}, "",
           type);
        mp("no boundary", multipart_body({file_part(file_field, "a", "a"), field(order, "1")}), {400}, "",
           "multipart/form-data");
        mp("JSON instead", R"({"display_order":1})", {415}, "", "application/json");
        mp("plain text", "file", {415}, "", "text/plain");
        std::string truncated = multipart_body({file_part(file_field, "a", "abc"), field(order, "1")});
        truncated.resize(truncated.size() / 2);
        mp("truncated", truncated, {400}, "", type);
        mp("garbage", "\x01\x02 not multipart at all", {400}, "", type);
        continue;
      }
      // An array body (bulk): each wrong member of its first item, named `[0].member`.
      const auto& body_schema = resolve(doc, content.at("application/json").at("schema"));
      const bool array_body = body_schema.as_object().contains("items");
      const auto& schema = array_body ? resolve(doc, body_schema.at("items")) : body_schema;
      const std::string prefix = array_body ? "[0]." : "";
      const auto as_body = [&](const object& item) {
        return array_body ? boost::json::serialize(array{item}) : boost::json::serialize(item);
      };
      const object base = base_body(method, path, owner.user_id, ids["time_entry_id"]);
      for (const char* broken : {"{", "{\"name\":", "{\"name\":\"x\",}", "[1,2]", "\"text\"", "42", "null",
                                 "{\"name\":\"\xff\xfe\"}", "{'name':'x'}", "{\"name\":\"x\"} trailing"}) {
        // tracking/stop's body is optional, and `null` (what SDKs send for none)
        // is none: with nothing running, that stop is a 404.
        const bool none = std::string_view(broken) == "null" && path.ends_with("/tracking/stop");
        cases.push_back({std::string("broken JSON ") + broken, method, target, broken, "application/json",
                         none ? std::vector<int>{404} : std::vector<int>{400}});
      }
      object unknown = base;
      unknown["no_such_field"] = 1;
      cases.push_back(
          {"unknown field", method, target, as_body(unknown), "application/json", {400}, prefix + "no_such_field"});
      cases.push_back({"JSON as text/plain", method, target, as_body(base), "text/plain", {415}, ""});
      if (const auto* properties = schema.as_object().if_contains("properties")) {
        for (const auto& [name_value, property_value] : properties->as_object()) {
          const std::string name(name_value);
          const auto& property = resolve(doc, property_value).as_object();
          const std::string type = property.contains("type") ? std::string(property.at("type").as_string()) : "object";
          object wrong = base;
          wrong[name] = wrong_type(type);
          cases.push_back(
              {"wrong type " + name, method, target, as_body(wrong), "application/json", {400}, prefix + name});
          if (type == "integer" || type == "number") {
            object huge = base;
            huge[name] = 1e300;
            cases.push_back({"huge " + name, method, target, as_body(huge), "application/json", {400}, prefix + name});
          }
          if (name == "name") {
            for (const std::string& bad : {std::string(10 * 1024, 'n'), std::string("a\0b", 3), std::string("   ")}) {
              object named = base;
              named[name] = bad;
              cases.push_back(
                  {"bad name", method, target, boost::json::serialize(named), "application/json", {400}, "name"});
            }
          }
        }
      }
    }
  }

  // Values of the right type that are still wrong.
  const auto bad_value = [&](const std::string& what, const std::string& method, const std::string& target,
                             const object& body, const std::string& field_name) {
    cases.push_back({what, method, target, boost::json::serialize(body), "application/json", {400}, field_name});
  };
  const std::string project = ws + "/projects/" + std::to_string(ids["project_id"]);
  for (const char* color : {"red", "#12345", "#12345g", "#1234567", ""}) {
    bad_value(std::string("project color ") + color, "PATCH", project, {{"color", color}}, "color");
    bad_value(std::string("tag color ") + color, "POST",
              "/api/workspaces/" + std::to_string(owner.workspace_id) + "/tags", {{"name", "Colour"}, {"color", color}},
              "color");
  }
  for (const char* date : {"2026-02-30", "2026-13-01", "01/02/2026", "tomorrow", "2026-1-1"}) {
    bad_value(std::string("start_date ") + date, "PATCH", project, {{"start_date", date}}, "start_date");
  }
  bad_value("end before start", "PATCH", project, {{"start_date", "2026-05-01"}, {"end_date", "2026-04-01"}}, "");
  bad_value("task priority urgent", "POST", ws + "/tasks", {{"name", "T"}, {"priority", "urgent"}}, "priority");
  bad_value("client currency EURO", "POST", "/api/workspaces/" + std::to_string(owner.workspace_id) + "/clients",
            {{"name", "Money"}, {"currency", "EURO"}}, "currency");
  bad_value("rate start_at yesterday", "POST", project + "/rates",
            {{"hourly_rate", 50}, {"currency", "EUR"}, {"start_at", "yesterday"}}, "start_at");
  bad_value("rate negative", "POST", project + "/rates",
            {{"hourly_rate", -5}, {"currency", "EUR"}, {"start_at", "2026-01-01"}}, "hourly_rate");
  bad_value("settings theme neon", "PATCH", "/api/users/me/settings", {{"theme", "neon"}}, "theme");
  bad_value("unknown tag id", "PATCH", project, {{"tag_ids", {999999}}}, "tag_ids");
  bad_value("own parent", "PATCH", project, {{"parent_project_id", ids["project_id"]}}, "parent_project_id");
  bad_value("unknown role", "POST", project + "/members", {{"user_ids", {owner.user_id}}, {"role_id", 99}}, "role_id");

  // Protocol: the head and the framing.
  const std::string auth = owner.basic()[0].second;
  const auto raw = [&](const std::string& what, const std::string& request, std::vector<int> statuses) {
    cases.push_back({what, "", "", "", "", std::move(statuses), "", request});
  };
  raw("Content-Length not a number",
      "POST " + ws + "/projects HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth +
          "\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}",
      {400});
  raw("Content-Length and chunked",
      "POST " + ws + "/projects HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth +
          "\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      {400});
  raw("bad chunk size",
      "POST " + ws + "/projects HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth +
          "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
      {400});
  raw("body over the limit",
      "POST " + ws + "/projects HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth +
          "\r\nContent-Type: application/json\r\nContent-Length: 99999999\r\n\r\n",
      {413});
  raw("head over the limit",
      "GET " + ws + "/projects HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'b') + "\r\n\r\n", {431});
  raw("Content-Length shorter than the body",
      "POST " + ws + "/projects HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth +
          "\r\nContent-Type: application/json\r\nContent-Length: 6\r\n\r\n" + R"({"name":"cut short"})",
      {400});
  raw("not HTTP", "HELLO THERE\r\n\r\n", {400});
  raw("path traversal", "GET /api/../etc/passwd HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth + "\r\n\r\n", {404});
  raw("encoded traversal",
      "GET /api/organizations/%2e%2e/workspaces HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth + "\r\n\r\n",
      {400, 404});
  raw("NUL in the path", "GET /api/users/me/settings%00 HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth + "\r\n\r\n",
      {404});
  raw("malformed query", "GET " + ws + "/projects?name=%zz HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth + "\r\n\r\n",
      {400});

  std::size_t server_errors = 0, failures = 0;
  for (const auto& c : cases) {
    auto res = send(c);
    const std::string where =
        c.what + ": " + c.method + " " + c.target + " -> " + std::to_string(res.status) + " " + res.body.substr(0, 300);
    server_errors += res.status >= 500;
    const bool status_ok = std::find(c.statuses.begin(), c.statuses.end(), res.status) != c.statuses.end();
    bool body_ok = false, field_ok = c.field.empty();
    boost::system::error_code ec;
    const value body = boost::json::parse(res.body, ec);
    if (!ec && body.is_object()) {
      const auto& o = body.as_object();
      body_ok = o.contains("error") && o.contains("error_description") && o.contains("trace_id");
      if (!c.field.empty() && o.contains("error_values")) field_ok = o.at("error_values").as_object().contains(c.field);
    }
    if (!status_ok || !body_ok || !field_ok) {
      ++failures;
      ADD_FAILURE() << where;
    }
  }
  HttpClient after = server.client();
  EXPECT_EQ(after.get("/healthz").status, 200);
  EXPECT_EQ(server_errors, 0u);
  EXPECT_GE(cases.size(), 300u);
  std::printf("Bad input: %zu cases, %zu not answered as expected, %zu 5xx\n", cases.size(), failures, server_errors);
}

}  // namespace
}  // namespace focusd::test
