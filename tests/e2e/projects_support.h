#pragma once
// Helpers for tests of workspace resources: JSON requests as a given user.

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <functional>
#include <optional>
#include <utility>

#include "support.h"

namespace focusd::test {

class WorkspaceTest : public ::testing::Test {
 protected:
  WorkspaceTest() : owner(server.seed_user()) {}

  std::string projects() const { return owner.workspace_path() + "/projects"; }
  std::string project(std::int64_t id) const { return projects() + "/" + std::to_string(id); }
  std::string workspace(const std::string& rest) const {
    return "/api/workspaces/" + std::to_string(owner.workspace_id) + rest;
  }

  HttpResponse call(const SeededUser& user, const std::string& method, const std::string& target,
                    const std::string& body = "") {
    Headers headers = user.basic();
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return client_->request(method, target, headers, body);
  }
  HttpResponse call_json(const SeededUser& user, const std::string& method, const std::string& target,
                         const boost::json::value& body) {
    return call(user, method, target, boost::json::serialize(body));
  }

  // POSTs and expects 201; returns the created object.
  boost::json::object create(const SeededUser& user, const std::string& target, const boost::json::value& body) {
    auto res = call_json(user, "POST", target, body);
    EXPECT_EQ(res.status, 201) << target << " " << boost::json::serialize(body) << " -> " << res.body;
    return res.status == 201 ? res.json().as_object() : boost::json::object{};
  }
  std::int64_t create_project(const boost::json::value& body, const SeededUser* as = nullptr) {
    auto created = create(as ? *as : owner, projects(), body);
    return created.contains("id") ? created.at("id").as_int64() : 0;
  }
  // Names of the projects a GET on `target` lists, in order.
  std::vector<std::string> names(const SeededUser& user, const std::string& target) {
    auto res = call(user, "GET", target);
    EXPECT_EQ(res.status, 200) << target << " -> " << res.body;
    std::vector<std::string> out;
    if (res.status != 200) return out;
    const auto body = res.json();
    for (const auto& p : body.at("data").as_array()) out.emplace_back(p.at("name").as_string());
    return out;
  }

  // Stops the server and starts it again on the same data (a new port),
  // running `while_stopped` (say, to change the data dir) in between.
  void restart_server(const std::function<void()>& while_stopped = {}) {
    EXPECT_EQ(server.stop(), 0);
    if (while_stopped) while_stopped();
    server.start();
    client_.emplace(server.port());
  }

  FocusdServer server;
  SeededUser owner;

 private:
  std::optional<HttpClient> client_{std::in_place, server.port()};
};

inline void expect_validation(const HttpResponse& res, const std::string& field, const std::string& context = "") {
  EXPECT_EQ(res.status, 400) << context << " -> " << res.body;
  if (res.status != 400) return;
  auto body = res.json().as_object();
  EXPECT_EQ(body.at("error").as_string(), "validation") << context;
  ASSERT_TRUE(body.contains("error_values")) << context << " -> " << res.body;
  EXPECT_TRUE(body.at("error_values").as_object().contains(field)) << context << " -> " << res.body;
}

}  // namespace focusd::test
