// GET …/projects: every filter alone and combined, ordering, pages.
#include "projects_support.h"

namespace focusd::test {
namespace {

using boost::json::object;

class ProjectList : public WorkspaceTest {
 protected:
  void SetUp() override {
    acme = create(owner, workspace("/clients"), {{"name", "Acme"}}).at("id").as_int64();
    zeta = create(owner, workspace("/clients"), {{"name", "Zeta"}}).at("id").as_int64();
    red = create(owner, workspace("/tags"), {{"name", "red"}, {"color", "#ff0000"}}).at("id").as_int64();
    blue = create(owner, workspace("/tags"), {{"name", "blue"}, {"color", "#0000ff"}}).at("id").as_int64();
    member = server.seed_user("", owner.organization_id, "member");
    website = create_project({{"name", "Website"},
                              {"client_id", acme},
                              {"tag_ids", {red}},
                              {"start_date", "2026-01-01"},
                              {"end_date", "2026-03-31"},
                              {"billable", true}});
    app = create_project({{"name", "Mobile app"},
                          {"client_id", zeta},
                          {"tag_ids", {red, blue}},
                          {"start_date", "2026-03-01"},
                          {"end_date", "2026-12-31"},
                          {"pinned", true}});
    secret = create_project({{"name", "Secret web"}, {"private", true}, {"tag_ids", {blue}}});
    old = create_project({{"name", "Old site"}, {"client_id", acme}});
    mine = create_project({{"name", "Member's"}}, &member);
    EXPECT_EQ(call(owner, "PATCH", project(old) + "/archive").status, 204);
  }
  std::vector<std::string> list(const std::string& query, const SeededUser* as = nullptr) {
    return names(as ? *as : owner, projects() + query);
  }

