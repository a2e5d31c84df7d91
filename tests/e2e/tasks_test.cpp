// Tasks: what attachments of tasks will hang on.
#include "projects_support.h"

namespace focusd::test {
namespace {

using boost::json::object;

class Tasks : public WorkspaceTest {
 protected:
  void SetUp() override {
    member = server.seed_user("", owner.organization_id, "member");
    outsider = server.seed_user();
    open = create_project({{"name", "Open"}});
    closed = create_project({{"name", "Closed"}, {"private", true}});
  }
  std::string tasks() const {
    return "/api/organizations/" + std::to_string(owner.organization_id) + "/workspaces/" +
           std::to_string(owner.workspace_id) + "/tasks";
  }
  std::string task(std::int64_t id) const { return tasks() + "/" + std::to_string(id); }
  std::int64_t create_task(const object& body, const SeededUser* as = nullptr) {
    auto created = create(as ? *as : owner, tasks(), body);
    return created.contains("id") ? created.at("id").as_int64() : 0;
  }
  object get(std::int64_t id, const SeededUser* as = nullptr) {
    auto res = call(as ? *as : owner, "GET", task(id));
    EXPECT_EQ(res.status, 200) << res.body;
    return res.status == 200 ? res.json().as_object() : object{};
  }

  SeededUser member, outsider;
  std::int64_t open = 0, closed = 0;
};

TEST_F(Tasks, CreateGetAndTheRequiredFields) {
  auto tag = create(owner, workspace("/tags"), {{"name", "t"}, {"color", "#000000"}});
  auto id = create_task({{"name", " Write copy "},
                         {"project_id", open},
                         {"description", "d"},
                         {"estimated_mins", 90},
                         {"start_date", "2026-01-01"},
                         {"end_date", "2026-01-31"},
                         {"priority", "high"},
                         {"tag_ids", {tag.at("id")}},
                         {"pinned", true}});
  auto t = get(id);
  EXPECT_EQ(t.at("name").as_string(), "Write copy");
  EXPECT_EQ(t.at("project").at("name").as_string(), "Open");
  EXPECT_EQ(t.at("priority").as_string(), "high");
  EXPECT_TRUE(t.at("pinned").as_bool());
  EXPECT_EQ(t.at("tags").as_array().size(), 1u);
  for (const char* field : {"allocation_unit",
                            "created_at",
                            "estimate_type",
                            "id",
                            "is_template",
                            "name",
                            "pinned",
                            "position",
                            "priority",
                            "private",
                            "source",
                            "status_id",
                            "tag_ids",
                            "tags",
                            "toggl_user_id",
                            "workspace_id",
                            "sub_task_done_count",
                            "sub_task_total_count",
                            "time_block_completed_count",
                            "time_block_scheduled_completed_count",
                            "time_block_scheduled_total_count",
                            "time_block_total_count",
                            "time_entry_total_count",
                            "total_blocked_time",
                            "total_scheduled_blocked_time",
                            "total_tracked_time"}) {
    EXPECT_TRUE(t.contains(field)) << field;
  }
}

TEST_F(Tasks, PutReplacesPatchChangesDeleteRestoreArchive) {
  auto id = create_task({{"name", "T"}, {"project_id", open}, {"description", "d"}, {"billable", true}});
  ASSERT_EQ(call(owner, "PATCH", task(id), R"({"description":null,"priority":"low"})").status, 204);
  auto t = get(id);
  EXPECT_TRUE(t.at("description").is_null());
  EXPECT_TRUE(t.at("billable").as_bool());
  EXPECT_EQ(t.at("priority").as_string(), "low");
  ASSERT_EQ(call(owner, "PUT", task(id), R"({"name":"T2","status_id":null})").status, 204);
  t = get(id);
  EXPECT_EQ(t.at("name").as_string(), "T2");
  EXPECT_TRUE(t.at("project_id").is_null());
  EXPECT_FALSE(t.at("billable").as_bool());

  ASSERT_EQ(call(owner, "POST", task(id) + "/archive").status, 204);
  EXPECT_FALSE(get(id).at("archived_at").is_null());
  EXPECT_TRUE(names(owner, tasks()).empty());
  EXPECT_EQ(names(owner, tasks() + "?archived=true"), std::vector<std::string>{"T2"});
  ASSERT_EQ(call(owner, "POST", task(id) + "/unarchive").status, 204);
  EXPECT_TRUE(get(id).at("archived_at").is_null());

  ASSERT_EQ(call(owner, "DELETE", task(id)).status, 204);
  EXPECT_EQ(call(owner, "GET", task(id)).status, 404);
  EXPECT_EQ(call(owner, "DELETE", task(id)).status, 404);
  ASSERT_EQ(call(owner, "PATCH", task(id) + "/restore").status, 204);
  EXPECT_EQ(call(owner, "GET", task(id)).status, 200);
}

TEST_F(Tasks, ProjectTaskEstimatesAreSummed) {
  auto a = create_task({{"name", "A"}, {"project_id", open}, {"estimated_mins", 30}});
  create_task({{"name", "B"}, {"project_id", open}, {"estimated_mins", 45}});
  create_task({{"name", "C"}, {"project_id", closed}, {"estimated_mins", 1000}});
  auto estimate = [&] { return call(owner, "GET", project(open)).json().at("task_estimated_mins").as_int64(); };
  EXPECT_EQ(estimate(), 75);
  ASSERT_EQ(call(owner, "PATCH", task(a), R"({"estimated_mins":10})").status, 204);
  EXPECT_EQ(estimate(), 55);
  ASSERT_EQ(call(owner, "DELETE", task(a)).status, 204);
  EXPECT_EQ(estimate(), 45);
}

TEST_F(Tasks, VisibilityFollowsTheProject) {
  auto in_closed = create_task({{"name", "Hidden"}, {"project_id", closed}});
  auto in_open = create_task({{"name", "Visible"}, {"project_id", open}});
  auto own_private = create_task({{"name", "Mine"}, {"private", true}, {"project_id", open}}, &member);
  auto loose = create_task({{"name", "Loose"}});  // no project: its creator's
  EXPECT_EQ(call(member, "GET", task(in_closed)).status, 404);
  EXPECT_EQ(call(member, "GET", task(loose)).status, 404);
  EXPECT_EQ(call(member, "GET", task(in_open)).status, 200);
  EXPECT_EQ(names(member, tasks()), (std::vector<std::string>{"Mine", "Visible"}));
  EXPECT_EQ(names(owner, tasks()), (std::vector<std::string>{"Hidden", "Loose", "Mine", "Visible"}));
  EXPECT_EQ(call(member, "GET", task(own_private)).status, 200);
  EXPECT_EQ(call(outsider, "GET", task(in_open)).status, 404);
  EXPECT_EQ(call(outsider, "GET", tasks()).status, 404);
  // Members of a public project's organization see its tasks but may not change those of others.
  EXPECT_EQ(call(member, "PATCH", task(in_open), R"({"name":"x"})").status, 403);
  EXPECT_EQ(call(member, "DELETE", task(in_open)).status, 403);
  EXPECT_EQ(call(member, "PATCH", task(own_private), R"({"name":"Still mine"})").status, 204);
  // A project member may change the project's tasks; a deleted project hides them.
  ASSERT_EQ(
      call_json(owner, "POST", project(closed) + "/members", object{{"user_ids", {member.user_id}}, {"role_id", 2}})
          .status,
      204);
  EXPECT_EQ(call(member, "PATCH", task(in_closed), R"({"description":"seen"})").status, 204);
  ASSERT_EQ(call(owner, "DELETE", project(closed)).status, 204);
  EXPECT_EQ(call(owner, "GET", task(in_closed)).status, 404);
}

TEST_F(Tasks, ListFiltersOrderAndPages) {
  auto parent = create_task({{"name", "Parent"}, {"project_id", open}, {"priority", "low"}});
  create_task({{"name", "child b"}, {"project_id", open}, {"parent_task_id", parent}, {"priority", "high"}});
  create_task({{"name", "Child a"}, {"project_id", open}, {"parent_task_id", parent}, {"pinned", true}});
  create_task({{"name", "Other"}, {"project_id", closed}});
  EXPECT_EQ(names(owner, tasks() + "?project_id=" + std::to_string(closed)), std::vector<std::string>{"Other"});
  EXPECT_EQ(names(owner, tasks() + "?parent_task_id[]=" + std::to_string(parent)),
            (std::vector<std::string>{"Child a", "child b"}));
  EXPECT_EQ(names(owner, tasks() + "?name=CHILD"), (std::vector<std::string>{"Child a", "child b"}));
  EXPECT_EQ(names(owner, tasks() + "?pinned=true"), std::vector<std::string>{"Child a"});
  EXPECT_EQ(names(owner, tasks() + "?order_by=-priority"),
            (std::vector<std::string>{"child b", "Parent", "Child a", "Other"}));
  auto page = call(owner, "GET", tasks() + "?per_page=2&page=2").json().as_object();
  EXPECT_EQ(page.at("total").as_int64(), 4);
  EXPECT_EQ(page.at("data").as_array().size(), 2u);
  EXPECT_EQ(get(parent).at("sub_task_total_count").as_int64(), 2);
  expect_validation(call(owner, "GET", tasks() + "?order_by=status"), "order_by");
  expect_validation(call(owner, "GET", tasks() + "?per_page=500"), "per_page");
}

TEST_F(Tasks, BadInputNamesTheField) {
  auto existing = create_task({{"name", "Existing"}});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({})", "name"},
      {R"({"name":""})", "name"},
      {R"({"name":"x","project_id":0})", "project_id"},
      {R"({"name":"x","project_id":999})", "project_id"},
      {R"({"name":"x","parent_task_id":999})", "parent_task_id"},
      {R"({"name":"x","estimated_mins":-5})", "estimated_mins"},
      {R"({"name":"x","priority":"urgent"})", "priority"},
      {R"({"name":"x","start_date":"2026-02-30"})", "start_date"},
      {R"({"name":"x","start_date":"2026-02-02","end_date":"2026-02-01"})", "end_date"},
      {R"({"name":"x","status_id":3})", "status_id"},
      {R"({"name":"x","tag_ids":[77]})", "tag_ids"},
      {R"({"name":"x","private":"no"})", "private"},
      {R"({"name":"x","position":-1})", "position"},
      {R"({"name":"x","rrule":"FREQ=DAILY"})", "rrule"},
  };
  for (const auto& [body, field] : cases) expect_validation(call(owner, "POST", tasks(), body), field, body);
  expect_validation(call_json(owner, "PATCH", task(existing), object{{"parent_task_id", existing}}), "parent_task_id");
  auto child = create_task({{"name", "Child"}, {"parent_task_id", existing}});
  expect_validation(call_json(owner, "PATCH", task(existing), object{{"parent_task_id", child}}), "parent_task_id");
  // A project the caller cannot see is an unknown id.
  auto theirs = create_project({{"name", "Theirs"}, {"private", true}});
  expect_validation(call_json(member, "POST", tasks(), object{{"name", "x"}, {"project_id", theirs}}), "project_id");
}

}  // namespace
}  // namespace focusd::test
