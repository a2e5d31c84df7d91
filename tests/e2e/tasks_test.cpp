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
  std::string tasks() const { return owner.workspace_path() + "/tasks"; }
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
  ASSERT_EQ(call(owner, "PATCH", task(id), R"({"pinned":true})").status, 204);
  ASSERT_TRUE(get(id).at("pinned").as_bool());
  ASSERT_EQ(call(owner, "PUT", task(id), R"({"name":"T2","status_id":null})").status, 204);
  t = get(id);
  EXPECT_FALSE(t.at("pinned").as_bool());  // a flag PUT omits: false
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

// What a task points at already stands when it is deleted meanwhile: a PATCH
// of its description still works; pointing at it anew does not.
TEST_F(Tasks, AParentTaskDeletedMeanwhileStaysWithItsSubtasks) {
  auto parent = create_task({{"name", "Parent"}, {"project_id", open}});
  auto child = create_task({{"name", "Child"}, {"project_id", open}, {"parent_task_id", parent}});
  ASSERT_EQ(call(owner, "DELETE", task(parent)).status, 204);
  ASSERT_EQ(call(owner, "GET", task(child)).status, 200);  // a subtask outlives its parent
  auto patched = call(owner, "PATCH", task(child), R"({"description":"still here"})");
  ASSERT_EQ(patched.status, 204) << patched.body;
  EXPECT_EQ(get(child).at("parent_task_id").as_int64(), parent);
  auto other = create_task({{"name", "Other"}, {"project_id", open}});
  expect_validation(call_json(owner, "PATCH", task(other), object{{"parent_task_id", parent}}), "parent_task_id");
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

// A task the caller may not see is never named nor counted through another:
// neither as the parent of a subtask they see, nor among a parent's subtasks.
TEST_F(Tasks, AnInvisibleTaskIsNeitherNamedAsAParentNorCountedAsASubtask) {
  auto secret = create_task({{"name", "secret plan"}, {"project_id", open}, {"private", true}});
  auto child = create_task({{"name", "Child"}, {"project_id", open}, {"parent_task_id", secret}});
  auto parent = create_task({{"name", "Parent"}, {"project_id", open}});
  create_task({{"name", "Seen"}, {"project_id", open}, {"parent_task_id", parent}});
  create_task({{"name", "Unseen"}, {"project_id", open}, {"parent_task_id", parent}, {"private", true}});
  ASSERT_EQ(call(member, "GET", task(secret)).status, 404);

  auto seen = get(child, &member);
  EXPECT_TRUE(seen.at("parent_task_id").is_null());
  EXPECT_TRUE(seen.at("parent_task_name").is_null());
  EXPECT_EQ(call(member, "GET", tasks()).body.find("secret plan"), std::string::npos);
  EXPECT_EQ(get(child).at("parent_task_name").as_string(), "secret plan");  // its creator sees it
  // Nor found through the list's parent filter: its subtasks answer as a missing task's do.
  const std::string under_secret = tasks() + "?parent_task_id=" + std::to_string(secret);
  EXPECT_TRUE(names(member, under_secret).empty());
  EXPECT_TRUE(names(member, tasks() + "?parent_task_id=999999").empty());
  // ... and a subtask of it is among those without a parent, as it answers.
  EXPECT_EQ(names(member, tasks() + "?parent_task_id="), (std::vector<std::string>{"Child", "Parent"}));
  EXPECT_EQ(names(owner, tasks() + "?parent_task_id="), (std::vector<std::string>{"Parent", "secret plan"}));
  EXPECT_EQ(names(owner, under_secret), std::vector<std::string>{"Child"});
  const auto stream = call(member, "GET", tasks() + "/stream?parent_task_id=" + std::to_string(secret));
  ASSERT_EQ(stream.status, 200) << stream.body;
  EXPECT_EQ(stream.json(), boost::json::array{});

  EXPECT_EQ(get(parent, &member).at("sub_task_total_count").as_int64(), 1);
  EXPECT_EQ(get(parent).at("sub_task_total_count").as_int64(), 2);
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

// The Swagger's other filters narrow the list; those of what focusd has not
// (statuses, time blocks, assignees, recurrence...) match nothing.
TEST_F(Tasks, TheSwaggersFiltersNarrowTheList) {
  auto client = create(owner, "/api/workspaces/" + std::to_string(owner.workspace_id) + "/clients", {{"name", "Acme"}});
  auto billed = create_project({{"name", "Billed"}, {"client_id", client.at("id")}});
  auto tag = create(owner, "/api/workspaces/" + std::to_string(owner.workspace_id) + "/tags",
                    {{"name", "t"}, {"color", "#000000"}});
  create_task({{"name", "High"}, {"project_id", billed}, {"priority", "high"}, {"estimated_mins", 30}});
  create_task({{"name", "Dated"}, {"project_id", open}, {"start_date", "2026-03-01"}, {"end_date", "2026-03-10"}});
  create_task({{"name", "Secret"}, {"project_id", open}, {"private", true}, {"tag_ids", {tag.at("id")}}});
  const auto mine = create_task({{"name", "Theirs"}, {"project_id", open}, {"estimated_mins", 90}}, &member);
  ASSERT_EQ(call_json(member, "POST", tasks() + "/" + std::to_string(mine) + "/time-entries",
                      object{{"type", "activity"}, {"start", "2026-03-02T10:00:00Z"}, {"duration", 60}})
                .status,
            201);
  using Names = std::vector<std::string>;
  EXPECT_EQ(names(owner, tasks() + "?priority=high,low"), Names{"High"});
  EXPECT_EQ(names(owner, tasks() + "?private=true"), Names{"Secret"});
  const std::string tag_path =
      "/api/workspaces/" + std::to_string(owner.workspace_id) + "/tags/" + std::to_string(tag.at("id").as_int64());
  EXPECT_EQ(names(owner, tasks() + "?tag_id=" + std::to_string(tag.at("id").as_int64())), Names{"Secret"});
  ASSERT_EQ(call(owner, "DELETE", tag_path).status, 204);  // a deleted tag matches no task
  EXPECT_EQ(names(owner, tasks() + "?tag_id=" + std::to_string(tag.at("id").as_int64())), Names{});
  ASSERT_EQ(call(owner, "PATCH", tag_path + "/restore").status, 204);
  EXPECT_EQ(names(owner, tasks() + "?toggl_user_id=" + std::to_string(member.user_id)), Names{"Theirs"});
  EXPECT_EQ(names(owner, tasks() + "?has_time_entries=true"), Names{"Theirs"});
  EXPECT_EQ(names(owner, tasks() + "?has_dates=true"), Names{"Dated"});
  EXPECT_EQ(names(owner, tasks() + "?start_date=2026-03-05&end_date=2026-04-01"), Names{"Dated"});
  EXPECT_EQ(names(owner, tasks() + "?start_date=2026-03-11"), Names{});
  EXPECT_EQ(names(owner, tasks() + "?client_id=" + std::to_string(client.at("id").as_int64())), Names{"High"});
  EXPECT_EQ(names(owner, tasks() + "?estimated_mins_min=60"), Names{"Theirs"});
  EXPECT_EQ(names(owner, tasks() + "?estimated_mins_max=60"), Names{"High"});
  EXPECT_EQ(names(owner, tasks() + "?source=focus").size(), 4u);
  for (const char* nothing : {"status_id=5", "has_time_blocks=true", "assignee_user_id=1", "recurring=true",
                              "source=plan", "time_block_id=3"}) {
    auto res = call(owner, "GET", tasks() + "?" + nothing);
    ASSERT_EQ(res.status, 200) << nothing;
    EXPECT_EQ(res.json().at("total").as_int64(), 0) << nothing;
  }
  expect_validation(call(owner, "GET", tasks() + "?priority=urgent"), "priority");
  expect_validation(call(owner, "GET", tasks() + "?start_date=2026-13-01"), "start_date");
  expect_validation(call(owner, "GET", tasks() + "?estimated_mins_min=-1"), "estimated_mins_min");
}

// `name` finds a task by its own name, its project's or its client's (the
// Swagger's "task name, project name, or client name"); include_parent_matches
// adds the subtasks of a parent of that name the caller sees.
TEST_F(Tasks, TheNameFilterReadsTheProjectTheClientAndWithParentMatchesTheParent) {
  auto client = create(owner, "/api/workspaces/" + std::to_string(owner.workspace_id) + "/clients", {{"name", "Acme"}});
  auto billed = create_project({{"name", "Billed"}, {"client_id", client.at("id")}});
  const auto invoice = create_task({{"name", "Invoice"}, {"project_id", billed}});
  create_task({{"name", "Line item"}, {"project_id", open}, {"parent_task_id", invoice}});
  const auto hidden = create_task({{"name", "Plan"}, {"project_id", open}, {"private", true}});
  create_task({{"name", "Step"}, {"project_id", open}, {"parent_task_id", hidden}});
  create_task({{"name", "Loose"}});
  using Names = std::vector<std::string>;
  EXPECT_EQ(names(owner, tasks() + "?name=acme"), Names{"Invoice"});  // the client's name
  EXPECT_EQ(names(owner, tasks() + "?name=BILL"), Names{"Invoice"});  // the project's name
  EXPECT_EQ(names(owner, tasks() + "?name=invo"), Names{"Invoice"});  // its own
  EXPECT_EQ(names(owner, tasks() + "?name=open"), (Names{"Line item", "Plan", "Step"}));
  EXPECT_EQ(names(owner, tasks() + "?name=invoice&include_parent_matches=true"), (Names{"Invoice", "Line item"}));
  EXPECT_EQ(names(owner, tasks() + "?name=plan&include_parent_matches=true"), (Names{"Plan", "Step"}));
  // A parent the caller may not see is not matched through its subtasks.
  EXPECT_EQ(names(member, tasks() + "?name=plan&include_parent_matches=true"), Names{});
  EXPECT_EQ(names(member, tasks() + "?name=step"), Names{"Step"});
  // A deleted client stays the project's (and answers in it): it still matches.
  ASSERT_EQ(call(owner, "DELETE",
                 "/api/workspaces/" + std::to_string(owner.workspace_id) + "/clients/" +
                     std::to_string(client.at("id").as_int64()))
                .status,
            204);
  EXPECT_EQ(names(owner, tasks() + "?name=acme"), Names{"Invoice"});
  // A deleted parent is no longer seen: its subtasks are not found through it.
  ASSERT_EQ(call(owner, "DELETE", task(invoice)).status, 204);
  EXPECT_EQ(names(owner, tasks() + "?name=invoice&include_parent_matches=true"), Names{});
  expect_validation(call(owner, "GET", tasks() + "?include_parent_matches=perhaps"), "include_parent_matches");
  // A NUL is in no name: not a filter on what comes before it.
  EXPECT_EQ(names(owner, tasks() + "?name=Line%00xyz"), Names{});
  EXPECT_EQ(names(owner, tasks() + "?name=" + std::string(256, 'a')), Names{});
}

// Every order_by of the Swagger's enum is taken: tag_ids by the sorted array,
// last_activity by updated_at, and what focusd has not (statuses, assignees,
// time blocks, ...) ties every task, so the id decides.
TEST_F(Tasks, EveryOrderOfTheSwaggerIsTaken) {
  const std::string tags = "/api/workspaces/" + std::to_string(owner.workspace_id) + "/tags";
  const auto t1 = create(owner, tags, {{"name", "t1"}, {"color", "#000000"}}).at("id");
  const auto t2 = create(owner, tags, {{"name", "t2"}, {"color", "#000000"}}).at("id");
  create_task({{"name", "A"}, {"tag_ids", {t2}}});
  create_task({{"name", "B"}, {"tag_ids", {t2, t1}}});
  create_task({{"name", "C"}});
  create_task({{"name", "D"}, {"tag_ids", {t1}}});
  using Names = std::vector<std::string>;
  EXPECT_EQ(names(owner, tasks() + "?order_by=tag_ids"), (Names{"C", "D", "B", "A"}));
  EXPECT_EQ(names(owner, tasks() + "?order_by=-tag_ids"), (Names{"A", "B", "D", "C"}));
  for (const char* tie : {"status_id", "-status_id", "assignees", "timeblock_start", "timeblock_now_diff",
                          "priority_at", "sub_tasks_grouped"}) {
    EXPECT_EQ(names(owner, tasks() + "?order_by=" + tie), (Names{"A", "B", "C", "D"})) << tie;
  }
  EXPECT_EQ(names(owner, tasks() + "?order_by=status_id,-name"), (Names{"D", "C", "B", "A"}));
  EXPECT_EQ(names(owner, tasks() + "?order_by=last_activity").size(), 4u);
}

TEST_F(Tasks, StatesActiveByDateAndTheLegacyDateRanges) {
  create_task({{"name", "March"}, {"project_id", open}, {"start_date", "2026-03-01"}, {"end_date", "2026-03-10"}});
  create_task({{"name", "Due"}, {"project_id", open}, {"end_date", "2026-02-01"}});
  create_task({{"name", "Later"}, {"project_id", open}, {"start_date", "2026-05-01"}});
  const auto tracked = create_task({{"name", "Tracked"}, {"project_id", open}});
  ASSERT_EQ(call_json(owner, "POST", task(tracked) + "/time-entries",
                      object{{"type", "activity"}, {"start", "2026-03-02T10:00:00Z"}, {"duration", 60}})
                .status,
            201);
  using Names = std::vector<std::string>;
  const Names all{"Due", "Later", "March", "Tracked"};
  // active_by_date: a date, and no start after it (an overdue end stays in).
  EXPECT_EQ(names(owner, tasks() + "?active_by_date=2026-03-05"), (Names{"Due", "March"}));
  EXPECT_EQ(names(owner, tasks() + "?active_by_date=2026-01-01"), Names{"Due"});
  // The legacy names: dates_overlap_* are start_date/end_date; *_from/_to bound one date.
  EXPECT_EQ(names(owner, tasks() + "?dates_overlap_start=2026-03-05&dates_overlap_end=2026-04-01"), Names{"March"});
  EXPECT_EQ(names(owner, tasks() + "?start_date_from=2026-02-01"), (Names{"Later", "March"}));
  EXPECT_EQ(names(owner, tasks() + "?start_date_from=2026-02-01&start_date_to=2026-04-01"), Names{"March"});
  EXPECT_EQ(names(owner, tasks() + "?end_date_to=2026-02-28"), Names{"Due"});
  EXPECT_EQ(names(owner, tasks() + "?end_date_from=2026-02-28"), Names{"March"});
  // state: every task is active and not timeblocked; tracked ones have entries.
  EXPECT_EQ(names(owner, tasks() + "?state=active"), all);
  EXPECT_EQ(names(owner, tasks() + "?state=not_timeblocked,done"), all);
  EXPECT_EQ(names(owner, tasks() + "?state=tracked"), Names{"Tracked"});
  EXPECT_EQ(names(owner, tasks() + "?state=not_tracked"), (Names{"Due", "Later", "March"}));
  EXPECT_EQ(names(owner, tasks() + "?state=tracked&has_time_entries=false"), Names{});
  EXPECT_EQ(names(owner, tasks() + "?state=done"), Names{});
  EXPECT_EQ(names(owner, tasks() + "?state[]=timeblocked&state[]=done"), Names{});
  EXPECT_EQ(names(owner, tasks() + "?timeblock_start_from=2026-03-01T00:00:00Z"), Names{});
  EXPECT_EQ(names(owner, tasks() + "?with_entries=true&include_drafts=true&disable_aggregations=false"), all);
  expect_validation(call(owner, "GET", tasks() + "?state=started"), "state");
  expect_validation(call(owner, "GET", tasks() + "?active_by_date=tomorrow"), "active_by_date");
  expect_validation(call(owner, "GET", tasks() + "?end_date_to=2026-02-30"), "end_date_to");
  expect_validation(call(owner, "GET", tasks() + "?with_entries=1x"), "with_entries");
  expect_validation(call(owner, "GET", tasks() + "?timeblock_start_from=garbage"), "timeblock_start_from");
  expect_validation(call(owner, "GET", tasks() + "?timeblock_start_until=2026-03-01"), "timeblock_start_until");
}

// The ids of a stream's tasks, in order, after checking how it came: one bare
// JSON array, in chunks.
std::vector<std::int64_t> streamed_ids(const HttpResponse& res) {
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.header("transfer-encoding"), "chunked");
  EXPECT_FALSE(res.has_header("content-length"));
  EXPECT_TRUE(res.header("content-type").starts_with("application/json")) << res.header("content-type");
  std::vector<std::int64_t> ids;
  if (res.status != 200) return ids;
  const auto body = res.json();
  for (const auto& t : body.as_array()) ids.push_back(t.at("id").as_int64());
  return ids;
}

TEST_F(Tasks, StreamSendsEveryMatchingTaskInOneArrayAsThePagedListOrdersThem) {
  const std::string stream = tasks() + "/stream";
  EXPECT_TRUE(streamed_ids(call(owner, "GET", stream)).empty());
  EXPECT_EQ(call(owner, "GET", stream).body, "[]");
  // 500 tasks fill the stream's first page exactly; the 501st starts a second.
  std::vector<std::int64_t> created;
  for (int i = 0; i < 501; ++i) {
    created.push_back(
        create_task({{"name", "Task " + std::to_string(1000 + i)}, {"project_id", i % 2 ? open : closed}}));
    if (i == 499) {
      EXPECT_EQ(streamed_ids(call(owner, "GET", stream)), created) << "500 tasks";
    }
  }
  EXPECT_EQ(streamed_ids(call(owner, "GET", stream)), created) << "501 tasks, ordered by name";
  // The paged list's filters and order; its items, page after page, are the stream's.
  const std::string filters = "?order_by=-name&project_id=" + std::to_string(open);
  std::vector<std::int64_t> paged;
  for (int page = 1; page <= 2; ++page) {
    const auto body = call(owner, "GET", tasks() + filters + "&per_page=200&page=" + std::to_string(page)).json();
    for (const auto& t : body.at("data").as_array()) paged.push_back(t.at("id").as_int64());
  }
  EXPECT_EQ(paged.size(), 250u);
  EXPECT_EQ(streamed_ids(call(owner, "GET", stream + filters)), paged);
  // What the caller may not see is not streamed: the member sees the open project's 250.
  EXPECT_EQ(streamed_ids(call(member, "GET", stream)).size(), 250u);
  expect_validation(call(owner, "GET", stream + "?order_by=status"), "order_by");
  EXPECT_EQ(call(outsider, "GET", stream).status, 404);
  // A literal segment wins over the {task_id} capture, for every method.
  auto put = call(owner, "PUT", stream, R"({"name":"x"})");
  EXPECT_EQ(put.status, 405) << put.body;
  EXPECT_EQ(put.header("allow"), "GET, HEAD");
}

TEST_F(Tasks, StreamIsHeadOnlyForHeadAndReadToTheCloseForHttp10) {
  for (int i = 0; i < 3; ++i) create_task({{"name", "T" + std::to_string(i)}});
  const std::string stream = tasks() + "/stream";
  auto head = call(owner, "HEAD", stream);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  // HTTP/1.0 has no chunks: the body runs to the close.
  auto client = server.client();
  client.send_raw("GET " + stream + " HTTP/1.0\r\nAuthorization: " + owner.basic().front().second + "\r\n\r\n");
  auto res = client.read_response();
  EXPECT_EQ(res.status, 200);
  EXPECT_FALSE(res.has_header("transfer-encoding"));
  EXPECT_FALSE(res.has_header("content-length"));
  ASSERT_TRUE(res.json().is_array()) << res.body;
  EXPECT_EQ(res.json().as_array().size(), 3u);
  EXPECT_TRUE(client.closed_by_peer());
  // After a chunked stream the connection serves the next request.
  auto again = server.client();
  again.send_raw("GET " + stream + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + owner.basic().front().second +
                 "\r\n\r\n");
  EXPECT_EQ(again.read_response().json().as_array().size(), 3u);
  auto next = again.request("GET", stream, owner.basic());
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.json().as_array().size(), 3u);
}