  SeededUser member;
  std::int64_t acme = 0, zeta = 0, red = 0, blue = 0, website = 0, app = 0, secret = 0, old = 0, mine = 0;
};

using Names = std::vector<std::string>;

TEST_F(ProjectList, DefaultIsActiveByNameWithTotal) {
  auto res = call(owner, "GET", projects()).json().as_object();
  EXPECT_EQ(res.at("page").as_int64(), 1);
  EXPECT_EQ(res.at("per_page").as_int64(), 50);
  EXPECT_EQ(res.at("total").as_int64(), 4);
  EXPECT_EQ(list(""), (Names{"Member's", "Mobile app", "Secret web", "Website"}));
}

TEST_F(ProjectList, ArchivedIsThreeValued) {
  EXPECT_EQ(list("?archived=false"), (Names{"Member's", "Mobile app", "Secret web", "Website"}));
  EXPECT_EQ(list("?archived=true"), (Names{"Old site"}));
  EXPECT_EQ(list("?archived="), (Names{"Member's", "Mobile app", "Old site", "Secret web", "Website"}));
  EXPECT_EQ(list("?archived"), (Names{"Member's", "Mobile app", "Old site", "Secret web", "Website"}));
  expect_validation(call(owner, "GET", projects() + "?archived=maybe"), "archived");
}

TEST_F(ProjectList, SimpleFilters) {
  EXPECT_EQ(list("?pinned=true"), (Names{"Mobile app"}));
  EXPECT_EQ(list("?pinned=false"), (Names{"Member's", "Secret web", "Website"}));
  EXPECT_EQ(list("?private=true"), (Names{"Secret web"}));
  EXPECT_EQ(list("?private=false"), (Names{"Member's", "Mobile app", "Website"}));
  EXPECT_EQ(list("?name=WEB"), (Names{"Secret web", "Website"}));
  EXPECT_EQ(list("?name=nothing"), Names{});
  EXPECT_EQ(list("?creator_id=" + std::to_string(member.user_id)), (Names{"Member's"}));
  EXPECT_EQ(list("?project_id=" + std::to_string(app) + "," + std::to_string(secret)),
            (Names{"Mobile app", "Secret web"}));
}

// Filters of three or more characters go through the trigram index of names
// (new names join it in batches, and a restart indexes them all); shorter ones
// scan. Both must give the same case-insensitive substring match, and the
// index must follow renames, deletes and restores.
TEST_F(ProjectList, NameFilterThroughTheTrigramIndex) {
  const auto quoted = create_project({{"name", "Say \"hi\" (v2)"}});
  create_project({{"name", "Ünïcode Straße"}});
  create_project({{"name", "Snake_case"}});
  create_project({{"name", "Tree cover"}});  // "e c": what "e_c" would match as a pattern
  create_project({{"name", "Back\\slash"}});
  auto finds = [&] {
    EXPECT_EQ(list("?name=we"), (Names{"Secret web", "Website"}));  // 2 characters: a scan
    EXPECT_EQ(list("?name=ebs"), (Names{"Website"}));               // 3: the index
    EXPECT_EQ(list("?name=%22HI%22"), (Names{"Say \"hi\" (v2)"}));  // quotes in the phrase
    EXPECT_EQ(list("?name=%22%20(v"), (Names{"Say \"hi\" (v2)"}));
    EXPECT_EQ(list("?name=stra%C3%9Fe"), (Names{"Ünïcode Straße"}));
    EXPECT_EQ(list("?name=%C3%BCn%C3%AF"), Names{});  // lower() folds ASCII only, as before the index
    EXPECT_EQ(list("?name=%C3%9Cn%C3%AF"), (Names{"Ünïcode Straße"}));
    EXPECT_EQ(list("?name=%25%25%25"), Names{});        // "%%%" is text, not a pattern
    EXPECT_EQ(list("?name=_"), (Names{"Snake_case"}));  // and so are "_" and "\\"
    EXPECT_EQ(list("?name=e_c"), (Names{"Snake_case"}));
    EXPECT_EQ(list("?name=%5C"), (Names{"Back\\slash"}));
    EXPECT_EQ(list("?name=k%5Cs"), (Names{"Back\\slash"}));
    EXPECT_EQ(list("?name=web%00"), Names{});                    // no name holds a NUL
    EXPECT_EQ(list("?name=" + std::string(256, 'e')), Names{});  // nor more than 255 bytes
  };
  finds();  // the new names, not indexed yet
  restart_server();
  finds();  // the same names through the index
  EXPECT_EQ(call(owner, "PATCH", project(quoted), R"({"name":"Renamed greeting"})").status, 201);
  EXPECT_EQ(list("?name=%22hi%22"), Names{});
  EXPECT_EQ(list("?name=greeting"), (Names{"Renamed greeting"}));
  EXPECT_EQ(call(owner, "DELETE", project(quoted)).status, 204);
  EXPECT_EQ(list("?name=greeting"), Names{});
  EXPECT_EQ(call(owner, "PATCH", project(quoted) + "/restore").status, 204);
  EXPECT_EQ(list("?name=GREETING"), (Names{"Renamed greeting"}));
}

TEST_F(ProjectList, ArrayParametersAcceptEverySpelling) {
  const std::string a = std::to_string(acme), z = std::to_string(zeta);
  const Names both{"Mobile app", "Website"};
  EXPECT_EQ(list("?client_id=" + a + "," + z), both);
  EXPECT_EQ(list("?client_id[]=" + a + "&client_id[]=" + z), both);
  EXPECT_EQ(list("?client_id=" + a + "&client_id=" + z), both);
  EXPECT_EQ(list("?client_id%5B%5D=" + a + "&client_id%5B%5D=" + z), both);
  EXPECT_EQ(list("?client_id=" + a), (Names{"Website"}));
  EXPECT_EQ(list("?tag_id[]=" + std::to_string(blue)), (Names{"Mobile app", "Secret web"}));
  EXPECT_EQ(list("?tag_id=" + std::to_string(red) + "&client_id=" + z), (Names{"Mobile app"}));
  expect_validation(call(owner, "GET", projects() + "?client_id=abc"), "client_id");
  expect_validation(call(owner, "GET", projects() + "?tag_id[]=0"), "tag_id");
  // A deleted tag is in no project's tag_ids, so it matches none (until it is restored).
  ASSERT_EQ(call(owner, "DELETE", workspace("/tags/" + std::to_string(blue))).status, 204);
  EXPECT_EQ(list("?tag_id[]=" + std::to_string(blue)), Names{});
  ASSERT_EQ(call(owner, "PATCH", workspace("/tags/" + std::to_string(blue)) + "/restore").status, 204);
  EXPECT_EQ(list("?tag_id[]=" + std::to_string(blue)), (Names{"Mobile app", "Secret web"}));
}

TEST_F(ProjectList, DatesOverlap) {
  EXPECT_EQ(list("?start_date=2026-02-01&end_date=2026-02-28"), (Names{"Website"}));
  EXPECT_EQ(list("?start_date=2026-03-15&end_date=2026-04-01"), (Names{"Mobile app", "Website"}));
  EXPECT_EQ(list("?start_date=2026-04-01&end_date=2026-04-30"), (Names{"Mobile app"}));
  EXPECT_EQ(list("?date_overlap_start=2026-02-01&date_overlap_end=2026-02-28"), (Names{"Website"}));
  EXPECT_EQ(list("?start_date=2027-01-01"), Names{});
  expect_validation(call(owner, "GET", projects() + "?start_date=2026-13-01"), "start_date");
  expect_validation(call(owner, "GET", projects() + "?date_overlap_end=soon"), "date_overlap_end");
}

TEST_F(ProjectList, OrderingWithTiesByIdAndPages) {
  EXPECT_EQ(list("?order_by=-name"), (Names{"Website", "Secret web", "Mobile app", "Member's"}));
  // billable: Website is the only billable one; the rest tie and keep id order.
  EXPECT_EQ(list("?order_by=-billable"), (Names{"Website", "Mobile app", "Secret web", "Member's"}));
  EXPECT_EQ(list("?order_by=billable,-name"), (Names{"Secret web", "Mobile app", "Member's", "Website"}));
  EXPECT_EQ(list("?order_by[]=private&order_by[]=created_at"),
            (Names{"Website", "Mobile app", "Member's", "Secret web"}));
  EXPECT_EQ(list("?order_by=client_name"), (Names{"Secret web", "Member's", "Website", "Mobile app"}));
  EXPECT_EQ(list("?order_by=-pinned"), (Names{"Mobile app", "Website", "Secret web", "Member's"}));
  auto page = call(owner, "GET", projects() + "?per_page=3&page=2").json().as_object();
  EXPECT_EQ(page.at("total").as_int64(), 4);  // all matches, not the page
  EXPECT_EQ(page.at("data").as_array().size(), 1u);
  EXPECT_EQ(list("?per_page=3&page=3"), Names{});
  for (const char* bad :
       {"?per_page=0", "?per_page=201", "?per_page=abc", "?page=0", "?page=-1", "?page=x", "?per_page=5&per_page=6"}) {
    auto res = call(owner, "GET", projects() + bad);
    EXPECT_EQ(res.status, 400) << bad;
  }
  expect_validation(call(owner, "GET", projects() + "?order_by=color"), "order_by");
  EXPECT_EQ(call(owner, "GET", projects() + "?per_page=200").status, 200);
}

TEST_F(ProjectList, MembersSeePublicAndTheirOwnOnly) {
  EXPECT_EQ(list("", &member), (Names{"Member's", "Mobile app", "Website"}));
  auto res = call(member, "GET", projects()).json().as_object();
  EXPECT_EQ(res.at("total").as_int64(), 3);
  EXPECT_EQ(list("?private=true", &member), Names{});
  // The name filter keeps to what the member sees ("Secret web" is private).
  EXPECT_EQ(list("?name=web", &member), (Names{"Website"}));
  EXPECT_EQ(call(member, "GET", projects() + "?name=web").json().at("total").as_int64(), 1);
  EXPECT_EQ(list("?name=web"), (Names{"Secret web", "Website"}));
}

TEST_F(ProjectList, UserFilterShowsWhatThoseUsersCanAccess) {
  EXPECT_EQ(list("?user_id=" + std::to_string(member.user_id)), (Names{"Member's", "Mobile app", "Website"}));
  EXPECT_EQ(list("?user_id=" + std::to_string(owner.user_id)),
            (Names{"Member's", "Mobile app", "Secret web", "Website"}));
  EXPECT_EQ(list("?user_id=" + std::to_string(member.user_id), &member), (Names{"Member's", "Mobile app", "Website"}));
  auto res = call(member, "GET", projects() + "?user_id=" + std::to_string(owner.user_id));
  EXPECT_EQ(res.status, 403);
}

// The Swagger's filters beyond the seed's, of what focusd has not (completion,
// assignees, custom fields), and only_me.
TEST_F(ProjectList, TheSwaggersOtherFilters) {
  const Names active{"Member's", "Mobile app", "Secret web", "Website"};
  EXPECT_EQ(list("?completed=false"), active);
  EXPECT_EQ(list("?completed="), active);
  EXPECT_EQ(list("?completed=true"), Names{});  // no project here is completed
  EXPECT_EQ(call(owner, "GET", projects() + "?completed=true").json().at("total").as_int64(), 0);
  EXPECT_EQ(list("?assignee_user_id="), active);  // none has a user assignee
  EXPECT_EQ(list("?assignee_user_id=" + std::to_string(member.user_id)), Names{});
  EXPECT_EQ(list("?cf_filter=1:x"), Names{});
  EXPECT_EQ(list("?include_drafts=true&include_rollover=false&include_locked_private=true"), active);
  // only_me: what a member sees, public projects and their own, even to the owner.
  create_project({{"name", "Their secret"}, {"private", true}}, &member);
  EXPECT_EQ(list(""), (Names{"Member's", "Mobile app", "Secret web", "Their secret", "Website"}));
  EXPECT_EQ(list("?only_me=true"), active);
  EXPECT_EQ(list("?only_me=true", &member), (Names{"Member's", "Mobile app", "Their secret", "Website"}));
  expect_validation(call(owner, "GET", projects() + "?only_me=true&user_id=" + std::to_string(owner.user_id)),
                    "only_me");
  expect_validation(call(owner, "GET", projects() + "?completed=soon"), "completed");
  expect_validation(call(owner, "GET", projects() + "?assignee_user_id=x"), "assignee_user_id");
  expect_validation(call(owner, "GET", projects() + "?include_drafts=2"), "include_drafts");
}

}  // namespace
}  // namespace focusd::test