TEST_F(Tasks, AnEmptyProjectOrParentIdAlsoAsksForTasksWithoutOne) {
  auto parent = create_task({{"name", "Parent"}, {"project_id", open}});
  create_task({{"name", "Child"}, {"project_id", open}, {"parent_task_id", parent}});
  create_task({{"name", "Loose"}});
  create_task({{"name", "Closed one"}, {"project_id", closed}});
  const std::string open_id = std::to_string(open);
  EXPECT_EQ(names(owner, tasks() + "?project_id="), std::vector<std::string>{"Loose"});
  EXPECT_EQ(names(owner, tasks() + "?project_id=&project_id=" + open_id),
            (std::vector<std::string>{"Child", "Loose", "Parent"}));
  EXPECT_EQ(names(owner, tasks() + "?project_id[]=" + open_id + "&project_id[]="),
            (std::vector<std::string>{"Child", "Loose", "Parent"}));
  EXPECT_EQ(names(owner, tasks() + "?parent_task_id="), (std::vector<std::string>{"Closed one", "Loose", "Parent"}));
  EXPECT_EQ(call(owner, "GET", tasks() + "/stream?project_id=").json().as_array().size(), 1u);
}

// What a Swagger-generated client sends for the payload fields focusd has no
// use for (the values GET answers, or none) is taken; GET's answer goes back.
TEST_F(Tasks, SwaggerPayloadFieldsTakeTheValuesEveryTaskHas) {
  const object defaults{{"allocation_unit", "flat"},
                        {"assignee_user_ids", nullptr},
                        {"auto_log_time", false},
                        {"color", ""},
                        {"custom_fields", object{}},
                        {"estimate_type", "total"},
                        {"integration_ext_id", 0},
                        {"integration_source", ""},
                        {"notes", ""},
                        {"priority_at", nullptr},
                        {"rrule", nullptr},
                        {"team_assignee_ids", nullptr},
                        {"position", nullptr}};
  object body = defaults;
  body["name"] = "Generated";
  auto created = call_json(owner, "POST", tasks(), body);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto id = created.json().at("id").as_int64();
  EXPECT_EQ(call_json(owner, "PUT", task(id), body).status, 204);
  object patch = defaults;
  patch["outbound_sync"] = false;
  patch["recurring_task_id"] = nullptr;
  patch["assignee_user_ids"] = boost::json::array{};  // as GET answers it
  EXPECT_EQ(call_json(owner, "PATCH", task(id), patch).status, 204);
  EXPECT_EQ(get(id).at("allocation_unit"), "flat");
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
      {R"({"name":"x","allocation_unit":"percent"})", "allocation_unit"},
      {R"({"name":"x","estimate_type":"daily"})", "estimate_type"},
      {R"({"name":"x","assignee_user_ids":[2]})", "assignee_user_ids"},
      {R"({"name":"x","auto_log_time":true})", "auto_log_time"},
      {R"({"name":"x","notes":"remember"})", "notes"},
      {R"({"name":"x","bogus":1})", "bogus"},
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
