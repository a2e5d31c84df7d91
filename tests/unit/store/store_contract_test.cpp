// The Store contract: what store.h promises, run against every Store
// implementation. A new backend is one more row in kBackends; each test gets a
// fresh, empty store. Where store.h's prose leaves a case open, a test pins
// what the SQLite store does today and says which sentence it reads.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "common/time.h"
#include "domain/project_access.h"
#include "domain/task_access.h"
#include "domain/time_entries.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "test_database.h"

namespace focusd {
namespace {

namespace fs = std::filesystem;

// Makes a fresh, empty Store; whatever files it needs go under `scratch`,
// which the suite removes afterwards.
struct Backend {
  std::string name;
  std::function<std::unique_ptr<Store>(const fs::path& scratch)> make;
};

void PrintTo(const Backend& backend, std::ostream* os) {
  *os << backend.name;
}

std::unique_ptr<Store> make_sqlite(const fs::path& scratch) {
  auto store = SqliteStore::open({(scratch / "focusd.db").string(), 2, "full", std::chrono::milliseconds(1000)});
  if (!store) {
    ADD_FAILURE() << "opening the SQLite store: " << store.error().description;
    return nullptr;
  }
  return std::move(store).value();
}

// A fresh database in the test cluster (tests/pg/test_database.h), kept
// until the test process ends: the cluster goes with the run.
std::unique_ptr<Store> make_postgres(const fs::path&) {
  static std::vector<std::unique_ptr<pgtest::TestDatabase>> databases;
  databases.push_back(std::make_unique<pgtest::TestDatabase>());
  // With pipelines, so that AsyncReads are checked against the blocking reads.
  auto store = PostgresStore::open({databases.back()->url(), 4, std::chrono::milliseconds(5000), 2});
  if (!store) {
    ADD_FAILURE() << "opening the PostgreSQL store: " << store.error().description << " " << store.error().detail;
    return nullptr;
  }
  return std::move(store).value();
}

const Backend kBackends[] = {
    {"sqlite", make_sqlite},
    {"postgres", make_postgres},
};

// Why this test does not run on this backend, or "" when it does.
std::string skip_reason(const Backend& backend) {
  if (backend.name == "postgres" && !pgtest::postgres_wanted()) {
    return "without PostgreSQL (FOCUSD_TEST_PG=1 or ./scripts/test --pg)";
  }
  return "";
}

// The value of a result the test builds on; a failure is reported where the
// call was made (the builtins std::source_location is made of, which clang 14
// with libstdc++ 12 also has), and a default value returned.
template <class T>
T must(Result<T> result, const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
  if (!result) {
    ADD_FAILURE_AT(file, line) << "unexpected error " << static_cast<int>(result.error().code) << ": "
                               << result.error().description << " " << result.error().detail;
    return T{};
  }
  return std::move(result).value();
}

template <class T>
::testing::AssertionResult succeeded(const Result<T>& result) {
  if (result) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "error " << static_cast<int>(result.error().code) << ": "
                                       << result.error().description;
}

template <class T>
::testing::AssertionResult fails_with(const Result<T>& result, ErrorCode expected) {
  if (result) return ::testing::AssertionFailure() << "succeeded; expected error " << static_cast<int>(expected);
  if (result.error().code != expected) {
    return ::testing::AssertionFailure() << "error " << static_cast<int>(result.error().code) << " ("
                                         << result.error().description << "); expected " << static_cast<int>(expected);
  }
  return ::testing::AssertionSuccess();
}

// InvalidArgument naming `field`.
template <class T>
::testing::AssertionResult invalid_field(const Result<T>& result, const std::string& field) {
  if (auto failed = fails_with(result, ErrorCode::InvalidArgument); !failed) return failed;
  if (result.error().values.count(field) == 0) {
    return ::testing::AssertionFailure() << "InvalidArgument does not name " << field << ": "
                                         << result.error().description;
  }
  return ::testing::AssertionSuccess();
}

template <class Record>
std::vector<std::string> names(const std::vector<Record>& rows) {
  std::vector<std::string> result;
  for (const auto& row : rows) {
    if constexpr (requires { row.fields.name; }) {
      result.push_back(row.fields.name);
    } else {
      result.push_back(row.name);
    }
  }
  return result;
}

template <class Record>
std::vector<std::int64_t> ids(const std::vector<Record>& rows) {
  std::vector<std::int64_t> result;
  result.reserve(rows.size());
  for (const auto& row : rows) result.push_back(row.id);
  return result;
}

std::vector<std::int64_t> sorted(std::vector<std::int64_t> values) {
  std::sort(values.begin(), values.end());
  return values;
}

// A project member as (id, manager, users), in id order: store.h states no order.
using MemberRow = std::tuple<std::int64_t, bool, std::int64_t>;
std::vector<MemberRow> member_rows(const std::vector<ProjectMember>& members) {
  std::vector<MemberRow> result;
  result.reserve(members.size());
  for (const auto& m : members) result.emplace_back(m.id, m.manager, m.users);
  std::sort(result.begin(), result.end());
  return result;
}

// A rate as (hourly rate, start, end).
using RateRow = std::tuple<double, std::string, std::optional<std::string>>;
std::vector<RateRow> rate_rows(const std::vector<RateRecord>& rates) {
  std::vector<RateRow> result;
  result.reserve(rates.size());
  for (const auto& r : rates) result.emplace_back(r.hourly_rate, r.start_at, r.end_at);
  return result;
}

// The first instant of a month of 2026, RFC 3339 UTC.
std::string month(int m) {
  char text[32];
  std::snprintf(text, sizeof text, "2026-%02d-01T00:00:00Z", m);
  return text;
}
std::optional<std::string> month(std::optional<int> m) {
  return m ? std::optional<std::string>(month(*m)) : std::nullopt;
}

const Store::TreeRule kAnyPlace = [](const TreePlacement&) -> Status { return Ok{}; };
const Store::ManagerRule kAnyManagers = [](std::int64_t, const ProjectMembers&, const ProjectMembers&) -> Status {
  return Ok{};
};

// A tree rule that records what it is asked and answers `answer`.
struct TreeRuleSpy {
  std::vector<TreePlacement> asked;
  Status answer = Ok{};
  Store::TreeRule rule() {
    return [this](const TreePlacement& placement) {
      asked.push_back(placement);
      return answer;
    };
  }
};

// A last-manager rule that records what it is asked and answers `answer`.
struct ManagerRuleSpy {
  struct Asked {
    std::int64_t project_id = 0;
    ProjectMembers before, after;
  };
  std::vector<Asked> asked;
  Status answer = Ok{};
  Store::ManagerRule rule() {
    return [this](std::int64_t project_id, const ProjectMembers& before, const ProjectMembers& after) {
      asked.push_back({project_id, before, after});
      return answer;
    };
  }
};

Error refusal(const char* who) {
  return make_error(ErrorCode::Forbidden, std::string(who) + " says no");
}

// One organization: its owner (who sees all), two members and its first workspace.
struct Org {
  std::int64_t id = 0;
  std::int64_t workspace = 0;
  Viewer owner;
  Viewer bob;    // fullname "Bob"
  Viewer carol;  // no fullname
  std::string domain;
};

// A viewer of the visibility tables, and the role the test gave it on the
// project(s) in question.
struct Seat {
  const char* who;
  const Viewer& viewer;
  ProjectRole role;
};

struct BadReference {
  const char* reason;
  ProjectFields fields;
  const char* field;
};

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    if (auto reason = skip_reason(GetParam()); !reason.empty()) GTEST_SKIP() << reason;
    std::replace(name.begin(), name.end(), '/', '-');
    scratch_ = fs::temp_directory_path() / ("focusd-contract-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(scratch_);
    fs::create_directories(scratch_);
    store_ = GetParam().make(scratch_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    if (!scratch_.empty()) fs::remove_all(scratch_);
  }

  // A user who gets a new organization (and its workspace) and owns it.
  CreatedUser new_owner(const std::string& email, const std::string& fullname = "") {
    return must(store_->create_user({email, fullname, "hash", std::nullopt, OrgRole::Member}));
  }
  std::int64_t join(std::int64_t organization_id, const std::string& email, const std::string& fullname = "",
                    OrgRole role = OrgRole::Member) {
    return must(store_->create_user({email, fullname, "hash", organization_id, role})).user_id;
  }
  Org make_org(const std::string& domain) {
    const CreatedUser owner = new_owner("owner@" + domain, "Owner");
    Org org{owner.organization_id, owner.workspace_id, {owner.user_id, true}, {}, {}, domain};
    org.bob = {join(org.id, "bob@" + domain, "Bob"), false};
    org.carol = {join(org.id, "carol@" + domain), false};
    return org;
  }
  Viewer member_of(const Org& org, const std::string& name) { return {join(org.id, name + "@" + org.domain), false}; }

  CatalogItem item(Catalog catalog, const Org& org, const std::string& name,
                   const std::optional<std::string>& extra = std::nullopt) {
    return must(store_->create_catalog_item(catalog, org.workspace, org.owner.user_id, name, extra));
  }
  CatalogItem deleted_item(Catalog catalog, const Org& org, const std::string& name) {
    CatalogItem created = item(catalog, org, name);
    EXPECT_TRUE(succeeded(store_->set_catalog_item_deleted(catalog, org.workspace, created.id, true)));
    return created;
  }
  ProjectRecord project(const Org& org, const Viewer& creator, const ProjectFields& fields) {
    return must(store_->create_project(org.workspace, creator, fields, false, kAnyPlace));
  }
  TaskRecord task(const Org& org, const Viewer& creator, const TaskFields& fields, bool pinned = false) {
    return must(store_->create_task(org.workspace, creator, fields, pinned));
  }
  GroupRecord group(const Org& org, const std::string& name, const std::vector<std::int64_t>& user_ids) {
    return must(store_->create_group(org.id, {name, "", user_ids, {}}));
  }
  void add_members(const Org& org, std::int64_t project_id, const std::vector<std::int64_t>& user_ids,
                   const std::vector<std::int64_t>& group_ids, bool manager) {
    EXPECT_TRUE(
        succeeded(store_->add_project_members(org.workspace, project_id, user_ids, group_ids, manager, kAnyManagers)));
  }

  // Is the project (task) there for the viewer, by find and by list?
  bool sees(const Org& org, const Viewer& viewer, std::int64_t project_id) {
    const bool found = store_->find_project(org.workspace, project_id, viewer, false).ok();
    const auto listed = ids(must(store_->list_projects({.workspace_id = org.workspace, .viewer = viewer})).items);
    EXPECT_EQ(found, std::count(listed.begin(), listed.end(), project_id) == 1) << "find and list disagree";
    return found;
  }
  bool sees_task(const Org& org, const Viewer& viewer, std::int64_t task_id) {
    const bool found = store_->find_task(org.workspace, task_id, viewer, false).ok();
    const auto listed = ids(must(store_->list_tasks({.workspace_id = org.workspace, .viewer = viewer})).items);
    EXPECT_EQ(found, std::count(listed.begin(), listed.end(), task_id) == 1) << "find and list disagree";
    return found;
  }
  // find_project_with_access, and the same through AsyncReads (on an event
  // loop of the test's own) when the store has them: both must answer alike.
  Result<ProjectWithAccess> find_with_access(std::int64_t user_id, std::int64_t workspace_id,
                                             std::optional<std::int64_t> organization_id, std::int64_t project_id,
                                             bool include_deleted) {
    auto blocking =
        store_->find_project_with_access(user_id, workspace_id, organization_id, project_id, include_deleted);
    AsyncReads* reads = store_->async_reads();
    if (!reads) return blocking;
    boost::asio::io_context io;
    std::optional<Result<ProjectWithAccess>> awaited;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          auto answer = co_await reads->find_project_with_access(user_id, workspace_id, organization_id, project_id,
                                                                 include_deleted);
          awaited.emplace(std::move(answer));
          io.stop();
        },
        boost::asio::detached);
    io.run_for(std::chrono::seconds(10));
    EXPECT_TRUE(awaited.has_value()) << "AsyncReads answered";
    if (!awaited) return blocking;
    EXPECT_EQ(awaited->ok(), blocking.ok());
    if (awaited->ok() && blocking.ok()) {
      EXPECT_EQ((*awaited)->project, blocking->project);
      EXPECT_EQ((*awaited)->access.organization_id, blocking->access.organization_id);
      EXPECT_EQ((*awaited)->access.role, blocking->access.role);
    } else if (!awaited->ok() && !blocking.ok()) {
      EXPECT_EQ(awaited->error().code, blocking.error().code);
    }
    return blocking;
  }
  std::vector<std::string> project_names(const ProjectQuery& query) {
    return names(must(store_->list_projects(query)).items);
  }
  std::vector<std::string> task_names(const TaskQuery& query) { return names(must(store_->list_tasks(query)).items); }

  // Fields whose references are wrong for a member of `a`, each with the field
  // the error must name.
  std::vector<BadReference> bad_project_references(const Org& a, const Org& b) {
    const CatalogItem gone_client = deleted_item(Catalog::Clients, a, "Gone client");
    const CatalogItem gone_tag = deleted_item(Catalog::Tags, a, "Gone tag");
    const CatalogItem b_client = item(Catalog::Clients, b, "B client");
    const CatalogItem b_tag = item(Catalog::Tags, b, "B tag");
    const ProjectRecord gone = project(a, a.owner, {.name = "Gone"});
    EXPECT_TRUE(succeeded(store_->set_project_deleted(a.workspace, gone.id, true, kAnyPlace)));
    const ProjectRecord hidden = project(a, a.owner, {.name = "Hidden", .is_private = true});
    const ProjectRecord b_project = project(b, b.owner, {.name = "B project"});
    return {
        {"a deleted client", {.name = "X", .client_id = gone_client.id}, "client_id"},
        {"a client of another workspace", {.name = "X", .client_id = b_client.id}, "client_id"},
        {"a missing client", {.name = "X", .client_id = 999}, "client_id"},
        {"a deleted tag", {.name = "X", .tag_ids = {gone_tag.id}}, "tag_ids"},
        {"a tag of another workspace", {.name = "X", .tag_ids = {b_tag.id}}, "tag_ids"},
        {"a deleted parent", {.name = "X", .parent_project_id = gone.id}, "parent_project_id"},
        {"a parent the viewer does not see", {.name = "X", .parent_project_id = hidden.id}, "parent_project_id"},
        {"a parent of another workspace", {.name = "X", .parent_project_id = b_project.id}, "parent_project_id"},
        {"a missing parent", {.name = "X", .parent_project_id = 999}, "parent_project_id"},
    };
  }

  std::unique_ptr<Store> store_;

 private:
  fs::path scratch_;
};

// ---- ping, users, keys, organizations, workspaces, settings ----

TEST_P(StoreContract, PingAnswersAndAnEmptyStoreHasNoUsers) {
  EXPECT_TRUE(succeeded(store_->ping()));
  EXPECT_FALSE(must(store_->has_users()));
  new_owner("alice@example.com");
  EXPECT_TRUE(must(store_->has_users()));
}

TEST_P(StoreContract, ANewUserWithoutOrganizationOwnsANewOneWithOneWorkspace) {
  const CreatedUser alice = new_owner("alice@example.com");  // asked as a Member: owning wins
  EXPECT_GT(alice.user_id, 0);
  EXPECT_GT(alice.organization_id, 0);
  const auto memberships = must(store_->memberships(alice.user_id));
  ASSERT_EQ(memberships.size(), 1u);
  EXPECT_EQ(memberships[0].organization_id, alice.organization_id);
  EXPECT_EQ(memberships[0].role, OrgRole::Owner);
  EXPECT_EQ(normalize_timestamp(memberships[0].joined_at), memberships[0].joined_at) << "RFC 3339 UTC";
  EXPECT_LE(memberships[0].joined_at, now_rfc3339());
  const auto workspaces = must(store_->list_workspaces(alice.user_id, alice.organization_id));
  ASSERT_EQ(workspaces.size(), 1u);
  EXPECT_EQ(workspaces[0].id, alice.workspace_id);
  EXPECT_EQ(workspaces[0].organization_id, alice.organization_id);
  EXPECT_FALSE(workspaces[0].name.empty());

  const CreatedUser bob = new_owner("bob@example.com");
  EXPECT_NE(bob.organization_id, alice.organization_id);
  EXPECT_NE(bob.workspace_id, alice.workspace_id);
}

TEST_P(StoreContract, AJoiningUserGetsTheRoleAndTheOrganizationsFirstWorkspace) {
  const CreatedUser alice = new_owner("alice@example.com");
  ASSERT_TRUE(succeeded(store_->create_workspace(alice.organization_id, "Second")));
  const CreatedUser bob =
      must(store_->create_user({"bob@example.com", "Bob", "hash", alice.organization_id, OrgRole::Admin}));
  EXPECT_EQ(bob.organization_id, alice.organization_id);
  EXPECT_EQ(bob.workspace_id, alice.workspace_id);
  const auto memberships = must(store_->memberships(bob.user_id));
  ASSERT_EQ(memberships.size(), 1u);
  EXPECT_EQ(memberships[0].role, OrgRole::Admin);
  EXPECT_EQ(must(store_->organization_role(bob.user_id, alice.organization_id)), OrgRole::Admin);
}

TEST_P(StoreContract, CreateUserConflictsOnAnEmailTakenInAnyCase) {
  const CreatedUser alice = new_owner("alice@example.com");
  EXPECT_TRUE(fails_with(store_->create_user({"ALICE@Example.COM", "", "h", std::nullopt, OrgRole::Member}),
                         ErrorCode::Conflict));
  EXPECT_TRUE(fails_with(store_->create_user({"Alice@example.com", "", "h", alice.organization_id, OrgRole::Member}),
                         ErrorCode::Conflict));
  EXPECT_EQ(must(store_->memberships(alice.user_id)).size(), 1u);
}

TEST_P(StoreContract, CreateUserInAMissingOrganizationIsNotFoundAndWritesNothing) {
  EXPECT_TRUE(
      fails_with(store_->create_user({"carol@example.com", "", "h", 999, OrgRole::Member}), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->find_user_by_email("carol@example.com"), ErrorCode::NotFound));
  EXPECT_FALSE(must(store_->has_users()));
}

TEST_P(StoreContract, UsersAreFoundByIdAndByEmailInAnyCase) {
  const CreatedUser created =
      must(store_->create_user({"alice@example.com", "Alice Liddell", "argon2-hash", std::nullopt, OrgRole::Member}));
  const UserRecord by_email = must(store_->find_user_by_email("ALICE@example.Com"));
  EXPECT_EQ(by_email.id, created.user_id);
  EXPECT_EQ(by_email.email, "alice@example.com");
  EXPECT_EQ(by_email.fullname, "Alice Liddell");
  EXPECT_EQ(by_email.password_hash, "argon2-hash");
  EXPECT_FALSE(by_email.created_at.empty());
  const UserRecord by_id = must(store_->find_user(created.user_id));
  EXPECT_EQ(by_id.email, "alice@example.com");
  EXPECT_EQ(by_id.created_at, by_email.created_at);
  EXPECT_TRUE(fails_with(store_->find_user(created.user_id + 1000), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->find_user_by_email("nobody@example.com"), ErrorCode::NotFound));
}

// The access check and the read in one: what workspace_access and then
// find_project answer, NotFound where either would be.
TEST_P(StoreContract, FindProjectWithAccessIsAccessThenFind) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Shown"});
  const ProjectRecord gone = project(a, a.owner, {.name = "Gone"});
  EXPECT_TRUE(succeeded(store_->set_project_deleted(a.workspace, gone.id, true, kAnyPlace)));

  const ProjectWithAccess found = must(find_with_access(a.bob.user_id, a.workspace, a.id, p.id, false));
  EXPECT_EQ(found.project, must(store_->find_project(a.workspace, p.id, a.bob, false)));
  EXPECT_EQ(found.access.organization_id, a.id);
  EXPECT_EQ(found.access.workspace_id, a.workspace);
  EXPECT_EQ(found.access.user_id, a.bob.user_id);
  EXPECT_EQ(found.access.role, OrgRole::Member);
  EXPECT_EQ(must(find_with_access(a.owner.user_id, a.workspace, std::nullopt, p.id, false)).access.role,
            OrgRole::Owner);

  EXPECT_TRUE(fails_with(find_with_access(b.owner.user_id, a.workspace, std::nullopt, p.id, false),
                         ErrorCode::NotFound));  // not their workspace
  EXPECT_TRUE(fails_with(find_with_access(a.owner.user_id, a.workspace, b.id, p.id, false),
                         ErrorCode::NotFound));  // not in that organization
  EXPECT_TRUE(fails_with(find_with_access(b.owner.user_id, b.workspace, std::nullopt, p.id, false),
                         ErrorCode::NotFound));  // not in their workspace
  EXPECT_TRUE(
      fails_with(find_with_access(a.owner.user_id, a.workspace, std::nullopt, gone.id, false), ErrorCode::NotFound));
  EXPECT_EQ(must(find_with_access(a.owner.user_id, a.workspace, std::nullopt, gone.id, true)).project.id, gone.id);
}

// AsyncWrites::create_project (where the store has them) is workspace_access
// and then create_project: the record that find reads back, the errors the
// blocking forms give, and nothing written when it fails.
TEST_P(StoreContract, AsyncCreateIsAccessThenCreate) {
  AsyncWrites* writes = store_->async_writes();
  if (!writes) GTEST_SKIP() << "no AsyncWrites on " << GetParam().name;
  const Org a = make_org("create.test");
  const Org b = make_org("other.test");
  const auto create = [&](std::int64_t user_id, std::int64_t workspace_id, std::optional<std::int64_t> organization_id,
                          const ProjectFields& fields) {
    boost::asio::io_context io;
    std::optional<Result<ProjectWithAccess>> awaited;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          auto answer = co_await writes->create_project(user_id, workspace_id, organization_id, fields);
          awaited.emplace(std::move(answer));
          io.stop();
        },
        boost::asio::detached);
    io.run_for(std::chrono::seconds(10));
    EXPECT_TRUE(awaited.has_value()) << "AsyncWrites answered";
    return awaited.value_or(make_error(ErrorCode::Internal, "no answer"));
  };
  const ProjectFields fields{.name = "Alpha",
                             .color = "#0b83d9",
                             .description = "it's ünïcødé",
                             .start_date = "2026-01-01",
                             .end_date = "2026-12-31",
                             .estimated_mins = 90,
                             .fixed_fee = FixedFee{12.5, "EUR"},
                             .is_private = true,
                             .billable = true,
                             .auto_compute_estimates = true};
  const ProjectWithAccess made = must(create(a.bob.user_id, a.workspace, a.id, fields));
  EXPECT_EQ(made.project, must(store_->find_project(a.workspace, made.project.id, a.bob, false)))
      << "what find reads back";
  EXPECT_EQ(made.project.fields, fields);
  EXPECT_EQ(made.project.viewer_role, ProjectRole::Manager);
  EXPECT_EQ(made.access.organization_id, a.id);
  EXPECT_EQ(made.access.workspace_id, a.workspace);
  EXPECT_EQ(made.access.user_id, a.bob.user_id);
  EXPECT_EQ(made.access.role, OrgRole::Member);
  EXPECT_EQ(must(create(a.owner.user_id, a.workspace, std::nullopt, {.name = "Beta"})).access.role, OrgRole::Owner);

  // A name taken (case-insensitively): the Conflict of the blocking create.
  const Result<ProjectRecord> blocking_taken =
      store_->create_project(a.workspace, a.bob, {.name = "ALPHA"}, false, kAnyPlace);
  const Result<ProjectWithAccess> taken = create(a.bob.user_id, a.workspace, a.id, {.name = "ALPHA"});
  ASSERT_TRUE(fails_with(blocking_taken, ErrorCode::Conflict));
  ASSERT_TRUE(fails_with(taken, ErrorCode::Conflict));
  EXPECT_EQ(taken.error().description, blocking_taken.error().description);
  EXPECT_EQ(taken.error().values, blocking_taken.error().values);
  // No access: as workspace_access says.
  EXPECT_TRUE(fails_with(create(b.owner.user_id, a.workspace, std::nullopt, {.name = "Theirs"}), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(create(a.owner.user_id, a.workspace, b.id, {.name = "Elsewhere"}), ErrorCode::NotFound));
  // What takes more than one statement is refused, not half done.
  const CatalogItem client = item(Catalog::Clients, a, "Client");
  const CatalogItem tag = item(Catalog::Tags, a, "Tag");
  EXPECT_TRUE(
      fails_with(create(a.owner.user_id, a.workspace, a.id, {.name = "Child", .parent_project_id = made.project.id}),
                 ErrorCode::InvalidArgument));
  EXPECT_TRUE(fails_with(create(a.owner.user_id, a.workspace, a.id, {.name = "Billed", .client_id = client.id}),
                         ErrorCode::InvalidArgument));
  EXPECT_TRUE(fails_with(create(a.owner.user_id, a.workspace, a.id, {.name = "Tagged", .tag_ids = {tag.id}}),
                         ErrorCode::InvalidArgument));
  EXPECT_EQ(project_names({.workspace_id = a.workspace, .viewer = a.owner}),
            (std::vector<std::string>{"Alpha", "Beta"}))
      << "nothing written by the failures";
  EXPECT_TRUE(project_names({.workspace_id = b.workspace, .viewer = b.owner}).empty());

  // A deleted project's name is free again.
  EXPECT_TRUE(succeeded(store_->set_project_deleted(a.workspace, made.project.id, true, kAnyPlace)));
  EXPECT_EQ(must(create(a.bob.user_id, a.workspace, a.id, {.name = "alpha"})).project.fields.name, "alpha");
}

// A session's reads may share a snapshot, but one taken again after each
// write: a handler reads what it wrote, and what others committed before.
TEST_P(StoreContract, ASessionReadsWhatItWroteAndWhatWasCommittedBefore) {
  const Org a = make_org("session.test");
  store_->in_session([&] {
    EXPECT_TRUE(fails_with(store_->find_project(a.workspace, 1000000, a.owner, false), ErrorCode::NotFound));
    const ProjectRecord mine = project(a, a.owner, {.name = "Mine"});
    EXPECT_EQ(must(store_->find_project(a.workspace, mine.id, a.owner, false)).fields.name, "Mine");
    std::int64_t theirs = 0;
    std::thread other([&] { theirs = project(a, a.owner, {.name = "Theirs"}).id; });
    other.join();
    // Committed after this session's snapshot was taken (SQLite's session does
    // not see it yet): seen once the session has written.
    EXPECT_TRUE(succeeded(store_->set_project_pinned(mine.id, a.owner.user_id, true)));
    EXPECT_EQ(must(store_->find_project(a.workspace, theirs, a.owner, false)).fields.name, "Theirs");
  });
}

// write_async: a job's writes (and its reads of them) happen before `done`,
// which hears that they are committed; a job whose own write fails (a name
// taken) takes nothing else with it.
TEST_P(StoreContract, AsyncWritesAreCommittedWhenDoneIsCalled) {
  const Org a = make_org("async.test");
  constexpr int kJobs = 24;
  std::mutex mutex;
  std::condition_variable all_done;
  int done = 0;
  std::vector<std::optional<Error>> failures(kJobs);
  std::vector<Result<ProjectRecord>> created(kJobs, make_error(ErrorCode::Internal, "not run"));
  std::vector<bool> seen_by_job(kJobs, false);
  std::vector<std::thread> clients;
  for (int i = 0; i < kJobs; ++i) {
    clients.emplace_back([&, i] {
      const std::string name = i == kJobs - 1 ? "Job 0" : "Job " + std::to_string(i);  // the last one's name is taken
      store_->write_async(
          [&, i, name] {
            created[i] = store_->create_project(a.workspace, a.owner, {.name = name}, false, kAnyPlace);
            seen_by_job[i] = created[i] && store_->find_project(a.workspace, created[i]->id, a.owner, false).ok();
          },
          [&, i](std::optional<Error> failure) {
            std::lock_guard lock(mutex);
            failures[i] = std::move(failure);
            ++done;
            all_done.notify_one();
          });
    });
  }
  for (auto& client : clients) client.join();
  std::unique_lock lock(mutex);
  all_done.wait(lock, [&] { return done == kJobs; });
  for (int i = 0; i < kJobs; ++i) {
    EXPECT_FALSE(failures[i]) << i;
    if (i == kJobs - 1 || (i == 0 && !created[0])) continue;  // one of the two "Job 0" lost the race
    ASSERT_TRUE(created[i].ok()) << i;
    EXPECT_TRUE(seen_by_job[i]) << i;
    EXPECT_TRUE(store_->find_project(a.workspace, created[i]->id, a.owner, false).ok()) << i;
  }
  EXPECT_NE(created[0].ok(), created[kJobs - 1].ok()) << "exactly one of the two jobs named \"Job 0\" creates it";
}

TEST_P(StoreContract, AnApiKeyFindsItsUserUntilRevokedOrExpired) {
  const CreatedUser alice = new_owner("alice@example.com");
  const std::string now = "2026-01-01T00:00:00Z";
  ASSERT_TRUE(succeeded(store_->create_api_key(alice.user_id, "digest-1", std::nullopt)));
  EXPECT_EQ(must(store_->find_user_by_api_key("digest-1", now)).id, alice.user_id);
  EXPECT_TRUE(fails_with(store_->find_user_by_api_key("digest-unknown", now), ErrorCode::NotFound));

  ASSERT_TRUE(succeeded(store_->create_api_key(alice.user_id, "digest-2", std::string("2030-01-01T00:00:00Z"))));
  EXPECT_TRUE(fails_with(store_->find_user_by_api_key("digest-1", now), ErrorCode::NotFound));  // revoked
  EXPECT_EQ(must(store_->find_user_by_api_key("digest-2", "2029-12-31T23:59:59Z")).id, alice.user_id);
  // store.h: "neither revoked nor expired at `now`": a key expiring at `now` has expired.
  EXPECT_TRUE(fails_with(store_->find_user_by_api_key("digest-2", "2030-01-01T00:00:00Z"), ErrorCode::NotFound));
}

TEST_P(StoreContract, ANewApiKeyRevokesOnlyItsOwnUsersKeys) {
  const Org org = make_org("a.test");
  const std::string now = "2026-01-01T00:00:00Z";
  ASSERT_TRUE(succeeded(store_->create_api_key(org.owner.user_id, "owner-1", std::nullopt)));
  ASSERT_TRUE(succeeded(store_->create_api_key(org.bob.user_id, "bob-1", std::nullopt)));
  ASSERT_TRUE(succeeded(store_->create_api_key(org.owner.user_id, "owner-2", std::nullopt)));
  EXPECT_EQ(must(store_->find_user_by_api_key("bob-1", now)).id, org.bob.user_id);
  EXPECT_EQ(must(store_->find_user_by_api_key("owner-2", now)).id, org.owner.user_id);
  EXPECT_TRUE(fails_with(store_->find_user_by_api_key("owner-1", now), ErrorCode::NotFound));
}

TEST_P(StoreContract, WorkspacesAreCreatedInExistingOrganizationsOnly) {
  EXPECT_TRUE(fails_with(store_->create_workspace(999, "Nowhere"), ErrorCode::NotFound));
  const CreatedUser alice = new_owner("alice@example.com");
  const std::int64_t second = must(store_->create_workspace(alice.organization_id, "Second"));
  const auto workspaces = must(store_->list_workspaces(alice.user_id, alice.organization_id));
  // store.h states no order; SQLite lists the oldest first.
  EXPECT_EQ(ids(workspaces), (std::vector<std::int64_t>{alice.workspace_id, second}));
  EXPECT_EQ(workspaces[1].name, "Second");
  EXPECT_EQ(workspaces[1].organization_id, alice.organization_id);
  EXPECT_FALSE(workspaces[1].created_at.empty());
}

TEST_P(StoreContract, ListWorkspacesIsNotFoundForNonMembers) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  EXPECT_TRUE(fails_with(store_->list_workspaces(b.owner.user_id, a.id), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->list_workspaces(a.owner.user_id, 999), ErrorCode::NotFound));
  EXPECT_EQ(must(store_->list_workspaces(a.carol.user_id, a.id)).size(), 1u);
}

TEST_P(StoreContract, WorkspaceAccessGoesThroughOrganizationMembership) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  const std::int64_t admin = join(a.id, "admin@a.test", "", OrgRole::Admin);
  struct Case {
    const char* reason;
    std::int64_t user_id;
    std::int64_t workspace_id;
    std::optional<std::int64_t> organization_id;
    std::optional<OrgRole> role;  // nullopt: NotFound
    bool can_access;              // can_access_workspace knows no organization
  } const cases[] = {
      {"the owner", a.owner.user_id, a.workspace, std::nullopt, OrgRole::Owner, true},
      {"an admin, organization given", admin, a.workspace, a.id, OrgRole::Admin, true},
      {"a member", a.carol.user_id, a.workspace, std::nullopt, OrgRole::Member, true},
      {"the workspace is not in the given organization", a.owner.user_id, a.workspace, b.id, std::nullopt, true},
      {"a user of another organization", b.owner.user_id, a.workspace, std::nullopt, std::nullopt, false},
      {"a missing workspace", a.owner.user_id, 999, std::nullopt, std::nullopt, false},
      {"a missing user", 999, a.workspace, std::nullopt, std::nullopt, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    auto access = store_->workspace_access(c.user_id, c.workspace_id, c.organization_id);
    EXPECT_EQ(must(store_->can_access_workspace(c.user_id, c.workspace_id)), c.can_access);
    if (!c.role) {
      EXPECT_TRUE(fails_with(access, ErrorCode::NotFound));
      continue;
    }
    ASSERT_TRUE(succeeded(access));
    EXPECT_EQ(access->role, *c.role);
    EXPECT_EQ(access->organization_id, a.id);
    EXPECT_EQ(access->workspace_id, a.workspace);
    EXPECT_EQ(access->user_id, c.user_id);
  }
}

TEST_P(StoreContract, OrganizationRoleIsNotFoundForNonMembers) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  EXPECT_EQ(must(store_->organization_role(a.owner.user_id, a.id)), OrgRole::Owner);
  EXPECT_EQ(must(store_->organization_role(a.carol.user_id, a.id)), OrgRole::Member);
  EXPECT_TRUE(fails_with(store_->organization_role(b.owner.user_id, a.id), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->organization_role(a.owner.user_id, 999), ErrorCode::NotFound));
  // store.h does not say what an unknown user has; SQLite answers no memberships.
  EXPECT_TRUE(must(store_->memberships(999)).empty());
}

TEST_P(StoreContract, SettingsStartEmptyAndAFailedMutationWritesNothing) {
  const CreatedUser alice = new_owner("alice@example.com");
  EXPECT_EQ(must(store_->user_settings(alice.user_id)), "{}");
  auto failed = store_->update_user_settings(alice.user_id, [](const std::string&) -> Result<std::string> {
    return make_error(ErrorCode::UnsupportedMediaType, "mutation refused");
  });
  ASSERT_TRUE(fails_with(failed, ErrorCode::UnsupportedMediaType));
  EXPECT_EQ(failed.error().description, "mutation refused");
  EXPECT_EQ(must(store_->user_settings(alice.user_id)), "{}");
}

TEST_P(StoreContract, SettingsMutationsSeeTheCurrentDocument) {
  const CreatedUser alice = new_owner("alice@example.com");
  const CreatedUser bob = new_owner("bob@example.com");
  std::vector<std::string> seen;
  auto append = [&](const std::string& value) {
    return [&seen, value](const std::string& current) -> Result<std::string> {
      seen.push_back(current);
      return value;
    };
  };
  EXPECT_EQ(must(store_->update_user_settings(alice.user_id, append(R"({"theme":"dark"})"))), R"({"theme":"dark"})");
  EXPECT_EQ(must(store_->update_user_settings(alice.user_id, append(R"({"theme":"light"})"))), R"({"theme":"light"})");
  EXPECT_EQ(seen, (std::vector<std::string>{"{}", R"({"theme":"dark"})"}));
  EXPECT_EQ(must(store_->user_settings(alice.user_id)), R"({"theme":"light"})");
  EXPECT_EQ(must(store_->user_settings(bob.user_id)), "{}");
  EXPECT_TRUE(fails_with(store_->user_settings(999), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->update_user_settings(999, append("{}")), ErrorCode::NotFound));
}

TEST_P(StoreContract, ConcurrentSettingsMutationsAreEachAppliedOnce) {
  // store.h: implementations are thread-safe, and update_user_settings "atomically replaces".
  const CreatedUser alice = new_owner("alice@example.com");
  constexpr int kThreads = 8;
  constexpr int kEach = 5;
  auto increment = [](const std::string& current) -> Result<std::string> {
    const auto colon = current.find(':');
    const int n = colon == std::string::npos ? 0 : std::stoi(current.substr(colon + 1));
    return R"({"n":)" + std::to_string(n + 1) + "}";
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) EXPECT_TRUE(succeeded(store_->update_user_settings(alice.user_id, increment)));
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(must(store_->user_settings(alice.user_id)), R"({"n":)" + std::to_string(kThreads * kEach) + "}");
}

// ---- clients and tags: every test runs over both catalogs ----

constexpr Catalog kCatalogs[] = {Catalog::Clients, Catalog::Tags};
const char* catalog_name(Catalog catalog) {
  return catalog == Catalog::Clients ? "clients" : "tags";
}

TEST_P(StoreContract, CatalogItemsRoundTripAndAreFoundInTheirWorkspaceOnly) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  for (Catalog catalog : kCatalogs) {
    SCOPED_TRACE(catalog_name(catalog));
    const CatalogItem acme = must(store_->create_catalog_item(catalog, a.workspace, a.bob.user_id, "Acme", "EUR"));
    EXPECT_GT(acme.id, 0);
    EXPECT_EQ(acme.workspace_id, a.workspace);
    EXPECT_EQ(acme.name, "Acme");
    EXPECT_EQ(acme.extra, "EUR");
    EXPECT_EQ(acme.creator_id, a.bob.user_id);
    EXPECT_FALSE(acme.created_at.empty());
    EXPECT_FALSE(acme.deleted_at.has_value());
    const CatalogItem plain = must(store_->create_catalog_item(catalog, a.workspace, a.bob.user_id, "Plain", {}));
    EXPECT_FALSE(plain.extra.has_value());

    const CatalogItem found = must(store_->find_catalog_item(catalog, a.workspace, acme.id, false));
    EXPECT_EQ(found.name, "Acme");
    EXPECT_EQ(found.extra, "EUR");
    EXPECT_EQ(found.created_at, acme.created_at);
    EXPECT_TRUE(fails_with(store_->find_catalog_item(catalog, b.workspace, acme.id, true), ErrorCode::NotFound));
    EXPECT_TRUE(fails_with(store_->find_catalog_item(catalog, a.workspace, 999, true), ErrorCode::NotFound));
  }
}

TEST_P(StoreContract, CatalogNamesAreUniqueAmongLiveItemsIgnoringCase) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  for (Catalog catalog : kCatalogs) {
    SCOPED_TRACE(catalog_name(catalog));
    const CatalogItem acme = item(catalog, a, "Acme");
    EXPECT_TRUE(fails_with(store_->create_catalog_item(catalog, a.workspace, a.owner.user_id, "ACME", {}),
                           ErrorCode::Conflict));
    EXPECT_TRUE(succeeded(store_->create_catalog_item(catalog, b.workspace, b.owner.user_id, "Acme", {})));
    ASSERT_TRUE(succeeded(store_->set_catalog_item_deleted(catalog, a.workspace, acme.id, true)));
    EXPECT_TRUE(succeeded(store_->create_catalog_item(catalog, a.workspace, a.owner.user_id, "acme", {})));
  }
  // store.h: "Names are unique among a workspace's live items": SQLite reads it per catalog.
  EXPECT_TRUE(succeeded(store_->create_catalog_item(Catalog::Clients, a.workspace, a.owner.user_id, "Shared", {})));
  EXPECT_TRUE(succeeded(store_->create_catalog_item(Catalog::Tags, a.workspace, a.owner.user_id, "Shared", {})));
}

TEST_P(StoreContract, CatalogUpdateReplacesNameAndExtraAndConflictsOnATakenName) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  for (Catalog catalog : kCatalogs) {
    SCOPED_TRACE(catalog_name(catalog));
    const CatalogItem acme = item(catalog, a, "Acme", "EUR");
    const CatalogItem beta = item(catalog, a, "Beta");
    const CatalogItem renamed = must(store_->update_catalog_item(catalog, a.workspace, acme.id, "ACME", {}));
    EXPECT_EQ(renamed.id, acme.id);
    EXPECT_EQ(renamed.name, "ACME");  // its own name in another case is no conflict
    EXPECT_FALSE(renamed.extra.has_value());
    EXPECT_TRUE(
        fails_with(store_->update_catalog_item(catalog, a.workspace, beta.id, "acme", {}), ErrorCode::Conflict));
    EXPECT_EQ(must(store_->find_catalog_item(catalog, a.workspace, beta.id, false)).name, "Beta");
    EXPECT_TRUE(
        fails_with(store_->update_catalog_item(catalog, b.workspace, beta.id, "Gamma", {}), ErrorCode::NotFound));
    EXPECT_TRUE(fails_with(store_->update_catalog_item(catalog, a.workspace, 999, "Gamma", {}), ErrorCode::NotFound));
  }
}

TEST_P(StoreContract, DeletedCatalogItemsAreFoundOnlyWithIncludeDeleted) {
  const Org a = make_org("a.test");
  for (Catalog catalog : kCatalogs) {
    SCOPED_TRACE(catalog_name(catalog));
    const CatalogItem acme = item(catalog, a, "Acme");
    ASSERT_TRUE(succeeded(store_->set_catalog_item_deleted(catalog, a.workspace, acme.id, true)));
    EXPECT_TRUE(fails_with(store_->find_catalog_item(catalog, a.workspace, acme.id, false), ErrorCode::NotFound));
    EXPECT_TRUE(must(store_->find_catalog_item(catalog, a.workspace, acme.id, true)).deleted_at.has_value());
    EXPECT_EQ(must(store_->list_catalog_items({.catalog = catalog, .workspace_id = a.workspace})).total, 0);
    EXPECT_TRUE(
        fails_with(store_->update_catalog_item(catalog, a.workspace, acme.id, "Acme 2", {}), ErrorCode::NotFound));
    // store.h: "deleted items are found only with include_deleted": deleting one again finds nothing.
    EXPECT_TRUE(fails_with(store_->set_catalog_item_deleted(catalog, a.workspace, acme.id, true), ErrorCode::NotFound));

    ASSERT_TRUE(succeeded(store_->set_catalog_item_deleted(catalog, a.workspace, acme.id, false)));
    EXPECT_FALSE(must(store_->find_catalog_item(catalog, a.workspace, acme.id, false)).deleted_at.has_value());
    EXPECT_TRUE(succeeded(store_->set_catalog_item_deleted(catalog, a.workspace, acme.id, false)));  // restored twice
    EXPECT_EQ(must(store_->list_catalog_items({.catalog = catalog, .workspace_id = a.workspace})).total, 1);
  }
}

TEST_P(StoreContract, RestoringACatalogItemIntoATakenNameConflicts) {
  const Org a = make_org("a.test");
  for (Catalog catalog : kCatalogs) {
    SCOPED_TRACE(catalog_name(catalog));
    const CatalogItem first = item(catalog, a, "Acme");
    ASSERT_TRUE(succeeded(store_->set_catalog_item_deleted(catalog, a.workspace, first.id, true)));
    item(catalog, a, "acme");
    EXPECT_TRUE(
        fails_with(store_->set_catalog_item_deleted(catalog, a.workspace, first.id, false), ErrorCode::Conflict));
    EXPECT_TRUE(must(store_->find_catalog_item(catalog, a.workspace, first.id, true)).deleted_at.has_value());
  }
}

TEST_P(StoreContract, CatalogListsOrderByNameIgnoringCaseAndPage) {
  const Org a = make_org("a.test");
  for (Catalog catalog : kCatalogs) {
    SCOPED_TRACE(catalog_name(catalog));
    for (const char* name : {"beta", "Alpha", "gamma"}) item(catalog, a, name);
    const CatalogItem gone = item(catalog, a, "delta");
    ASSERT_TRUE(succeeded(store_->set_catalog_item_deleted(catalog, a.workspace, gone.id, true)));
    const CatalogQuery all{.catalog = catalog, .workspace_id = a.workspace};

    const CatalogList list = must(store_->list_catalog_items(all));
    EXPECT_EQ(names(list.items), (std::vector<std::string>{"Alpha", "beta", "gamma"}));
    EXPECT_EQ(list.total, 3);
    CatalogQuery descending = all;
    descending.order = {{"name", true}};
    EXPECT_EQ(names(must(store_->list_catalog_items(descending)).items),
              (std::vector<std::string>{"gamma", "beta", "Alpha"}));
    CatalogQuery second_page = all;
    second_page.page = {2, 2};
    const CatalogList page = must(store_->list_catalog_items(second_page));
    EXPECT_EQ(names(page.items), std::vector<std::string>{"gamma"});
    EXPECT_EQ(page.total, 3);  // the total is of every page
  }
}

TEST_P(StoreContract, CatalogListsFilterByNameAndIdsWithinTheWorkspace) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  for (Catalog catalog : kCatalogs) {
    SCOPED_TRACE(catalog_name(catalog));
    item(catalog, a, "Alpha");
    const CatalogItem beta = item(catalog, a, "beta");
    const CatalogItem gamma = item(catalog, a, "Gamma");
    item(catalog, a, "Alphabet");
    item(catalog, b, "Alpha of b");
    CatalogQuery by_name{.catalog = catalog, .workspace_id = a.workspace, .name = "ALPHA"};
    const CatalogList named = must(store_->list_catalog_items(by_name));
    EXPECT_EQ(names(named.items), (std::vector<std::string>{"Alpha", "Alphabet"}));
    EXPECT_EQ(named.total, 2);
    CatalogQuery by_ids{.catalog = catalog, .workspace_id = a.workspace, .ids = {gamma.id, beta.id}};
    EXPECT_EQ(names(must(store_->list_catalog_items(by_ids)).items), (std::vector<std::string>{"beta", "Gamma"}));
  }
}

// ---- projects ----

TEST_P(StoreContract, CreateProjectRoundTripsItsFieldsAndMakesTheCreatorManager) {
  const Org a = make_org("a.test");
  const CatalogItem client = item(Catalog::Clients, a, "Client", "USD");
  const CatalogItem red = item(Catalog::Tags, a, "red");
  const CatalogItem blue = item(Catalog::Tags, a, "blue");
  const ProjectFields fields{.name = "Apollo",
                             .client_id = client.id,
                             .color = "#06aaf5",
                             .description = "to the moon",
                             .start_date = "2026-01-01",
                             .end_date = "2026-12-31",
                             .estimated_mins = 600,
                             .fixed_fee = FixedFee{1500.5, "EUR"},
                             .is_private = true,
                             .billable = true,
                             .auto_compute_estimates = true,
                             .tag_ids = {blue.id, red.id}};
  const ProjectRecord p = must(store_->create_project(a.workspace, a.bob, fields, true, kAnyPlace));
  EXPECT_GT(p.id, 0);
  EXPECT_EQ(p.workspace_id, a.workspace);
  EXPECT_EQ(p.fields.name, "Apollo");
  EXPECT_EQ(p.fields.client_id, client.id);
  EXPECT_EQ(p.client_name, "Client");
  EXPECT_EQ(p.fields.color, "#06aaf5");
  EXPECT_EQ(p.fields.description, "to the moon");
  EXPECT_EQ(p.fields.start_date, "2026-01-01");
  EXPECT_EQ(p.fields.end_date, "2026-12-31");
  EXPECT_EQ(p.fields.estimated_mins, 600);
  ASSERT_TRUE(p.fields.fixed_fee.has_value());
  EXPECT_EQ(p.fields.fixed_fee->amount, 1500.5);
  EXPECT_EQ(p.fields.fixed_fee->currency, "EUR");
  EXPECT_FALSE(p.fields.parent_project_id.has_value());
  EXPECT_TRUE(p.fields.is_private);
  EXPECT_TRUE(p.fields.billable);
  EXPECT_TRUE(p.fields.auto_compute_estimates);
  EXPECT_EQ(sorted(p.fields.tag_ids), sorted({red.id, blue.id}));
  EXPECT_EQ(sorted(ids(p.tags)), sorted({red.id, blue.id}));
  EXPECT_TRUE(p.active);
  EXPECT_FALSE(p.archived_at.has_value());
  EXPECT_FALSE(p.deleted_at.has_value());
  EXPECT_EQ(p.creator_id, a.bob.user_id);
  EXPECT_FALSE(p.created_at.empty());
  EXPECT_TRUE(p.pinned);
  EXPECT_EQ(p.viewer_role, ProjectRole::Manager);
  EXPECT_EQ(p.task_estimated_mins, 0);

  const ProjectMembers members = must(store_->project_members(p.id));
  EXPECT_EQ(member_rows(members.users), member_rows({{a.bob.user_id, true, 1}}));
  EXPECT_TRUE(members.groups.empty());
  EXPECT_EQ(must(store_->find_project(a.workspace, p.id, a.bob, false)), p);  // as it reads back, field for field
  const ProjectRecord plain = must(
      store_->create_project(a.workspace, a.owner, {.name = "Plain", .parent_project_id = p.id}, false, kAnyPlace));
  EXPECT_EQ(must(store_->find_project(a.workspace, plain.id, a.owner, false)), plain);
  EXPECT_FALSE(must(store_->find_project(a.workspace, p.id, a.owner, false)).pinned);  // pinned for its creator only
}

TEST_P(StoreContract, ProjectNamesAreUniqueAmongLiveProjectsIgnoringCase) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  const ProjectRecord apollo = project(a, a.owner, {.name = "Apollo"});
  EXPECT_TRUE(fails_with(store_->create_project(a.workspace, a.owner, {.name = "APOLLO"}, false, kAnyPlace),
                         ErrorCode::Conflict));
  EXPECT_TRUE(succeeded(store_->create_project(b.workspace, b.owner, {.name = "Apollo"}, false, kAnyPlace)));
  const ProjectRecord gemini = project(a, a.owner, {.name = "Gemini"});
  EXPECT_TRUE(
      fails_with(store_->update_project(a.workspace, gemini.id, a.owner, {.name = "apollo"}, std::nullopt, kAnyPlace),
                 ErrorCode::Conflict));
  EXPECT_EQ(must(store_->find_project(a.workspace, gemini.id, a.owner, false)).fields.name, "Gemini");
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, apollo.id, true, kAnyPlace)));
  EXPECT_TRUE(succeeded(store_->create_project(a.workspace, a.owner, {.name = "apollo"}, false, kAnyPlace)));
}

TEST_P(StoreContract, CreateProjectChecksItsReferencesAndWritesNothingOnError) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  const auto cases = bad_project_references(a, b);
  const ProjectQuery everything{.workspace_id = a.workspace, .viewer = a.owner, .archived = ArchivedFilter::All};
  const std::int64_t before = must(store_->list_projects(everything)).total;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    EXPECT_TRUE(invalid_field(store_->create_project(a.workspace, a.bob, c.fields, false, kAnyPlace), c.field));
  }
  EXPECT_EQ(must(store_->list_projects(everything)).total, before);
}

TEST_P(StoreContract, UpdateProjectChecksItsReferencesAndWritesNothingOnError) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  const auto cases = bad_project_references(a, b);
  const ProjectRecord mine = project(a, a.bob, {.name = "Mine"});
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    EXPECT_TRUE(
        invalid_field(store_->update_project(a.workspace, mine.id, a.bob, c.fields, std::nullopt, kAnyPlace), c.field));
    EXPECT_EQ(must(store_->find_project(a.workspace, mine.id, a.bob, false)).fields.name, "Mine");
  }
}

TEST_P(StoreContract, PrivateProjectsAreSeenByTheirMembersAndThoseWhoSeeAll) {
  const Org a = make_org("a.test");
  const Viewer dave = member_of(a, "dave");
  const GroupRecord team = group(a, "Team", {dave.user_id});
  const ProjectRecord open = project(a, a.owner, {.name = "Open"});
  const ProjectRecord closed = project(a, a.owner, {.name = "Closed", .is_private = true});
  const ProjectRecord grouped = project(a, a.owner, {.name = "Grouped", .is_private = true});
  add_members(a, closed.id, {a.bob.user_id}, {}, false);
  add_members(a, grouped.id, {}, {team.id}, false);
  struct Case {
    const char* reason;
    const ProjectRecord& project;
    const Viewer& viewer;
    bool visible;
  } const cases[] = {
      {"a public project, any member", open, a.carol, true},
      {"a private project, its member", closed, a.bob, true},
      {"a private project, one who sees all", closed, a.owner, true},
      {"a private project, a non-member", closed, a.carol, false},
      {"a private project, through a group", grouped, dave, true},
      {"a private project, outside its group", grouped, a.bob, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    EXPECT_EQ(sees(a, c.viewer, c.project.id), c.visible);
  }
  EXPECT_TRUE(fails_with(store_->find_project(a.workspace, closed.id, a.carol, true), ErrorCode::NotFound));
}

// Every kind of viewer against a public and a private project: the store
// shows a project exactly when domain::can_see says so, and reports the role
// the test gave the viewer. The roles come from the setup, not from the store.
TEST_P(StoreContract, VisibilityOfProjectsIsTheDomainsRule) {
  const Org a = make_org("a.test");
  const Viewer admin{join(a.id, "admin@a.test", "", OrgRole::Admin), true};
  const Viewer dave = member_of(a, "dave");
  const Viewer erin = member_of(a, "erin");
  const Viewer frank = member_of(a, "frank");
  const GroupRecord members = group(a, "Members", {dave.user_id});
  const GroupRecord managers = group(a, "Managers", {erin.user_id});
  const Seat seats[] = {
      {"the owner, its creator", a.owner, ProjectRole::Manager},
      {"an admin", admin, ProjectRole::None},
      {"a direct member", a.bob, ProjectRole::Member},
      {"a direct manager", a.carol, ProjectRole::Manager},
      {"a member through a group", dave, ProjectRole::Member},
      {"a manager through a group", erin, ProjectRole::Manager},
      {"a member of the organization only", frank, ProjectRole::None},
  };
  int hidden = 0;
  for (const bool is_private : {false, true}) {
    const ProjectRecord p = project(a, a.owner, {.name = is_private ? "Private" : "Public", .is_private = is_private});
    add_members(a, p.id, {a.bob.user_id}, {members.id}, false);
    add_members(a, p.id, {a.carol.user_id}, {managers.id}, true);
    for (const auto& seat : seats) {
      SCOPED_TRACE(std::string(seat.who) + (is_private ? ", private" : ", public"));
      const bool visible = domain::can_see(seat.viewer, seat.role, is_private);
      hidden += visible ? 0 : 1;
      ASSERT_EQ(sees(a, seat.viewer, p.id), visible);
      const auto with_access = find_with_access(seat.viewer.user_id, a.workspace, a.id, p.id, false);
      ASSERT_EQ(with_access.ok(), visible);
      if (visible) {
        EXPECT_EQ(must(store_->find_project(a.workspace, p.id, seat.viewer, false)).viewer_role, seat.role);
        EXPECT_EQ(with_access->project.viewer_role, seat.role);
        EXPECT_EQ(with_access->access.is_admin(), seat.viewer.sees_all);
      }
    }
  }
  EXPECT_EQ(hidden, 1);  // the rule hides something here: the private project from `frank`
}

// The same for tasks: every kind of viewer against tasks public and private,
// with and without a project, in a public and a private project. The facts of
// the task's project for the viewer come from the setup.
TEST_P(StoreContract, VisibilityOfTasksIsTheDomainsRule) {
  const Org a = make_org("a.test");
  const Viewer admin{join(a.id, "admin@a.test", "", OrgRole::Admin), true};
  const Viewer dave = member_of(a, "dave");
  const GroupRecord team = group(a, "Team", {dave.user_id});
  const ProjectRecord open = project(a, a.owner, {.name = "Open"});
  const ProjectRecord closed = project(a, a.owner, {.name = "Closed", .is_private = true});
  for (const auto& p : {open, closed}) add_members(a, p.id, {a.bob.user_id}, {team.id}, false);
  const Seat seats[] = {
      {"the owner", a.owner, ProjectRole::Manager},
      {"an admin", admin, ProjectRole::None},
      {"a project member", a.bob, ProjectRole::Member},
      {"a project member through a group", dave, ProjectRole::Member},
      {"a member of the organization only", a.carol, ProjectRole::None},
  };
  int hidden = 0;
  int shown = 0;
  for (const auto& creator : {a.bob, a.carol}) {
    for (const ProjectRecord* p : {static_cast<const ProjectRecord*>(nullptr), &open, &closed}) {
      if (creator.user_id == a.carol.user_id && p == &closed) continue;  // carol cannot see it to put a task there
      for (const bool is_private : {false, true}) {
        TaskFields fields{.name = "T" + std::to_string(hidden + shown), .is_private = is_private};
        if (p) fields.project_id = p->id;
        TaskRecord facts = task(a, creator, fields);
        facts.project_private = p != nullptr && p->fields.is_private;
        for (const auto& seat : seats) {
          SCOPED_TRACE(std::string(seat.who) + " sees " + (is_private ? "a private" : "a public") + " task of user " +
                       std::to_string(creator.user_id) + " in " + (p ? p->fields.name : std::string("no project")));
          facts.project_role = p ? seat.role : ProjectRole::None;
          const bool visible = domain::may_see_task(seat.viewer, facts);
          (visible ? shown : hidden) += 1;
          ASSERT_EQ(sees_task(a, seat.viewer, facts.id), visible);
        }
      }
    }
  }
  EXPECT_GT(hidden, 0);
  EXPECT_GT(shown, 0);
}

TEST_P(StoreContract, FindProjectIsNotFoundInAnotherWorkspaceOrOnceDeleted) {
  const Org a = make_org("a.test");
  const std::int64_t second = must(store_->create_workspace(a.id, "Second"));
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  EXPECT_TRUE(fails_with(store_->find_project(second, p.id, a.owner, true), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->find_project(a.workspace, 999, a.owner, true), ErrorCode::NotFound));
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, p.id, true, kAnyPlace)));
  EXPECT_TRUE(fails_with(store_->find_project(a.workspace, p.id, a.owner, false), ErrorCode::NotFound));
  EXPECT_TRUE(must(store_->find_project(a.workspace, p.id, a.owner, true)).deleted_at.has_value());
}

TEST_P(StoreContract, TheViewersProjectRoleIsTheStrongerOfDirectAndGroupRoles) {
  const Org a = make_org("a.test");
  const Viewer dave = member_of(a, "dave");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  add_members(a, p.id, {a.bob.user_id}, {}, false);
  auto role_of = [&](const Viewer& viewer) {
    return must(store_->find_project(a.workspace, p.id, viewer, false)).viewer_role;
  };
  EXPECT_EQ(role_of(a.owner), ProjectRole::Manager);
  EXPECT_EQ(role_of(a.bob), ProjectRole::Member);
  EXPECT_EQ(role_of(a.carol), ProjectRole::None);
  const GroupRecord team = group(a, "Team", {a.bob.user_id, a.carol.user_id});
  add_members(a, p.id, {}, {team.id}, true);
  EXPECT_EQ(role_of(a.bob), ProjectRole::Manager);  // member directly, manager through the group
  EXPECT_EQ(role_of(a.carol), ProjectRole::Manager);
  EXPECT_EQ(role_of(dave), ProjectRole::None);
}

TEST_P(StoreContract, ListProjectsFiltersByEveryQueryField) {
  const Org a = make_org("a.test");
  const CatalogItem c1 = item(Catalog::Clients, a, "C1");
  const CatalogItem c2 = item(Catalog::Clients, a, "C2");
  const CatalogItem t1 = item(Catalog::Tags, a, "T1");
  const CatalogItem t2 = item(Catalog::Tags, a, "T2");
  const ProjectRecord alpha = project(
      a, a.owner,
      {.name = "Alpha", .client_id = c1.id, .start_date = "2026-01-01", .end_date = "2026-03-31", .tag_ids = {t1.id}});
  const ProjectRecord beta = project(
      a, a.bob,
      {.name = "Beta", .start_date = "2026-06-01", .end_date = "2026-08-31", .is_private = true, .tag_ids = {t2.id}});
  const ProjectRecord gamma = project(a, a.owner, {.name = "Gamma"});
  const ProjectRecord delta =
      project(a, a.owner, {.name = "Delta", .client_id = c2.id, .start_date = "2026-02-01", .end_date = "2026-02-28"});
  const ProjectRecord epsilon = project(a, a.owner, {.name = "Epsilon"});
  ASSERT_TRUE(succeeded(store_->set_project_archived(a.workspace, gamma.id, true)));
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, epsilon.id, true, kAnyPlace)));
  ASSERT_TRUE(succeeded(store_->set_project_pinned(beta.id, a.owner.user_id, true)));

  using Names = std::vector<std::string>;
  struct Case {
    const char* reason;
    std::function<void(ProjectQuery&)> narrow;
    Names expected;
  } const cases[] = {
      {"live and active by default", [](ProjectQuery&) {}, {"Alpha", "Beta", "Delta"}},
      {"archived only", [](ProjectQuery& q) { q.archived = ArchivedFilter::Archived; }, {"Gamma"}},
      {"archived or not",
       [](ProjectQuery& q) { q.archived = ArchivedFilter::All; },
       {"Alpha", "Beta", "Delta", "Gamma"}},
      {"pinned by the viewer", [](ProjectQuery& q) { q.pinned = true; }, {"Beta"}},
      {"not pinned by the viewer", [](ProjectQuery& q) { q.pinned = false; }, {"Alpha", "Delta"}},
      {"private", [](ProjectQuery& q) { q.is_private = true; }, {"Beta"}},
      {"public", [](ProjectQuery& q) { q.is_private = false; }, {"Alpha", "Delta"}},
      {"a name substring in another case", [](ProjectQuery& q) { q.name = "ELT"; }, {"Delta"}},
      {"a two-letter name substring", [](ProjectQuery& q) { q.name = "lT"; }, {"Delta"}},
      {"a one-letter name substring", [](ProjectQuery& q) { q.name = "A"; }, {"Alpha", "Beta", "Delta"}},
      {"a client", [&](ProjectQuery& q) { q.client_ids = {c1.id}; }, {"Alpha"}},
      {"a creator", [&](ProjectQuery& q) { q.creator_ids = {a.bob.user_id}; }, {"Beta"}},
      {"a tag", [&](ProjectQuery& q) { q.tag_ids = {t2.id}; }, {"Beta"}},
      {"projects by id",
       [&](ProjectQuery& q) {
         q.project_ids = {delta.id, alpha.id};
       },
       {"Alpha", "Delta"}},
      {"what a member can access", [&](ProjectQuery& q) { q.user_ids = {a.carol.user_id}; }, {"Alpha", "Delta"}},
      {"what a project's member can access",
       [&](ProjectQuery& q) { q.user_ids = {a.bob.user_id}; },
       {"Alpha", "Beta", "Delta"}},
      // records.h does not define the dates; SQLite keeps projects ending on or after start_date...
      {"ending on or after start_date", [](ProjectQuery& q) { q.start_date = "2026-03-01"; }, {"Alpha", "Beta"}},
      // ...and starting on or before end_date.
      {"starting on or before end_date", [](ProjectQuery& q) { q.end_date = "2026-01-31"; }, {"Alpha"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    ProjectQuery query{.workspace_id = a.workspace, .viewer = a.owner};
    c.narrow(query);
    const ProjectList list = must(store_->list_projects(query));
    EXPECT_EQ(names(list.items), c.expected);
    EXPECT_EQ(list.total, static_cast<std::int64_t>(c.expected.size()));
  }
}

TEST_P(StoreContract, ListProjectsOrdersByNameIgnoringCaseAndPages) {
  const Org a = make_org("a.test");
  for (const char* name : {"beta", "Alpha", "gamma"}) project(a, a.owner, {.name = name});
  const ProjectQuery all{.workspace_id = a.workspace, .viewer = a.owner};
  EXPECT_EQ(project_names(all), (std::vector<std::string>{"Alpha", "beta", "gamma"}));
  ProjectQuery descending = all;
  descending.order = {{"name", true}};
  EXPECT_EQ(project_names(descending), (std::vector<std::string>{"gamma", "beta", "Alpha"}));
  ProjectQuery second_page = all;
  second_page.page = {2, 2};
  const ProjectList page = must(store_->list_projects(second_page));
  EXPECT_EQ(names(page.items), std::vector<std::string>{"gamma"});
  EXPECT_EQ(page.total, 3);
  ProjectQuery past_the_end = all;
  past_the_end.page = {5, 2};
  const ProjectList empty = must(store_->list_projects(past_the_end));
  EXPECT_TRUE(empty.items.empty());
  EXPECT_EQ(empty.total, 3) << "a page past the end still counts every match";
  ProjectQuery pinned_only = all;
  pinned_only.pinned = true;
  EXPECT_EQ(must(store_->list_projects(pinned_only)).total, 0);
}

// A store may index names lazily (SQLite: in batches of a few hundred); a
// name search must find every project, created before or after the batch,
// renamed or deleted on either side of it.
TEST_P(StoreContract, ANameSearchFindsProjectsWhetherTheirNamesAreIndexedYetOrNot) {
  const Org a = make_org("a.test");
  std::vector<ProjectRecord> needles;
  for (int i = 0; i < 650; ++i) {
    const ProjectRecord created =
        project(a, a.owner, {.name = (i % 100 == 7 ? "Needle " : "Hay ") + std::to_string(i)});
    if (i % 100 == 7) needles.push_back(created);
  }
  ProjectQuery search{.workspace_id = a.workspace, .viewer = a.owner};
  search.name = "EEDL";
  search.page = {1, 200};
  EXPECT_EQ(project_names(search), (std::vector<std::string>{"Needle 107", "Needle 207", "Needle 307", "Needle 407",
                                                             "Needle 507", "Needle 607", "Needle 7"}));
  for (const ProjectRecord& needle : {needles.front(), needles.back()}) {  // the oldest and the newest
    ProjectFields renamed = needle.fields;
    renamed.name = "Pin " + std::to_string(needle.id);
    must(store_->update_project(a.workspace, needle.id, a.owner, renamed, std::nullopt, kAnyPlace));
  }
  EXPECT_TRUE(succeeded(store_->set_project_deleted(a.workspace, needles[2].id, true, kAnyPlace)));
  EXPECT_EQ(project_names(search), (std::vector<std::string>{"Needle 107", "Needle 307", "Needle 407", "Needle 507"}));
  search.name = "pin ";
  EXPECT_EQ(project_names(search).size(), 2u);
}

TEST_P(StoreContract, CreateProjectAsksTheTreeRuleOnlyWhenItNamesAParent) {
  const Org a = make_org("a.test");
  TreeRuleSpy spy;
  const ProjectRecord root = must(store_->create_project(a.workspace, a.owner, {.name = "Root"}, false, spy.rule()));
  EXPECT_TRUE(spy.asked.empty());
  const ProjectRecord child = must(
      store_->create_project(a.workspace, a.owner, {.name = "Child", .parent_project_id = root.id}, false, spy.rule()));
  EXPECT_EQ(child.fields.parent_project_id, root.id);
  must(store_->create_project(a.workspace, a.owner, {.name = "Grandchild", .parent_project_id = child.id}, false,
                              spy.rule()));
  ASSERT_EQ(spy.asked.size(), 2u);
  EXPECT_EQ(spy.asked[0].project_id, 0);
  EXPECT_EQ(spy.asked[0].ancestors, std::vector<std::int64_t>{root.id});
  EXPECT_EQ(spy.asked[0].height, 0);
  EXPECT_EQ(spy.asked[1].ancestors, (std::vector<std::int64_t>{child.id, root.id}));  // the parent first

  spy.answer = refusal("the tree");
  auto refused = store_->create_project(a.workspace, a.owner, {.name = "Too deep", .parent_project_id = child.id},
                                        false, spy.rule());
  ASSERT_TRUE(fails_with(refused, ErrorCode::Forbidden));
  EXPECT_EQ(refused.error().description, "the tree says no");
  EXPECT_EQ(must(store_->list_projects({.workspace_id = a.workspace, .viewer = a.owner})).total, 3);
}

TEST_P(StoreContract, UpdateProjectAsksTheTreeRuleWithTheHeightOfItsSubtreeDeletedIncluded) {
  const Org a = make_org("a.test");
  const ProjectRecord top = project(a, a.owner, {.name = "Top"});
  const ProjectRecord middle = project(a, a.owner, {.name = "Middle", .parent_project_id = top.id});
  const ProjectRecord bottom = project(a, a.owner, {.name = "Bottom", .parent_project_id = middle.id});
  const ProjectRecord other = project(a, a.owner, {.name = "Other"});
  TreeRuleSpy spy;
  spy.answer = refusal("the tree");
  const ProjectFields moved{.name = "Top moved", .parent_project_id = other.id};
  EXPECT_TRUE(fails_with(store_->update_project(a.workspace, top.id, a.owner, moved, std::nullopt, spy.rule()),
                         ErrorCode::Forbidden));
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, bottom.id, true, kAnyPlace)));
  EXPECT_TRUE(fails_with(store_->update_project(a.workspace, top.id, a.owner, moved, std::nullopt, spy.rule()),
                         ErrorCode::Forbidden));
  ASSERT_EQ(spy.asked.size(), 2u);
  for (const TreePlacement& placement : spy.asked) {
    EXPECT_EQ(placement.project_id, top.id);
    EXPECT_EQ(placement.ancestors, std::vector<std::int64_t>{other.id});
    EXPECT_EQ(placement.height, 2);  // Bottom counts though deleted: a restore brings it back
  }
  const ProjectRecord unchanged = must(store_->find_project(a.workspace, top.id, a.owner, false));
  EXPECT_EQ(unchanged.fields.name, "Top");
  EXPECT_FALSE(unchanged.fields.parent_project_id.has_value());

  spy.answer = Ok{};
  const ProjectRecord updated =
      must(store_->update_project(a.workspace, top.id, a.owner, moved, std::nullopt, spy.rule()));
  EXPECT_EQ(updated.fields.parent_project_id, other.id);
  EXPECT_EQ(updated.fields.name, "Top moved");
}

TEST_P(StoreContract, UpdateProjectReplacesFieldsAndTagsAndPinsOnlyWhenAsked) {
  const Org a = make_org("a.test");
  const CatalogItem red = item(Catalog::Tags, a, "red");
  const CatalogItem blue = item(Catalog::Tags, a, "blue");
  const ProjectRecord p = must(store_->create_project(
      a.workspace, a.bob, {.name = "Apollo", .description = "old", .billable = true, .tag_ids = {red.id}}, true,
      kAnyPlace));
  const ProjectRecord updated = must(
      store_->update_project(a.workspace, p.id, a.bob, {.name = "Artemis", .color = "#ff0000", .tag_ids = {blue.id}},
                             std::nullopt, kAnyPlace));
  EXPECT_EQ(updated.id, p.id);
  EXPECT_EQ(updated.fields.name, "Artemis");
  EXPECT_EQ(updated.fields.color, "#ff0000");
  EXPECT_FALSE(updated.fields.description.has_value());  // replaced, not merged
  EXPECT_FALSE(updated.fields.billable);
  EXPECT_EQ(updated.fields.tag_ids, std::vector<std::int64_t>{blue.id});
  EXPECT_TRUE(updated.pinned);  // no pinned given: left as it was
  EXPECT_EQ(updated.creator_id, a.bob.user_id);
  EXPECT_FALSE(must(store_->update_project(a.workspace, p.id, a.bob, {.name = "Artemis"}, false, kAnyPlace)).pinned);
  EXPECT_TRUE(fails_with(store_->update_project(a.workspace, 999, a.bob, {.name = "X"}, std::nullopt, kAnyPlace),
                         ErrorCode::NotFound));
}

TEST_P(StoreContract, UpdateProjectIsNotFoundForAViewerWhoDoesNotSeeIt) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Secret", .is_private = true});
  EXPECT_TRUE(
      fails_with(store_->update_project(a.workspace, p.id, a.carol, {.name = "Mine now"}, std::nullopt, kAnyPlace),
                 ErrorCode::NotFound));
  EXPECT_EQ(must(store_->find_project(a.workspace, p.id, a.owner, false)).fields.name, "Secret");
}

TEST_P(StoreContract, AProjectListsOnlyItsLiveTags) {
  const Org a = make_org("a.test");
  const CatalogItem red = item(Catalog::Tags, a, "red");
  const CatalogItem blue = item(Catalog::Tags, a, "blue");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo", .tag_ids = {red.id, blue.id}});
  ASSERT_TRUE(succeeded(store_->set_catalog_item_deleted(Catalog::Tags, a.workspace, blue.id, true)));
  const ProjectRecord found = must(store_->find_project(a.workspace, p.id, a.owner, false));
  EXPECT_EQ(ids(found.tags), std::vector<std::int64_t>{red.id});
  EXPECT_EQ(found.fields.tag_ids, std::vector<std::int64_t>{red.id});
  EXPECT_EQ(names(found.tags), std::vector<std::string>{"red"});
  const auto listed = must(store_->list_projects({.workspace_id = a.workspace, .viewer = a.owner})).items;
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].fields.tag_ids, std::vector<std::int64_t>{red.id});
}

TEST_P(StoreContract, ArchivingCascadesAndUnarchivingBringsBackOnlyWhatItArchived) {
  const Org a = make_org("a.test");
  const ProjectRecord top = project(a, a.owner, {.name = "Top"});
  const ProjectRecord middle = project(a, a.owner, {.name = "Middle", .parent_project_id = top.id});
  const ProjectRecord bottom = project(a, a.owner, {.name = "Bottom", .parent_project_id = middle.id});
  auto active = [&](const ProjectRecord& p) {
    return must(store_->find_project(a.workspace, p.id, a.owner, false)).active;
  };
  ASSERT_TRUE(succeeded(store_->set_project_archived(a.workspace, bottom.id, true)));
  ASSERT_TRUE(succeeded(store_->set_project_archived(a.workspace, top.id, true)));
  EXPECT_FALSE(active(top));
  EXPECT_FALSE(active(middle));
  EXPECT_FALSE(active(bottom));
  EXPECT_TRUE(must(store_->find_project(a.workspace, middle.id, a.owner, false)).archived_at.has_value());

  ASSERT_TRUE(succeeded(store_->set_project_archived(a.workspace, top.id, false)));
  EXPECT_TRUE(active(top));
  EXPECT_TRUE(active(middle));
  EXPECT_FALSE(active(bottom));  // archived by its own archiving, not by Top's
  EXPECT_FALSE(must(store_->find_project(a.workspace, middle.id, a.owner, false)).archived_at.has_value());
  EXPECT_EQ(project_names({.workspace_id = a.workspace, .viewer = a.owner, .archived = ArchivedFilter::Archived}),
            std::vector<std::string>{"Bottom"});
}

TEST_P(StoreContract, ArchivingIsNotFoundForAMissingOrDeletedProject) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, p.id, true, kAnyPlace)));
  EXPECT_TRUE(fails_with(store_->set_project_archived(a.workspace, 999, true), ErrorCode::NotFound));
  // store.h's convention, NotFound: "no such row visible to this call"; SQLite sees no deleted project.
  EXPECT_TRUE(fails_with(store_->set_project_archived(a.workspace, p.id, true), ErrorCode::NotFound));
  const std::int64_t second = must(store_->create_workspace(a.id, "Second"));
  const ProjectRecord q = project(a, a.owner, {.name = "Gemini"});
  EXPECT_TRUE(fails_with(store_->set_project_archived(second, q.id, true), ErrorCode::NotFound));
  EXPECT_TRUE(must(store_->find_project(a.workspace, q.id, a.owner, false)).active);
}

TEST_P(StoreContract, DeletingReachesEveryLevelAndRestoringBringsThemBack) {
  const Org a = make_org("a.test");
  constexpr int kLevels = 70;  // deeper than any limit a tree rule sets
  std::vector<std::int64_t> chain;
  for (int level = 0; level < kLevels; ++level) {
    ProjectFields fields{.name = "Level " + std::to_string(level)};
    if (!chain.empty()) fields.parent_project_id = chain.back();
    chain.push_back(project(a, a.owner, fields).id);
  }
  const ProjectQuery all{.workspace_id = a.workspace, .viewer = a.owner, .page = {1, 100}};
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, chain.front(), true, kAnyPlace)));
  EXPECT_EQ(must(store_->list_projects(all)).total, 0);
  EXPECT_TRUE(fails_with(store_->find_project(a.workspace, chain.back(), a.owner, false), ErrorCode::NotFound));
  EXPECT_TRUE(must(store_->find_project(a.workspace, chain.back(), a.owner, true)).deleted_at.has_value());
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, chain.front(), false, kAnyPlace)));
  EXPECT_EQ(must(store_->list_projects(all)).total, kLevels);
}

TEST_P(StoreContract, RestoringBringsBackOnlyWhatItsOwnDeletionDeleted) {
  const Org a = make_org("a.test");
  const ProjectRecord top = project(a, a.owner, {.name = "Top"});
  const ProjectRecord middle = project(a, a.owner, {.name = "Middle", .parent_project_id = top.id});
  const ProjectRecord bottom = project(a, a.owner, {.name = "Bottom", .parent_project_id = middle.id});
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, bottom.id, true, kAnyPlace)));
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, top.id, true, kAnyPlace)));
  EXPECT_FALSE(sees(a, a.owner, middle.id));
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, top.id, false, kAnyPlace)));
  EXPECT_TRUE(sees(a, a.owner, top.id));
  EXPECT_TRUE(sees(a, a.owner, middle.id));
  EXPECT_FALSE(sees(a, a.owner, bottom.id));  // deleted on its own before
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, bottom.id, false, kAnyPlace)));
  EXPECT_TRUE(sees(a, a.owner, bottom.id));
}

TEST_P(StoreContract, RestoringConflictsWhileTheParentIsDeletedOrANameIsTakenAgain) {
  const Org a = make_org("a.test");
  const ProjectRecord top = project(a, a.owner, {.name = "Top"});
  const ProjectRecord below = project(a, a.owner, {.name = "Below", .parent_project_id = top.id});
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, top.id, true, kAnyPlace)));
  struct Case {
    const char* reason;
    std::int64_t restored;
    const char* taken;  // a live project of this name is created first
  } const cases[] = {
      {"its parent is still deleted", below.id, nullptr},
      {"a descendant's name is taken again", top.id, "BELOW"},
      {"its own name is taken again", top.id, "top"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    std::optional<ProjectRecord> taker;
    if (c.taken) taker = project(a, a.owner, {.name = c.taken});
    EXPECT_TRUE(
        fails_with(store_->set_project_deleted(a.workspace, c.restored, false, kAnyPlace), ErrorCode::Conflict));
    EXPECT_FALSE(sees(a, a.owner, top.id));
    EXPECT_FALSE(sees(a, a.owner, below.id));
    if (taker) {
      ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, taker->id, true, kAnyPlace)));
    }
  }
}

TEST_P(StoreContract, RestoringAsksTheTreeRuleWhichMayRefuse) {
  const Org a = make_org("a.test");
  const ProjectRecord root = project(a, a.owner, {.name = "Root"});
  const ProjectRecord middle = project(a, a.owner, {.name = "Middle", .parent_project_id = root.id});
  const ProjectRecord leaf = project(a, a.owner, {.name = "Leaf", .parent_project_id = middle.id});
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, middle.id, true, kAnyPlace)));
  TreeRuleSpy spy;
  spy.answer = refusal("the tree");
  EXPECT_TRUE(fails_with(store_->set_project_deleted(a.workspace, middle.id, false, spy.rule()), ErrorCode::Forbidden));
  ASSERT_EQ(spy.asked.size(), 1u);
  EXPECT_EQ(spy.asked[0].project_id, middle.id);
  EXPECT_EQ(spy.asked[0].ancestors, std::vector<std::int64_t>{root.id});
  EXPECT_EQ(spy.asked[0].height, 1);
  EXPECT_FALSE(sees(a, a.owner, middle.id));
  EXPECT_FALSE(sees(a, a.owner, leaf.id));
  spy.answer = Ok{};
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, middle.id, false, spy.rule())));
  EXPECT_TRUE(sees(a, a.owner, middle.id));
  EXPECT_TRUE(sees(a, a.owner, leaf.id));
}

TEST_P(StoreContract, DeletingIsNotFoundTwiceAndRestoringALiveProjectChangesNothing) {
  const Org a = make_org("a.test");
  const std::int64_t second = must(store_->create_workspace(a.id, "Second"));
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  EXPECT_TRUE(fails_with(store_->set_project_deleted(a.workspace, 999, true, kAnyPlace), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->set_project_deleted(second, p.id, true, kAnyPlace), ErrorCode::NotFound));
  EXPECT_TRUE(sees(a, a.owner, p.id));
  // store.h does not say; SQLite: restoring a live project is OK and changes nothing...
  EXPECT_TRUE(succeeded(store_->set_project_deleted(a.workspace, p.id, false, kAnyPlace)));
  EXPECT_TRUE(sees(a, a.owner, p.id));
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, p.id, true, kAnyPlace)));
  // ...and deleting a deleted one is NotFound.
  EXPECT_TRUE(fails_with(store_->set_project_deleted(a.workspace, p.id, true, kAnyPlace), ErrorCode::NotFound));
}

TEST_P(StoreContract, PinsArePerUserAndIdempotent) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  project(a, a.owner, {.name = "Gemini"});
  ASSERT_TRUE(succeeded(store_->set_project_pinned(p.id, a.bob.user_id, true)));
  ASSERT_TRUE(succeeded(store_->set_project_pinned(p.id, a.bob.user_id, true)));
  EXPECT_TRUE(must(store_->find_project(a.workspace, p.id, a.bob, false)).pinned);
  EXPECT_FALSE(must(store_->find_project(a.workspace, p.id, a.owner, false)).pinned);
  EXPECT_EQ(project_names({.workspace_id = a.workspace, .viewer = a.bob, .pinned = true}),
            std::vector<std::string>{"Apollo"});
  ASSERT_TRUE(succeeded(store_->set_project_pinned(p.id, a.bob.user_id, false)));
  ASSERT_TRUE(succeeded(store_->set_project_pinned(p.id, a.bob.user_id, false)));
  EXPECT_FALSE(must(store_->find_project(a.workspace, p.id, a.bob, false)).pinned);
}

TEST_P(StoreContract, RelatedProjectsAreTheLiveOnesTheViewerSees) {
  const Org a = make_org("a.test");
  const ProjectRecord root = project(a, a.owner, {.name = "Root"});
  const ProjectRecord hidden =
      project(a, a.owner, {.name = "Hidden", .parent_project_id = root.id, .is_private = true});
  const ProjectRecord leaf = project(a, a.owner, {.name = "Leaf", .parent_project_id = hidden.id});
  project(a, a.owner, {.name = "Branch", .parent_project_id = root.id});
  const ProjectRecord gone = project(a, a.owner, {.name = "Gone", .parent_project_id = root.id});
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, gone.id, true, kAnyPlace)));
  using Names = std::vector<std::string>;
  auto related = [&](const ProjectRecord& p, const Viewer& viewer, Relation relation, const Ordering& order = {},
                     const Page& page = {}) {
    return names(must(store_->related_projects(a.workspace, p.id, viewer, relation, order, page)));
  };
  // store.h states no order for related_projects; SQLite orders by name as lists do.
  EXPECT_EQ(related(root, a.owner, Relation::Children), (Names{"Branch", "Hidden", "Leaf"}));
  EXPECT_EQ(related(root, a.carol, Relation::Children), (Names{"Branch", "Leaf"}));
  EXPECT_EQ(related(root, a.owner, Relation::Children, {{"name", true}}), (Names{"Leaf", "Hidden", "Branch"}));
  EXPECT_EQ(related(root, a.owner, Relation::Children, {}, {2, 1}), Names{"Hidden"});
  EXPECT_EQ(related(leaf, a.owner, Relation::Parents), (Names{"Hidden", "Root"}));
  EXPECT_EQ(related(leaf, a.carol, Relation::Parents), Names{"Root"});
  EXPECT_TRUE(related(root, a.owner, Relation::Parents).empty());
  EXPECT_TRUE(fails_with(store_->related_projects(a.workspace, hidden.id, a.carol, Relation::Children, {}, {}),
                         ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->related_projects(a.workspace, gone.id, a.owner, Relation::Parents, {}, {}),
                         ErrorCode::NotFound));
}

TEST_P(StoreContract, AProjectsTaskEstimateSumsItsLiveTasks) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  task(a, a.owner, {.name = "One", .project_id = p.id, .estimated_mins = 30});
  task(a, a.owner, {.name = "Two", .project_id = p.id, .estimated_mins = 45});
  const TaskRecord gone = task(a, a.owner, {.name = "Gone", .project_id = p.id, .estimated_mins = 100});
  task(a, a.owner, {.name = "Elsewhere", .estimated_mins = 1000});
  EXPECT_EQ(must(store_->find_project(a.workspace, p.id, a.owner, false)).task_estimated_mins, 175);
  ASSERT_TRUE(succeeded(store_->set_task_deleted(gone.id, true)));
  EXPECT_EQ(must(store_->find_project(a.workspace, p.id, a.owner, false)).task_estimated_mins, 75);
}

// ---- groups and project members ----

std::vector<std::pair<std::int64_t, std::string>> group_users(const GroupRecord& group) {
  std::vector<std::pair<std::int64_t, std::string>> users;
  for (const auto& u : group.users) users.emplace_back(u.user_id, u.display_name);
  std::sort(users.begin(), users.end());
  return users;
}

TEST_P(StoreContract, GroupsHoldTheirOrganizationsUsersAndWorkspaces) {
  const Org a = make_org("a.test");
  const GroupRecord created =
      must(store_->create_group(a.id, {"Team", "🚀", {a.carol.user_id, a.bob.user_id}, {a.workspace}}));
  EXPECT_GT(created.id, 0);
  EXPECT_EQ(created.organization_id, a.id);
  EXPECT_EQ(created.name, "Team");
  EXPECT_EQ(created.emoji, "🚀");
  EXPECT_FALSE(created.created_at.empty());
  // The display name is the fullname, or the email when there is none.
  EXPECT_EQ(group_users(created), (std::vector<std::pair<std::int64_t, std::string>>{
                                      {a.bob.user_id, "Bob"}, {a.carol.user_id, "carol@a.test"}}));
  for (const auto& u : created.users) EXPECT_GT(u.organization_user_id, 0);
  ASSERT_EQ(created.workspaces.size(), 1u);
  EXPECT_EQ(created.workspaces[0].workspace_id, a.workspace);
  EXPECT_FALSE(created.workspaces[0].name.empty());

  const auto of_bob = must(store_->groups_of_user(a.id, a.bob.user_id));
  ASSERT_EQ(of_bob.size(), 1u);
  EXPECT_EQ(of_bob[0].id, created.id);
  EXPECT_EQ(of_bob[0].users.size(), 2u);
  EXPECT_TRUE(must(store_->groups_of_user(a.id, a.owner.user_id)).empty());
}

TEST_P(StoreContract, OrganizationUsersAndGroupsAreTheOrganizationsOnly) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  const std::int64_t dave = join(a.id, "dave@a.test", "Dave", OrgRole::Admin);
  const auto users = must(store_->organization_users(a.id));
  std::vector<std::tuple<std::int64_t, std::string, std::string, OrgRole>> seen;
  std::set<std::int64_t> ids;
  for (const auto& u : users) {
    seen.emplace_back(u.user_id, u.email, u.fullname, u.role);
    ids.insert(u.id);
    EXPECT_GT(u.id, 0);
    EXPECT_FALSE(u.joined_at.empty());
  }
  // In the order they joined, each with its own organization user id.
  EXPECT_EQ(seen, (std::vector<std::tuple<std::int64_t, std::string, std::string, OrgRole>>{
                      {a.owner.user_id, "owner@a.test", "Owner", OrgRole::Owner},
                      {a.bob.user_id, "bob@a.test", "Bob", OrgRole::Member},
                      {a.carol.user_id, "carol@a.test", "", OrgRole::Member},
                      {dave, "dave@a.test", "Dave", OrgRole::Admin}}));
  EXPECT_EQ(ids.size(), users.size());
  EXPECT_TRUE(must(store_->organization_users(999999)).empty());

  const GroupRecord first = group(a, "First", {a.carol.user_id});
  const GroupRecord second = group(a, "Second", {});
  group(b, "Theirs", {b.bob.user_id});
  const auto groups = must(store_->organization_groups(a.id));
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].id, first.id);
  EXPECT_EQ(group_users(groups[0]),
            (std::vector<std::pair<std::int64_t, std::string>>{{a.carol.user_id, "carol@a.test"}}));
  EXPECT_EQ(groups[1].id, second.id);
  EXPECT_TRUE(groups[1].users.empty());
}

TEST_P(StoreContract, GroupsRefuseUsersAndWorkspacesOfAnotherOrganization) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  const GroupRecord team = group(a, "Team", {a.carol.user_id});
  struct Case {
    const char* reason;
    GroupInput input;
    const char* field;
  } const cases[] = {
      {"a user of another organization", {"Bad", "", {a.bob.user_id, b.bob.user_id}, {}}, "organization_users"},
      {"a workspace of another organization", {"Bad", "", {a.bob.user_id}, {b.workspace}}, "workspaces"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    EXPECT_TRUE(invalid_field(store_->create_group(a.id, c.input), c.field));
    EXPECT_TRUE(invalid_field(store_->update_group(a.id, team.id, c.input, kAnyManagers), c.field));
    EXPECT_TRUE(must(store_->groups_of_user(a.id, a.bob.user_id)).empty());  // nothing written
    const auto of_carol = must(store_->groups_of_user(a.id, a.carol.user_id));
    ASSERT_EQ(of_carol.size(), 1u);
    EXPECT_EQ(of_carol[0].name, "Team");
  }
}

TEST_P(StoreContract, UpdateGroupReplacesNameUsersAndWorkspaces) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  const GroupRecord team = must(store_->create_group(a.id, {"Team", "🚀", {a.bob.user_id}, {a.workspace}}));
  const GroupRecord updated =
      must(store_->update_group(a.id, team.id, {"Renamed", "", {a.carol.user_id}, {}}, kAnyManagers));
  EXPECT_EQ(updated.id, team.id);
  EXPECT_EQ(updated.name, "Renamed");
  EXPECT_EQ(updated.emoji, "");
  EXPECT_EQ(group_users(updated),
            (std::vector<std::pair<std::int64_t, std::string>>{{a.carol.user_id, "carol@a.test"}}));
  EXPECT_TRUE(updated.workspaces.empty());
  EXPECT_TRUE(must(store_->groups_of_user(a.id, a.bob.user_id)).empty());
  EXPECT_EQ(must(store_->groups_of_user(a.id, a.carol.user_id)).size(), 1u);
  EXPECT_TRUE(
      fails_with(store_->update_group(b.id, team.id, {"Stolen", "", {}, {}}, kAnyManagers), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->delete_group(b.id, team.id, kAnyManagers), ErrorCode::NotFound));
  EXPECT_TRUE(must(store_->groups_of_user(b.id, a.carol.user_id)).empty());
}

TEST_P(StoreContract, GroupWritesAskTheLastManagerRuleWhichMayRefuse) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  const GroupRecord team = group(a, "Team", {a.bob.user_id, a.carol.user_id});
  add_members(a, p.id, {}, {team.id}, true);
  ManagerRuleSpy spy;
  spy.answer = refusal("the last manager");

  EXPECT_TRUE(fails_with(store_->update_group(a.id, team.id, {"Smaller", "", {a.bob.user_id}, {}}, spy.rule()),
                         ErrorCode::Forbidden));
  ASSERT_EQ(spy.asked.size(), 1u);
  EXPECT_EQ(spy.asked[0].project_id, p.id);
  EXPECT_EQ(member_rows(spy.asked[0].before.groups), member_rows({{team.id, true, 2}}));
  EXPECT_EQ(member_rows(spy.asked[0].after.groups), member_rows({{team.id, true, 1}}));
  EXPECT_EQ(member_rows(spy.asked[0].after.users), member_rows({{a.owner.user_id, true, 1}}));
  const auto of_carol = must(store_->groups_of_user(a.id, a.carol.user_id));
  ASSERT_EQ(of_carol.size(), 1u);
  EXPECT_EQ(of_carol[0].name, "Team");  // the rename went back too

  EXPECT_TRUE(fails_with(store_->delete_group(a.id, team.id, spy.rule()), ErrorCode::Forbidden));
  ASSERT_EQ(spy.asked.size(), 2u);
  EXPECT_TRUE(spy.asked[1].after.groups.empty());
  EXPECT_EQ(member_rows(must(store_->project_members(p.id)).groups), member_rows({{team.id, true, 2}}));

  // Deleting a group deletes every project role it held.
  ASSERT_TRUE(succeeded(store_->delete_group(a.id, team.id, kAnyManagers)));
  EXPECT_TRUE(must(store_->project_members(p.id)).groups.empty());
  EXPECT_TRUE(must(store_->groups_of_user(a.id, a.bob.user_id)).empty());
  EXPECT_TRUE(fails_with(store_->delete_group(a.id, team.id, kAnyManagers), ErrorCode::NotFound));
}

TEST_P(StoreContract, AddUserToGroupFindsTheUserByEmailWithinTheOrganization) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  const GroupRecord team = group(a, "Team", {});
  ASSERT_TRUE(succeeded(store_->add_user_to_group(team.id, "bob@a.test")));
  ASSERT_TRUE(succeeded(store_->add_user_to_group(team.id, "bob@a.test")));  // once is enough
  const auto of_bob = must(store_->groups_of_user(a.id, a.bob.user_id));
  ASSERT_EQ(of_bob.size(), 1u);
  EXPECT_EQ(group_users(of_bob[0]), (std::vector<std::pair<std::int64_t, std::string>>{{a.bob.user_id, "Bob"}}));
  // store.h names no error for a user of another organization; SQLite: InvalidArgument naming email.
  EXPECT_TRUE(invalid_field(store_->add_user_to_group(team.id, "bob@b.test"), "email"));
  EXPECT_TRUE(fails_with(store_->add_user_to_group(team.id, "nobody@a.test"), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->add_user_to_group(999, "bob@a.test"), ErrorCode::NotFound));
  EXPECT_TRUE(must(store_->groups_of_user(b.id, b.bob.user_id)).empty());
}

TEST_P(StoreContract, ProjectMembersAreAddedReRoledAndRemoved) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  const GroupRecord team = group(a, "Team", {a.bob.user_id, a.carol.user_id});
  add_members(a, p.id, {a.bob.user_id, a.carol.user_id}, {team.id}, false);
  ProjectMembers members = must(store_->project_members(p.id));
  EXPECT_EQ(member_rows(members.users),
            member_rows({{a.owner.user_id, true, 1}, {a.bob.user_id, false, 1}, {a.carol.user_id, false, 1}}));
  EXPECT_EQ(member_rows(members.groups), member_rows({{team.id, false, 2}}));

  add_members(a, p.id, {a.bob.user_id}, {}, true);  // adding again re-roles
  members = must(store_->project_members(p.id));
  EXPECT_EQ(member_rows(members.users),
            member_rows({{a.owner.user_id, true, 1}, {a.bob.user_id, true, 1}, {a.carol.user_id, false, 1}}));

  ASSERT_TRUE(succeeded(store_->set_project_member_role(p.id, {a.bob.user_id, {}}, false, kAnyManagers)));
  ASSERT_TRUE(succeeded(store_->set_project_member_role(p.id, {{}, team.id}, true, kAnyManagers)));
  ASSERT_TRUE(succeeded(store_->remove_project_member(p.id, {a.carol.user_id, {}}, kAnyManagers)));
  members = must(store_->project_members(p.id));
  EXPECT_EQ(member_rows(members.users), member_rows({{a.owner.user_id, true, 1}, {a.bob.user_id, false, 1}}));
  EXPECT_EQ(member_rows(members.groups), member_rows({{team.id, true, 2}}));
  ASSERT_TRUE(succeeded(store_->remove_project_member(p.id, {{}, team.id}, kAnyManagers)));
  EXPECT_TRUE(must(store_->project_members(p.id)).groups.empty());
}

TEST_P(StoreContract, ProjectMembersMustBelongToTheWorkspacesOrganization) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  const GroupRecord b_team = group(b, "B team", {b.bob.user_id});
  EXPECT_TRUE(invalid_field(
      store_->add_project_members(a.workspace, p.id, {a.bob.user_id, b.bob.user_id}, {}, false, kAnyManagers),
      "user_ids"));
  EXPECT_TRUE(invalid_field(
      store_->add_project_members(a.workspace, p.id, {a.bob.user_id}, {b_team.id}, false, kAnyManagers), "group_ids"));
  EXPECT_EQ(member_rows(must(store_->project_members(p.id)).users), member_rows({{a.owner.user_id, true, 1}}));
}

TEST_P(StoreContract, RoleChangesOfNonMembersAreInvalid) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  const GroupRecord team = group(a, "Team", {a.bob.user_id});
  EXPECT_TRUE(
      invalid_field(store_->set_project_member_role(p.id, {a.carol.user_id, {}}, true, kAnyManagers), "user_id"));
  EXPECT_TRUE(invalid_field(store_->set_project_member_role(p.id, {{}, team.id}, true, kAnyManagers), "group_id"));
  // store.h says InvalidArgument for set_project_member_role only; SQLite answers remove the same way.
  EXPECT_TRUE(invalid_field(store_->remove_project_member(p.id, {a.carol.user_id, {}}, kAnyManagers), "user_id"));
  EXPECT_TRUE(invalid_field(store_->remove_project_member(p.id, {{}, team.id}, kAnyManagers), "group_id"));
  EXPECT_EQ(member_rows(must(store_->project_members(p.id)).users), member_rows({{a.owner.user_id, true, 1}}));
}

TEST_P(StoreContract, MemberWritesAskTheLastManagerRuleWhichMayRefuse) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  add_members(a, p.id, {a.bob.user_id}, {}, true);
  ManagerRuleSpy spy;
  ASSERT_TRUE(succeeded(store_->set_project_member_role(p.id, {a.owner.user_id, {}}, false, spy.rule())));
  ASSERT_EQ(spy.asked.size(), 1u);
  EXPECT_EQ(spy.asked[0].project_id, p.id);
  EXPECT_EQ(member_rows(spy.asked[0].before.users),
            member_rows({{a.owner.user_id, true, 1}, {a.bob.user_id, true, 1}}));
  EXPECT_EQ(member_rows(spy.asked[0].after.users),
            member_rows({{a.owner.user_id, false, 1}, {a.bob.user_id, true, 1}}));

  spy.answer = refusal("the last manager");
  EXPECT_TRUE(fails_with(store_->remove_project_member(p.id, {a.bob.user_id, {}}, spy.rule()), ErrorCode::Forbidden));
  EXPECT_EQ(spy.asked.back().after.users.size(), 1u);
  EXPECT_TRUE(
      fails_with(store_->set_project_member_role(p.id, {a.bob.user_id, {}}, false, spy.rule()), ErrorCode::Forbidden));
  EXPECT_TRUE(fails_with(store_->add_project_members(a.workspace, p.id, {a.carol.user_id}, {}, true, spy.rule()),
                         ErrorCode::Forbidden));
  EXPECT_EQ(spy.asked.size(), 4u);
  EXPECT_EQ(member_rows(must(store_->project_members(p.id)).users),
            member_rows({{a.owner.user_id, false, 1}, {a.bob.user_id, true, 1}}));
}

// ---- rates ----

TEST_P(StoreContract, RatesFormATimelineWithoutOverlaps) {
  const Org a = make_org("a.test");
  struct Step {
    bool clear;  // clear [from, to) instead of adding `rate` over it
    double rate;
    int from;
    std::optional<int> to;
  };
  auto row = [](double rate, int from, std::optional<int> to) { return RateRow{rate, month(from), month(to)}; };
  struct Case {
    const char* reason;
    std::vector<Step> steps;
    std::vector<RateRow> expected;  // store.h: "a timeline": SQLite lists it by start
  } const cases[] = {
      {"a later open rate cuts an earlier one short",
       {{false, 10, 1, {}}, {false, 20, 3, {}}},
       {row(10, 1, 3), row(20, 3, {})}},
      {"a later rate starts after a new one", {{false, 20, 3, {}}, {false, 10, 1, 5}}, {row(10, 1, 5), row(20, 5, {})}},
      {"a rate inside another splits it",
       {{false, 10, 1, {}}, {false, 20, 3, 5}},
       {row(10, 1, 3), row(20, 3, 5), row(10, 5, {})}},
      {"a rate covering others replaces them",
       {{false, 10, 3, 4}, {false, 11, 5, 6}, {false, 20, 1, {}}},
       {row(20, 1, {})}},
      {"adjacent rates are kept whole", {{false, 10, 1, 3}, {false, 20, 3, 5}}, {row(10, 1, 3), row(20, 3, 5)}},
      {"clearing a span cuts it out", {{false, 10, 1, {}}, {true, 0, 3, 5}}, {row(10, 1, 3), row(10, 5, {})}},
      {"clearing without an end cuts everything after",
       {{false, 10, 1, 3}, {false, 20, 3, {}}, {true, 0, 2, {}}},
       {row(10, 1, 2)}},
  };
  int n = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    const ProjectRecord p = project(a, a.owner, {.name = "Rates " + std::to_string(++n)});
    for (const auto& s : c.steps) {
      if (s.clear) {
        ASSERT_TRUE(succeeded(store_->clear_project_rates(p.id, month(s.from), month(s.to))));
      } else {
        ASSERT_TRUE(succeeded(store_->add_project_rate(p.id, {s.rate, "EUR", month(s.from), month(s.to)})));
      }
    }
    EXPECT_EQ(rate_rows(must(store_->project_rates(p.id))), c.expected);
  }
}

TEST_P(StoreContract, RatesBelongToTheirProject) {
  const Org a = make_org("a.test");
  const ProjectRecord apollo = project(a, a.owner, {.name = "Apollo"});
  const ProjectRecord gemini = project(a, a.owner, {.name = "Gemini"});
  const RateRecord added = must(store_->add_project_rate(apollo.id, {42.5, "USD", month(1), month(6)}));
  EXPECT_GT(added.id, 0);
  EXPECT_EQ(added.project_id, apollo.id);
  EXPECT_EQ(added.hourly_rate, 42.5);
  EXPECT_EQ(added.currency, "USD");
  EXPECT_EQ(added.start_at, month(1));
  EXPECT_EQ(added.end_at, month(6));
  EXPECT_TRUE(must(store_->project_rates(gemini.id)).empty());
  ASSERT_TRUE(succeeded(store_->clear_project_rates(gemini.id, month(1), std::nullopt)));
  const auto rates = must(store_->project_rates(apollo.id));
  ASSERT_EQ(rates.size(), 1u);
  EXPECT_EQ(rates[0].id, added.id);
  EXPECT_EQ(rates[0].currency, "USD");
}

// ---- tasks ----

TEST_P(StoreContract, CreateTaskRoundTripsItsFields) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  const CatalogItem red = item(Catalog::Tags, a, "red");
  const TaskRecord parent = task(a, a.bob, {.name = "Parent", .project_id = p.id});
  const TaskFields fields{.name = "Child",
                          .project_id = p.id,
                          .parent_task_id = parent.id,
                          .description = "details",
                          .estimated_mins = 90,
                          .start_date = "2026-01-01",
                          .end_date = "2026-01-31",
                          .priority = "high",
                          .billable = true,
                          .position = 3,
                          .tag_ids = {red.id}};
  const TaskRecord t = must(store_->create_task(a.workspace, a.bob, fields, true));
  EXPECT_GT(t.id, 0);
  EXPECT_EQ(t.workspace_id, a.workspace);
  EXPECT_EQ(t.fields.name, "Child");
  EXPECT_EQ(t.fields.project_id, p.id);
  EXPECT_EQ(t.project_name, "Apollo");
  EXPECT_EQ(t.fields.parent_task_id, parent.id);
  EXPECT_EQ(t.parent_task_name, "Parent");
  EXPECT_EQ(t.fields.description, "details");
  EXPECT_EQ(t.fields.estimated_mins, 90);
  EXPECT_EQ(t.fields.start_date, "2026-01-01");
  EXPECT_EQ(t.fields.end_date, "2026-01-31");
  EXPECT_EQ(t.fields.priority, "high");
  EXPECT_FALSE(t.fields.is_private);
  EXPECT_TRUE(t.fields.billable);
  EXPECT_EQ(t.fields.position, 3);
  EXPECT_EQ(t.fields.tag_ids, std::vector<std::int64_t>{red.id});
  EXPECT_EQ(names(t.tags), std::vector<std::string>{"red"});
  EXPECT_FALSE(t.archived_at.has_value());
  EXPECT_FALSE(t.deleted_at.has_value());
  EXPECT_EQ(t.creator_id, a.bob.user_id);
  EXPECT_FALSE(t.created_at.empty());
  EXPECT_TRUE(t.pinned);
  EXPECT_TRUE(domain::may_edit_task(a.bob, t));  // its creator
  EXPECT_EQ(t.sub_task_count, 0);
  EXPECT_EQ(t.project_role, ProjectRole::None);
  EXPECT_FALSE(t.project_private);
  EXPECT_FALSE(must(store_->find_task(a.workspace, t.id, a.owner, false)).pinned);  // pinned for its creator only

  EXPECT_EQ(must(store_->find_task(a.workspace, parent.id, a.bob, false)).sub_task_count, 1);
  ASSERT_TRUE(succeeded(store_->set_task_deleted(t.id, true)));
  EXPECT_EQ(must(store_->find_task(a.workspace, parent.id, a.bob, false)).sub_task_count, 0);  // live ones only
}

TEST_P(StoreContract, TaskVisibilityAndEditRightsFollowTheirProject) {
  const Org a = make_org("a.test");
  const ProjectRecord open = project(a, a.owner, {.name = "Open"});
  const ProjectRecord closed = project(a, a.owner, {.name = "Closed", .is_private = true});
  add_members(a, closed.id, {a.bob.user_id}, {}, false);
  const TaskRecord in_open = task(a, a.owner, {.name = "In open", .project_id = open.id});
  const TaskRecord in_closed = task(a, a.owner, {.name = "In closed", .project_id = closed.id});
  const TaskRecord loose = task(a, a.bob, {.name = "Loose"});
  const TaskRecord secret = task(a, a.bob, {.name = "Secret", .project_id = open.id, .is_private = true});
  struct Case {
    const char* reason;
    const TaskRecord& task;
    const Viewer& viewer;
    bool visible;
    bool can_edit;
    ProjectRole project_role;
  } const cases[] = {
      {"a public project's task, its manager", in_open, a.owner, true, true, ProjectRole::Manager},
      {"a public project's task, a non-member", in_open, a.carol, true, false, ProjectRole::None},
      {"a private project's task, its member", in_closed, a.bob, true, true, ProjectRole::Member},
      {"a private project's task, a non-member", in_closed, a.carol, false, false, ProjectRole::None},
      {"a task without project, its creator", loose, a.bob, true, true, ProjectRole::None},
      {"a task without project, another member", loose, a.carol, false, false, ProjectRole::None},
      {"a task without project, one who sees all", loose, a.owner, true, true, ProjectRole::None},
      {"a private task, its creator", secret, a.bob, true, true, ProjectRole::None},
      {"a private task, another member", secret, a.carol, false, false, ProjectRole::None},
      {"a private task, one who sees all", secret, a.owner, true, true, ProjectRole::Manager},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    ASSERT_EQ(sees_task(a, c.viewer, c.task.id), c.visible);
    if (!c.visible) continue;
    const TaskRecord seen = must(store_->find_task(a.workspace, c.task.id, c.viewer, false));
    EXPECT_EQ(domain::may_edit_task(c.viewer, seen), c.can_edit);  // the store's facts, the domain's rule
    EXPECT_EQ(seen.project_role, c.project_role);
  }
  EXPECT_TRUE(must(store_->find_task(a.workspace, in_closed.id, a.bob, false)).project_private);
}

TEST_P(StoreContract, TaskReferencesMustBeLiveAndVisibleInTheWorkspace) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  const ProjectRecord gone = project(a, a.owner, {.name = "Gone"});
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, gone.id, true, kAnyPlace)));
  const ProjectRecord hidden = project(a, a.owner, {.name = "Hidden", .is_private = true});
  const ProjectRecord b_project = project(b, b.owner, {.name = "B project"});
  const CatalogItem gone_tag = item(Catalog::Tags, a, "gone");
  ASSERT_TRUE(succeeded(store_->set_catalog_item_deleted(Catalog::Tags, a.workspace, gone_tag.id, true)));
  const CatalogItem b_tag = must(store_->create_catalog_item(Catalog::Tags, b.workspace, b.owner.user_id, "b", {}));
  const TaskRecord deleted_parent = task(a, a.bob, {.name = "Deleted parent"});
  ASSERT_TRUE(succeeded(store_->set_task_deleted(deleted_parent.id, true)));
  const TaskRecord others_parent = task(a, a.owner, {.name = "Owner's own"});  // no project: its creator's only
  const TaskRecord b_parent = task(b, b.owner, {.name = "B parent"});
  struct Case {
    const char* reason;
    TaskFields fields;
    const char* field;
  } const cases[] = {
      {"a missing project", {.name = "X", .project_id = 999}, "project_id"},
      {"a deleted project", {.name = "X", .project_id = gone.id}, "project_id"},
      {"a project the viewer does not see", {.name = "X", .project_id = hidden.id}, "project_id"},
      {"a project of another workspace", {.name = "X", .project_id = b_project.id}, "project_id"},
      {"a deleted tag", {.name = "X", .tag_ids = {gone_tag.id}}, "tag_ids"},
      {"a tag of another workspace", {.name = "X", .tag_ids = {b_tag.id}}, "tag_ids"},
      {"a missing parent", {.name = "X", .parent_task_id = 999}, "parent_task_id"},
      {"a deleted parent", {.name = "X", .parent_task_id = deleted_parent.id}, "parent_task_id"},
      {"a parent the viewer does not see", {.name = "X", .parent_task_id = others_parent.id}, "parent_task_id"},
      {"a parent of another workspace", {.name = "X", .parent_task_id = b_parent.id}, "parent_task_id"},
  };
  const TaskQuery everything{.workspace_id = a.workspace, .viewer = a.owner, .archived = ArchivedFilter::All};
  const std::int64_t before = must(store_->list_tasks(everything)).total;
  const TaskRecord mine = task(a, a.bob, {.name = "Mine"});
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    EXPECT_TRUE(invalid_field(store_->create_task(a.workspace, a.bob, c.fields, false), c.field));
    EXPECT_TRUE(invalid_field(store_->update_task(a.workspace, mine.id, a.bob, c.fields, std::nullopt), c.field));
  }
  EXPECT_EQ(must(store_->list_tasks(everything)).total, before + 1);
  EXPECT_EQ(must(store_->find_task(a.workspace, mine.id, a.bob, false)).fields.name, "Mine");
}

TEST_P(StoreContract, ATaskParentMakingACycleIsInvalid) {
  const Org a = make_org("a.test");
  const TaskRecord top = task(a, a.owner, {.name = "Top"});
  const TaskRecord middle = task(a, a.owner, {.name = "Middle", .parent_task_id = top.id});
  const TaskRecord bottom = task(a, a.owner, {.name = "Bottom", .parent_task_id = middle.id});
  for (std::int64_t parent : {bottom.id, top.id}) {
    EXPECT_TRUE(invalid_field(
        store_->update_task(a.workspace, top.id, a.owner, {.name = "Top", .parent_task_id = parent}, std::nullopt),
        "parent_task_id"));
  }
  EXPECT_FALSE(must(store_->find_task(a.workspace, top.id, a.owner, false)).fields.parent_task_id.has_value());
  const TaskRecord moved = must(
      store_->update_task(a.workspace, bottom.id, a.owner, {.name = "Bottom", .parent_task_id = top.id}, std::nullopt));
  EXPECT_EQ(moved.fields.parent_task_id, top.id);
  EXPECT_EQ(moved.parent_task_name, "Top");
}

TEST_P(StoreContract, UpdateTaskReplacesFieldsAndTagsAndPinsOnlyWhenAsked) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  const CatalogItem red = item(Catalog::Tags, a, "red");
  const CatalogItem blue = item(Catalog::Tags, a, "blue");
  const TaskRecord t =
      task(a, a.bob,
           {.name = "Write", .project_id = p.id, .description = "old", .priority = "low", .tag_ids = {red.id}}, true);
  const TaskRecord updated = must(store_->update_task(
      a.workspace, t.id, a.bob, {.name = "Rewrite", .position = 7, .tag_ids = {blue.id}}, std::nullopt));
  EXPECT_EQ(updated.id, t.id);
  EXPECT_EQ(updated.fields.name, "Rewrite");
  EXPECT_FALSE(updated.fields.project_id.has_value());  // replaced, not merged
  EXPECT_FALSE(updated.project_name.has_value());
  EXPECT_FALSE(updated.fields.description.has_value());
  EXPECT_EQ(updated.fields.priority, "none");
  EXPECT_EQ(updated.fields.position, 7);
  EXPECT_EQ(updated.fields.tag_ids, std::vector<std::int64_t>{blue.id});
  EXPECT_TRUE(updated.pinned);  // no pinned given: left as it was
  EXPECT_FALSE(must(store_->update_task(a.workspace, t.id, a.bob, {.name = "Rewrite"}, false)).pinned);
  EXPECT_TRUE(fails_with(store_->update_task(a.workspace, t.id, a.carol, {.name = "Mine"}, std::nullopt),
                         ErrorCode::NotFound));  // a task without project is its creator's
  EXPECT_TRUE(
      fails_with(store_->update_task(a.workspace, 999, a.bob, {.name = "X"}, std::nullopt), ErrorCode::NotFound));
}

TEST_P(StoreContract, DeletedTasksAreFoundOnlyWithIncludeDeleted) {
  const Org a = make_org("a.test");
  const TaskRecord t = task(a, a.owner, {.name = "Write"});
  ASSERT_TRUE(succeeded(store_->set_task_deleted(t.id, true)));
  EXPECT_FALSE(sees_task(a, a.owner, t.id));
  EXPECT_TRUE(must(store_->find_task(a.workspace, t.id, a.owner, true)).deleted_at.has_value());
  EXPECT_TRUE(
      fails_with(store_->update_task(a.workspace, t.id, a.owner, {.name = "X"}, std::nullopt), ErrorCode::NotFound));
  EXPECT_TRUE(succeeded(store_->set_task_deleted(t.id, true)));  // store.h names no error: deleting again is OK
  ASSERT_TRUE(succeeded(store_->set_task_deleted(t.id, false)));
  EXPECT_TRUE(sees_task(a, a.owner, t.id));
  EXPECT_FALSE(must(store_->find_task(a.workspace, t.id, a.owner, false)).deleted_at.has_value());
  // store.h names no error for a missing task; SQLite answers OK and writes nothing.
  EXPECT_TRUE(succeeded(store_->set_task_deleted(999, true)));
  EXPECT_TRUE(succeeded(store_->set_task_archived(999, true)));
}

TEST_P(StoreContract, ADeletedProjectTakesItsTasksOutOfSight) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  const TaskRecord t = task(a, a.owner, {.name = "Write", .project_id = p.id});
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, p.id, true, kAnyPlace)));
  EXPECT_FALSE(sees_task(a, a.owner, t.id));
  EXPECT_TRUE(fails_with(store_->find_task(a.workspace, t.id, a.owner, true), ErrorCode::NotFound));
  EXPECT_EQ(
      must(store_->list_tasks({.workspace_id = a.workspace, .viewer = a.owner, .archived = ArchivedFilter::All})).total,
      0);
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, p.id, false, kAnyPlace)));
  EXPECT_TRUE(sees_task(a, a.owner, t.id));
}

TEST_P(StoreContract, ListTasksFiltersOrdersAndPages) {
  const Org a = make_org("a.test");
  const ProjectRecord p1 = project(a, a.owner, {.name = "P1"});
  const ProjectRecord p2 = project(a, a.owner, {.name = "P2"});
  const TaskRecord write = task(a, a.owner, {.name = "Write", .project_id = p1.id});
  task(a, a.owner, {.name = "review", .project_id = p1.id, .parent_task_id = write.id});
  const TaskRecord deploy = task(a, a.owner, {.name = "Deploy", .project_id = p2.id});
  task(a, a.owner, {.name = "Plan"}, true);
  ASSERT_TRUE(succeeded(store_->set_task_archived(deploy.id, true)));
  EXPECT_TRUE(must(store_->find_task(a.workspace, deploy.id, a.owner, false)).archived_at.has_value());

  using Names = std::vector<std::string>;
  struct Case {
    const char* reason;
    std::function<void(TaskQuery&)> narrow;
    Names expected;
    std::int64_t total;
  } const cases[] = {
      {"live and active by name by default", [](TaskQuery&) {}, {"Plan", "review", "Write"}, 3},
      {"archived only", [](TaskQuery& q) { q.archived = ArchivedFilter::Archived; }, {"Deploy"}, 1},
      {"archived or not",
       [](TaskQuery& q) { q.archived = ArchivedFilter::All; },
       {"Deploy", "Plan", "review", "Write"},
       4},
      {"of a project", [&](TaskQuery& q) { q.project_ids = {p1.id}; }, {"review", "Write"}, 2},
      {"under a parent", [&](TaskQuery& q) { q.parent_task_ids = {write.id}; }, {"review"}, 1},
      {"a name substring in another case", [](TaskQuery& q) { q.name = "RIT"; }, {"Write"}, 1},
      {"pinned by the viewer", [](TaskQuery& q) { q.pinned = true; }, {"Plan"}, 1},
      {"not pinned by the viewer", [](TaskQuery& q) { q.pinned = false; }, {"review", "Write"}, 2},
      {"by name, descending",
       [](TaskQuery& q) {
         q.order = {{"name", true}};
       },
       {"Write", "review", "Plan"},
       3},
      {"the second page of all",
       [](TaskQuery& q) {
         q.archived = ArchivedFilter::All;
         q.page = {2, 3};
       },
       {"Write"},
       4},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    TaskQuery query{.workspace_id = a.workspace, .viewer = a.owner};
    c.narrow(query);
    const TaskList list = must(store_->list_tasks(query));
    EXPECT_EQ(names(list.items), c.expected);
    EXPECT_EQ(list.total, c.total);
  }
  ASSERT_TRUE(succeeded(store_->set_task_archived(deploy.id, false)));
  EXPECT_EQ(task_names({.workspace_id = a.workspace, .viewer = a.owner}), (Names{"Deploy", "Plan", "review", "Write"}));
}

// ---- attachments ----

// Three attachments of a project: b.txt and c.txt share one blob.
std::vector<NewAttachment> three_attachments() {
  return {{"b.txt", "text/plain", 10, std::string(64, 'b'), 2},
          {"a.png", "image/png", 20, std::string(64, 'a'), 1},
          {"c.txt", "text/plain", 30, std::string(64, 'b'), 1}};
}

// ---- time entries ----

TimeEntryFields entry_at(const std::string& start, const std::string& type = "activity") {
  TimeEntryFields f;
  f.start = start;
  f.type = type;
  return f;
}

TEST_P(StoreContract, TheTimerRunsOneEntryPerUserAndWorkspaceAndStartStopsTheRunningOne) {
  const Org a = make_org("a.test");
  EXPECT_TRUE(fails_with(store_->running_time_entry(a.workspace, a.bob), ErrorCode::NotFound));
  const TimeEntryRecord first =
      must(store_->start_time_entry(a.workspace, a.bob, entry_at("2026-03-01T09:00:00Z"), domain::check_stop_by_start));
  EXPECT_EQ(first.user_id, a.bob.user_id);
  EXPECT_FALSE(first.fields.stop);
  EXPECT_EQ(must(store_->running_time_entry(a.workspace, a.bob)).id, first.id);
  EXPECT_TRUE(fails_with(store_->running_time_entry(a.workspace, a.carol), ErrorCode::NotFound)) << "per user";
  const std::int64_t second_workspace = must(store_->create_workspace(a.id, "Second"));
  EXPECT_TRUE(fails_with(store_->running_time_entry(second_workspace, a.bob), ErrorCode::NotFound)) << "per workspace";
  // A new start stops the running entry at the new start.
  const TimeEntryRecord second =
      must(store_->start_time_entry(a.workspace, a.bob, entry_at("2026-03-01T10:00:00Z"), domain::check_stop_by_start));
  EXPECT_EQ(must(store_->find_time_entry(a.workspace, first.id, a.bob)).fields.stop, "2026-03-01T10:00:00Z");
  EXPECT_EQ(must(store_->running_time_entry(a.workspace, a.bob)).id, second.id);
  // ... or at its own start, when the new one starts earlier.
  const TimeEntryRecord third =
      must(store_->start_time_entry(a.workspace, a.bob, entry_at("2026-03-01T08:00:00Z"), domain::check_stop_by_start));
  EXPECT_EQ(must(store_->find_time_entry(a.workspace, second.id, a.bob)).fields.stop, "2026-03-01T10:00:00Z");
  EXPECT_TRUE(
      invalid_field(store_->stop_time_entry(a.workspace, a.bob, "2026-03-01T07:59:59Z", domain::check_stop), "end"));
  // The rule is asked with the entry's start and the stop; its refusal writes nothing.
  std::vector<std::pair<std::string, std::string>> asked;
  auto refuse = [&](std::string_view start, std::string_view stop) -> Status {
    asked.emplace_back(std::string(start), std::string(stop));
    return refusal("the stop rule");
  };
  EXPECT_TRUE(
      fails_with(store_->stop_time_entry(a.workspace, a.bob, "2026-03-01T09:00:00Z", refuse), ErrorCode::Forbidden));
  EXPECT_EQ(asked,
            (std::vector<std::pair<std::string, std::string>>{{"2026-03-01T08:00:00Z", "2026-03-01T09:00:00Z"}}));
  EXPECT_EQ(must(store_->running_time_entry(a.workspace, a.bob)).id, third.id);
  // A start that would stop it asks the rule too; its refusal starts nothing.
  asked.clear();
  EXPECT_TRUE(fails_with(store_->start_time_entry(a.workspace, a.bob, entry_at("2026-03-01T09:30:00Z"), refuse),
                         ErrorCode::Forbidden));
  EXPECT_EQ(asked,
            (std::vector<std::pair<std::string, std::string>>{{"2026-03-01T08:00:00Z", "2026-03-01T09:30:00Z"}}));
  EXPECT_EQ(must(store_->running_time_entry(a.workspace, a.bob)).id, third.id);
  const TimeEntryRecord stopped =
      must(store_->stop_time_entry(a.workspace, a.bob, "2026-03-01T08:00:00Z", domain::check_stop));
  EXPECT_EQ(stopped.id, third.id);
  EXPECT_EQ(stopped.fields.stop, "2026-03-01T08:00:00Z") << "end == start is a valid entry";
  EXPECT_TRUE(fails_with(store_->stop_time_entry(a.workspace, a.bob, "2026-03-01T09:00:00Z", domain::check_stop),
                         ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->running_time_entry(a.workspace, a.bob), ErrorCode::NotFound));
}

TEST_P(StoreContract, ConcurrentStartsLeaveExactlyOneRunningEntry) {
  const Org a = make_org("a.test");
  std::vector<std::thread> threads;
  std::atomic<int> started{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if (store_->start_time_entry(a.workspace, a.bob, entry_at("2026-03-01T09:00:0" + std::to_string(i) + "Z"),
                                   domain::check_stop_by_start)) {
        ++started;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(started.load(), 8);
  const auto all = must(store_->list_time_entries(
      {.workspace_id = a.workspace, .viewer = a.bob, .from = "2026-01-01T00:00:00Z", .to = "2027-01-01T00:00:00Z"}));
  EXPECT_EQ(all.size(), 8u);
  EXPECT_EQ(std::count_if(all.begin(), all.end(), [](const auto& e) { return !e.fields.stop; }), 1);
}

TEST_P(StoreContract, ATimeEntrysReferencesMustBeLiveAndVisibleAndATaskBringsItsProjectUnlessOneIsNamed) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  const ProjectRecord open = project(a, a.owner, {.name = "Open"});
  const ProjectRecord other = project(a, a.owner, {.name = "Other"});
  const ProjectRecord closed = project(a, a.owner, {.name = "Closed", .is_private = true});
  const TaskRecord on_open = task(a, a.owner, {.name = "On open", .project_id = open.id});
  const TaskRecord gone = task(a, a.owner, {.name = "Gone"});
  ASSERT_TRUE(succeeded(store_->set_task_deleted(gone.id, true)));
  const CatalogItem b_tag = item(Catalog::Tags, b, "B tag");
  auto with = [](std::function<void(TimeEntryFields&)> set) {
    TimeEntryFields f = entry_at("2026-03-01T09:00:00Z");
    set(f);
    return f;
  };
  const struct {
    const char* reason;
    TimeEntryFields fields;
    const char* field;
  } cases[] = {
      {"a missing task", with([](auto& f) { f.task_id = 999; }), "task_id"},
      {"a deleted task", with([&](auto& f) { f.task_id = gone.id; }), "task_id"},
      {"a project the user does not see", with([&](auto& f) { f.project_id = closed.id; }), "project_id"},
      {"a project of another organization",
       with([&](auto& f) { f.project_id = project(b, b.owner, {.name = "B"}).id; }), "project_id"},
      {"a tag of another workspace", with([&](auto& f) { f.tag_ids = std::vector<std::int64_t>{b_tag.id}; }),
       "tag_ids"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    EXPECT_TRUE(
        invalid_field(store_->start_time_entry(a.workspace, a.bob, c.fields, domain::check_stop_by_start), c.field));
    EXPECT_TRUE(fails_with(store_->running_time_entry(a.workspace, a.bob), ErrorCode::NotFound)) << "nothing written";
  }
  const TimeEntryRecord on_task = must(store_->start_time_entry(
      a.workspace, a.bob, with([&](auto& f) { f.task_id = on_open.id; }), domain::check_stop_by_start));
  EXPECT_EQ(on_task.fields.project_id, open.id);
  EXPECT_EQ(on_task.task_name, "On open");
  EXPECT_EQ(on_task.project_name, "Open");
  const TimeEntryRecord elsewhere = must(store_->start_time_entry(a.workspace, a.bob, with([&](auto& f) {
                                                                    f.start = "2026-03-01T10:00:00Z";
                                                                    f.task_id = on_open.id;
                                                                    f.project_id = other.id;
                                                                  }),
                                                                  domain::check_stop_by_start));
  EXPECT_EQ(elsewhere.fields.task_id, on_open.id);
  EXPECT_EQ(elsewhere.fields.project_id, other.id) << "a named project overrides the task's";
}

TEST_P(StoreContract, AnEntrysTagsAreItsOwnElseItsTasks) {
  const Org a = make_org("a.test");
  const CatalogItem red = item(Catalog::Tags, a, "red", "#ff0000");
  const CatalogItem blue = item(Catalog::Tags, a, "blue", "#0000ff");
  const TaskRecord tagged = task(a, a.owner, {.name = "Tagged", .tag_ids = {red.id}});
  TimeEntryFields inherits = entry_at("2026-03-01T09:00:00Z");
  inherits.task_id = tagged.id;
  const TimeEntryRecord first =
      must(store_->start_time_entry(a.workspace, a.owner, inherits, domain::check_stop_by_start));
  EXPECT_FALSE(first.fields.tag_ids);
  EXPECT_EQ(ids(first.tags), std::vector<std::int64_t>{red.id});
  TimeEntryFields own = inherits;
  own.start = "2026-03-01T10:00:00Z";
  own.tag_ids = std::vector<std::int64_t>{blue.id};
  const TimeEntryRecord second = must(store_->start_time_entry(a.workspace, a.owner, own, domain::check_stop_by_start));
  EXPECT_EQ(second.fields.tag_ids, std::vector<std::int64_t>{blue.id});
  EXPECT_EQ(ids(second.tags), std::vector<std::int64_t>{blue.id});
  own.start = "2026-03-01T11:00:00Z";
  own.tag_ids = std::vector<std::int64_t>{};  // an empty override: no tags, not the task's
  EXPECT_TRUE(must(store_->start_time_entry(a.workspace, a.owner, own, domain::check_stop_by_start)).tags.empty());
}

TEST_P(StoreContract, TimeEntriesAreListedByStartInTheirRangeWithTheirFilters) {
  const Org a = make_org("a.test");
  const TaskRecord t = task(a, a.owner, {.name = "T"});
  auto start = [&](const std::string& at, std::optional<std::int64_t> task_id, const std::string& type) {
    TimeEntryFields f = entry_at(at, type);
    f.task_id = task_id;
    return must(store_->start_time_entry(a.workspace, a.owner, f, domain::check_stop_by_start)).id;
  };
  const auto before = start("2026-02-28T23:59:59Z", t.id, "activity");
  const auto first = start("2026-03-01T00:00:00Z", t.id, "activity");
  const auto loose = start("2026-03-01T12:00:00Z", std::nullopt, "break");
  const auto last = start("2026-03-01T23:59:59Z", t.id, "activity");
  const auto after = start("2026-03-02T00:00:00Z", t.id, "activity");
  auto listed = [&](TimeEntryQuery q) {
    q.workspace_id = a.workspace;
    q.viewer = a.owner;
    q.from = "2026-03-01T00:00:00Z";
    q.to = "2026-03-02T00:00:00Z";
    return ids(must(store_->list_time_entries(q)));
  };
  EXPECT_EQ(listed({}), (std::vector<std::int64_t>{last, loose, first})) << "[from, to), newest first";
  EXPECT_EQ(listed({.order = {{"start", false}}}), (std::vector<std::int64_t>{first, loose, last}));
  EXPECT_EQ(listed({.order = {{"task_id", false}, {"start", true}}}), (std::vector<std::int64_t>{loose, last, first}))
      << "no task first, then by start";
  EXPECT_EQ(listed({.include_taskless = false}), (std::vector<std::int64_t>{last, first}));
  EXPECT_EQ(listed({.type = "break"}), std::vector<std::int64_t>{loose});
  EXPECT_EQ(listed({.task_id = t.id}), (std::vector<std::int64_t>{last, first}));
  EXPECT_EQ(listed({.page = {2, 2}}), std::vector<std::int64_t>{first});
  EXPECT_EQ(listed({.archived = ArchivedFilter::Archived}), std::vector<std::int64_t>{});
  (void)before;
  (void)after;
}

// Every kind of viewer against entries of two users, without a project, on a
// public project and on a private one: the store shows an entry exactly when
// domain::may_see_time_entry says so. The facts of the project come from the setup.
TEST_P(StoreContract, VisibilityOfTimeEntriesIsTheDomainsRule) {
  const Org a = make_org("a.test");
  const Viewer admin{join(a.id, "admin@a.test", "", OrgRole::Admin), true};
  const Viewer dave = member_of(a, "dave");
  const ProjectRecord open = project(a, a.owner, {.name = "Open"});
  const ProjectRecord closed = project(a, a.owner, {.name = "Closed", .is_private = true});
  for (const auto& p : {open, closed}) add_members(a, p.id, {a.bob.user_id, dave.user_id}, {}, false);
  const Seat seats[] = {
      {"the owner", a.owner, ProjectRole::Manager},
      {"an admin", admin, ProjectRole::None},
      {"a project member", dave, ProjectRole::Member},
      {"a member of the organization only", a.carol, ProjectRole::None},
  };
  int shown = 0, hidden = 0, minute = 0;
  for (const Viewer& user : {a.bob, a.carol}) {
    for (const ProjectRecord* p : {static_cast<const ProjectRecord*>(nullptr), &open, &closed}) {
      if (user.user_id == a.carol.user_id && p == &closed) continue;  // carol cannot see it to track on it
      TimeEntryFields f =
          entry_at("2026-03-01T09:" + std::string(minute < 10 ? "0" : "") + std::to_string(minute) + ":00Z");
      ++minute;
      if (p) f.project_id = p->id;
      TimeEntryRecord facts = must(store_->start_time_entry(a.workspace, user, f, domain::check_stop_by_start));
      facts.project_private = p != nullptr && p->fields.is_private;
      for (const auto& seat : seats) {
        SCOPED_TRACE(std::string(seat.who) + " sees an entry of user " + std::to_string(user.user_id) + " in " +
                     (p ? p->fields.name : std::string("no project")));
        facts.project_role = p ? seat.role : ProjectRole::None;
        const bool visible = domain::may_see_time_entry(seat.viewer, facts);
        (visible ? shown : hidden) += 1;
        const bool found = store_->find_time_entry(a.workspace, facts.id, seat.viewer).ok();
        const auto listed = ids(must(store_->list_time_entries({.workspace_id = a.workspace,
                                                                .viewer = seat.viewer,
                                                                .from = "2026-01-01T00:00:00Z",
                                                                .to = "2027-01-01T00:00:00Z",
                                                                .page = {1, 200}})));
        EXPECT_EQ(found, std::count(listed.begin(), listed.end(), facts.id) == 1) << "find and list disagree";
        EXPECT_EQ(found, visible);
      }
    }
  }
  EXPECT_GT(shown, 0);
  EXPECT_GT(hidden, 0);
}

TEST_P(StoreContract, AnEntryOfADeletedProjectOrTaskIsOutOfSightUntilRestored) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "P"});
  const TaskRecord t = task(a, a.owner, {.name = "T", .project_id = p.id});
  TimeEntryFields f = entry_at("2026-03-01T09:00:00Z");
  f.task_id = t.id;
  const auto id = must(store_->start_time_entry(a.workspace, a.owner, f, domain::check_stop_by_start)).id;
  ASSERT_TRUE(succeeded(store_->set_task_deleted(t.id, true)));
  EXPECT_TRUE(fails_with(store_->find_time_entry(a.workspace, id, a.owner), ErrorCode::NotFound));
  ASSERT_TRUE(succeeded(store_->set_task_deleted(t.id, false)));
  EXPECT_TRUE(succeeded(store_->find_time_entry(a.workspace, id, a.owner)));
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, p.id, true, kAnyPlace)));
  EXPECT_TRUE(fails_with(store_->find_time_entry(a.workspace, id, a.owner), ErrorCode::NotFound));
  ASSERT_TRUE(succeeded(store_->set_project_deleted(a.workspace, p.id, false, kAnyPlace)));
  EXPECT_TRUE(succeeded(store_->find_time_entry(a.workspace, id, a.owner)));
  // The running entry stays its owner's timer: seen and stopped, and a new start stops it.
  ASSERT_TRUE(succeeded(store_->set_task_deleted(t.id, true)));
  EXPECT_EQ(must(store_->running_time_entry(a.workspace, a.owner)).id, id);
  EXPECT_EQ(must(store_->stop_time_entry(a.workspace, a.owner, "2026-03-01T10:00:00Z", domain::check_stop)).id, id);
  EXPECT_TRUE(fails_with(store_->running_time_entry(a.workspace, a.owner), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->find_time_entry(a.workspace, id, a.owner), ErrorCode::NotFound));
}

TEST_P(StoreContract, AttachmentsAreCreatedInRequestOrderAndListedByDisplayOrderThenId) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  const auto created =
      must(store_->create_attachments(ParentKind::Project, p.id, a.workspace, three_attachments(), std::nullopt));
  ASSERT_EQ(created.size(), 3u);
  EXPECT_EQ(names(created), (std::vector<std::string>{"b.txt", "a.png", "c.txt"}));
  const AttachmentRecord& first = created[0];
  EXPECT_GT(first.id, 0);
  EXPECT_EQ(first.parent_kind, ParentKind::Project);
  EXPECT_EQ(first.parent_id, p.id);
  EXPECT_EQ(first.workspace_id, a.workspace);
  EXPECT_EQ(first.mime_type, "text/plain");
  EXPECT_EQ(first.size, 10);
  EXPECT_EQ(first.sha256, std::string(64, 'b'));
  EXPECT_EQ(first.display_order, 2);
  EXPECT_FALSE(first.created_at.empty());
  EXPECT_FALSE(first.deleted_at.has_value());

  EXPECT_EQ(names(must(store_->list_attachments(ParentKind::Project, p.id, {}))),
            (std::vector<std::string>{"a.png", "c.txt", "b.txt"}));
  EXPECT_TRUE(must(store_->list_attachments(ParentKind::Task, p.id, {})).empty());  // the same id, another kind
  const AttachmentRecord found = must(store_->find_attachment(ParentKind::Project, p.id, first.id));
  EXPECT_EQ(found.name, "b.txt");
  EXPECT_EQ(found.created_at, first.created_at);
}

TEST_P(StoreContract, AttachmentListsFollowTheOrderingAsked) {
  const Org a = make_org("a.test");
  const TaskRecord t = task(a, a.owner, {.name = "Write"});
  ASSERT_TRUE(
      succeeded(store_->create_attachments(ParentKind::Task, t.id, a.workspace, three_attachments(), std::nullopt)));
  using Names = std::vector<std::string>;
  struct Case {
    const char* reason;
    Ordering order;
    Names expected;
  } const cases[] = {
      {"by name", {{"name", false}}, {"a.png", "b.txt", "c.txt"}},
      {"by name, descending", {{"name", true}}, {"c.txt", "b.txt", "a.png"}},
      {"by display order, descending, then id", {{"display_order", true}}, {"b.txt", "a.png", "c.txt"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    EXPECT_EQ(names(must(store_->list_attachments(ParentKind::Task, t.id, c.order))), c.expected);
  }
}

TEST_P(StoreContract, AttachmentQuotaCountsTheWorkspacesLiveAttachments) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  const ProjectRecord q = project(b, b.owner, {.name = "Gemini"});
  const auto created =
      must(store_->create_attachments(ParentKind::Project, p.id, a.workspace, three_attachments(), 60));
  ASSERT_EQ(created.size(), 3u);  // exactly the quota is within it
  EXPECT_EQ(must(store_->storage_used(a.workspace)), 60);

  const std::vector<NewAttachment> two = {{"x", "text/plain", 1, std::string(64, 'x'), 1},
                                          {"y", "text/plain", 1, std::string(64, 'y'), 2}};
  EXPECT_TRUE(fails_with(store_->create_attachments(ParentKind::Project, p.id, a.workspace, two, 61),
                         ErrorCode::QuotaExceeded));
  EXPECT_EQ(must(store_->list_attachments(ParentKind::Project, p.id, {})).size(), 3u);  // none of the two
  EXPECT_EQ(must(store_->storage_used(a.workspace)), 60);

  EXPECT_TRUE(succeeded(store_->create_attachments(ParentKind::Project, q.id, b.workspace, two, 2)));  // b's own
  EXPECT_EQ(must(store_->storage_used(b.workspace)), 2);

  ASSERT_TRUE(succeeded(store_->delete_attachment(ParentKind::Project, p.id, created[0].id)));  // 10 bytes
  EXPECT_EQ(must(store_->storage_used(a.workspace)), 50);
  EXPECT_TRUE(succeeded(store_->create_attachments(ParentKind::Project, p.id, a.workspace, two, 52)));
  EXPECT_EQ(must(store_->storage_used(a.workspace)), 52);
}

TEST_P(StoreContract, TheAttachmentQuotaHoldsUnderConcurrentUploads) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  constexpr int kUploads = 12;
  constexpr std::int64_t kQuota = 50;  // room for five uploads of 10 bytes
  std::atomic<int> stored{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kUploads; ++i) {
    threads.emplace_back([&, i] {
      const std::vector<NewAttachment> one = {
          {"f" + std::to_string(i), "text/plain", 10, std::string(64, 'a' + static_cast<char>(i % 6)), 1}};
      auto created = store_->create_attachments(ParentKind::Project, p.id, a.workspace, one, kQuota);
      if (created) {
        ++stored;
      } else {
        EXPECT_EQ(created.error().code, ErrorCode::QuotaExceeded);
        ++refused;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(stored.load(), 5);
  EXPECT_EQ(refused.load(), kUploads - 5);
  EXPECT_EQ(must(store_->storage_used(a.workspace)), kQuota);
  EXPECT_EQ(must(store_->list_attachments(ParentKind::Project, p.id, {})).size(), 5u);
}

TEST_P(StoreContract, AttachmentsOfAnotherParentOrDeletedAreNotFound) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  const ProjectRecord other = project(a, a.owner, {.name = "Gemini"});
  const auto created =
      must(store_->create_attachments(ParentKind::Project, p.id, a.workspace, three_attachments(), std::nullopt));
  const std::int64_t id = created[0].id;
  EXPECT_TRUE(fails_with(store_->find_attachment(ParentKind::Task, p.id, id), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->find_attachment(ParentKind::Project, other.id, id), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->update_attachment(ParentKind::Project, other.id, id, "x", 0), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->delete_attachment(ParentKind::Project, other.id, id), ErrorCode::NotFound));

  ASSERT_TRUE(succeeded(store_->update_attachment(ParentKind::Project, p.id, id, "renamed.txt", 9.5)));
  const AttachmentRecord updated = must(store_->find_attachment(ParentKind::Project, p.id, id));
  EXPECT_EQ(updated.name, "renamed.txt");
  EXPECT_EQ(updated.display_order, 9.5);

  ASSERT_TRUE(succeeded(store_->delete_attachment(ParentKind::Project, p.id, id)));
  EXPECT_TRUE(fails_with(store_->find_attachment(ParentKind::Project, p.id, id), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->update_attachment(ParentKind::Project, p.id, id, "x", 0), ErrorCode::NotFound));
  EXPECT_TRUE(fails_with(store_->delete_attachment(ParentKind::Project, p.id, id), ErrorCode::NotFound));
  EXPECT_EQ(names(must(store_->list_attachments(ParentKind::Project, p.id, {}))),
            (std::vector<std::string>{"a.png", "c.txt"}));
}

TEST_P(StoreContract, DeletingTheLastLiveUseOfABlobReturnsItsDigest) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  const TaskRecord t = task(a, a.owner, {.name = "Write"});
  const auto on_project =
      must(store_->create_attachments(ParentKind::Project, p.id, a.workspace, three_attachments(), std::nullopt));
  const auto on_task = must(store_->create_attachments(
      ParentKind::Task, t.id, a.workspace, {{"copy.png", "image/png", 20, std::string(64, 'a'), 1}}, std::nullopt));
  auto digests = [&] {
    auto live = must(store_->live_blob_names());
    std::sort(live.begin(), live.end());  // store.h states no order
    return live;
  };
  const std::string a_digest(64, 'a');
  const std::string b_digest(64, 'b');
  EXPECT_EQ(digests(), (std::vector<std::string>{a_digest, b_digest}));  // each once

  EXPECT_EQ(must(store_->delete_attachment(ParentKind::Project, p.id, on_project[0].id)),
            std::nullopt);  // c.txt still uses it
  EXPECT_EQ(must(store_->delete_attachment(ParentKind::Project, p.id, on_project[2].id)), b_digest);
  EXPECT_EQ(must(store_->delete_attachment(ParentKind::Project, p.id, on_project[1].id)),
            std::nullopt);  // copy.png still uses it
  EXPECT_EQ(digests(), std::vector<std::string>{a_digest});
  EXPECT_EQ(must(store_->delete_attachment(ParentKind::Task, t.id, on_task[0].id)), a_digest);
  EXPECT_TRUE(digests().empty());
  EXPECT_EQ(must(store_->storage_used(a.workspace)), 0);
}

// A blob of a name of its own (an S3 upload streamed as it came) is its row's
// alone, even when another row holds the same digest.
TEST_P(StoreContract, ABlobOfItsOwnNameIsItsRowsAlone) {
  const Org a = make_org("a.test");
  const ProjectRecord p = project(a, a.owner, {.name = "Apollo"});
  const std::string digest(64, 'c');
  const std::string name = "u-" + std::string(32, '1');
  const auto created = must(store_->create_attachments(
      ParentKind::Project, p.id, a.workspace,
      {{"named.bin", "application/octet-stream", 30, digest, 1, name}, {"plain.bin", "text/plain", 30, digest, 2}},
      std::nullopt));
  EXPECT_EQ(created[0].blob, name);
  EXPECT_EQ(created[0].blob_name(), name);
  EXPECT_EQ(created[1].blob, "");
  EXPECT_EQ(created[1].blob_name(), digest);
  const AttachmentRecord found = must(store_->find_attachment(ParentKind::Project, p.id, created[0].id));
  EXPECT_EQ(found.sha256, digest);
  EXPECT_EQ(found.blob_name(), name);
  auto live = must(store_->live_blob_names());
  std::sort(live.begin(), live.end());
  EXPECT_EQ(live, (std::vector<std::string>{digest, name}));

  EXPECT_EQ(must(store_->delete_attachment(ParentKind::Project, p.id, created[0].id)), name);
  EXPECT_EQ(must(store_->live_blob_names()), std::vector<std::string>{digest});
  EXPECT_EQ(must(store_->delete_attachment(ParentKind::Project, p.id, created[1].id)), digest);
}

// A stopped entry to write: [start, start + seconds).
TimeEntryWrite stopped_at(const std::string& start, std::int64_t seconds) {
  TimeEntryWrite w;
  w.fields = entry_at(start);
  w.fields.stop = add_seconds(start, seconds);
  return w;
}

TEST_P(StoreContract, WrittenEntriesAreCreatedAllOrNoneForMembersOfTheWorkspace) {
  const Org a = make_org("a.test");
  const Org b = make_org("b.test");
  const TaskRecord copy = task(a, a.owner, {.name = "Copy", .project_id = project(a, a.owner, {.name = "Site"}).id});
  TimeEntryWrite on_missing = stopped_at("2026-03-01T10:00:00Z", 60);
  on_missing.fields.task_id = 999999;
  auto refused = store_->create_time_entries(
      a.workspace, a.owner, {{a.bob.user_id, stopped_at("2026-03-01T09:00:00Z", 60)}, {a.bob.user_id, on_missing}});
  EXPECT_TRUE(invalid_field(refused, "[1].task_id")) << "the item is named";
  EXPECT_TRUE(invalid_field(
      store_->create_time_entries(a.workspace, a.owner, {{b.bob.user_id, stopped_at("2026-03-01T09:00:00Z", 60)}}),
      "user_id"));
  TimeEntryWrite running = stopped_at("2026-03-01T09:00:00Z", 60);
  running.fields.stop.reset();
  EXPECT_TRUE(invalid_field(store_->create_time_entries(a.workspace, a.bob, {{a.bob.user_id, running}}), "duration"));
  const TimeEntryQuery day{.workspace_id = a.workspace,
                           .viewer = a.owner,
                           .from = "2026-03-01T00:00:00Z",
                           .to = "2026-03-02T00:00:00Z",
                           .order = {{"start", false}}};
  EXPECT_TRUE(must(store_->list_time_entries(day)).empty()) << "nothing of a refused create is written";

  TimeEntryWrite on_task = stopped_at("2026-03-01T10:00:00Z", 600);
  on_task.fields.task_id = copy.id;
  on_task.billable_default = true;
  const auto ids = must(store_->create_time_entries(
      a.workspace, a.owner, {{a.bob.user_id, stopped_at("2026-03-01T09:00:00Z", 60)}, {a.owner.user_id, on_task}}));
  ASSERT_EQ(ids.size(), 2u);
  const auto listed = must(store_->list_time_entries(day));
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, ids[0]);
  EXPECT_EQ(listed[0].user_id, a.bob.user_id);
  EXPECT_EQ(listed[0].fields.stop, "2026-03-01T09:01:00Z");
  EXPECT_EQ(listed[1].fields.project_id, copy.fields.project_id) << "the task's project";
  const auto site = must(store_->find_project(a.workspace, *copy.fields.project_id, a.owner, false));
  EXPECT_EQ(site.tracked_seconds, 600);
  const auto copy_now = must(store_->find_task(a.workspace, copy.id, a.owner, false));
  EXPECT_EQ(copy_now.tracked_seconds, 600);
  EXPECT_EQ(copy_now.time_entry_count, 1);
}

TEST_P(StoreContract, AnEditSeesEachEntryAsStoredAndWritesAllOrNone) {
  const Org a = make_org("a.test");
  const ProjectRecord site = project(a, a.owner, {.name = "Site"});
  const ProjectRecord shop = project(a, a.owner, {.name = "Shop"});
  const TaskRecord cart = task(a, a.owner, {.name = "Cart", .project_id = shop.id});
  TimeEntryWrite on_site = stopped_at("2026-03-01T09:00:00Z", 600);
  on_site.fields.project_id = site.id;
  on_site.project_named = true;
  const auto ids = must(store_->create_time_entries(
      a.workspace, a.bob, {{a.bob.user_id, on_site}, {a.bob.user_id, stopped_at("2026-03-01T10:00:00Z", 60)}}));
  const auto seconds_of = [&](const ProjectRecord& p) {
    return must(store_->find_project(a.workspace, p.id, a.owner, false)).tracked_seconds;
  };
  ASSERT_EQ(seconds_of(site), 600);

  // The second edit fails: the first is not written either.
  std::vector<std::int64_t> seen;
  auto failed = store_->edit_time_entries(a.workspace, a.bob, ids, [&](const TimeEntryRecord& current) {
    seen.push_back(current.id);
    if (current.id == ids[1]) return Result<TimeEntryWrite>(invalid("duration", "refused"));
    TimeEntryWrite w{current.fields, true, false};
    w.fields.description = "edited";
    return Result<TimeEntryWrite>(w);
  });
  EXPECT_TRUE(invalid_field(failed, "duration"));
  EXPECT_EQ(seen, ids);
  EXPECT_FALSE(must(store_->find_time_entry(a.workspace, ids[0], a.bob)).fields.description);
  EXPECT_TRUE(
      fails_with(store_->edit_time_entries(a.workspace, a.bob, {ids[0], 999999},
                                           [](const TimeEntryRecord& current) {
                                             return Result<TimeEntryWrite>(TimeEntryWrite{current.fields, true});
                                           }),
                 ErrorCode::NotFound));

  // Onto a task of another project: the task brings its project, and the totals follow.
  ASSERT_TRUE(succeeded(store_->edit_time_entries(a.workspace, a.bob, {ids[0]}, [&](const TimeEntryRecord& current) {
    TimeEntryWrite w{current.fields, false, false};
    w.fields.task_id = cart.id;
    w.fields.stop = add_seconds(w.fields.start, 900);
    return Result<TimeEntryWrite>(w);
  })));
  const auto moved = must(store_->find_time_entry(a.workspace, ids[0], a.bob));
  EXPECT_EQ(moved.fields.project_id, shop.id);
  EXPECT_EQ(seconds_of(site), 0);
  EXPECT_EQ(seconds_of(shop), 900);
  const auto cart_now = must(store_->find_task(a.workspace, cart.id, a.owner, false));
  EXPECT_EQ(cart_now.tracked_seconds, 900);
  EXPECT_EQ(cart_now.time_entry_count, 1);
}

TEST_P(StoreContract, ActsOnEntriesAllOrNoneAndARestoredTimerMustBeFree) {
  const Org a = make_org("a.test");
  const auto ids = must(store_->create_time_entries(a.workspace, a.bob,
                                                    {{a.bob.user_id, stopped_at("2026-03-01T09:00:00Z", 60)},
                                                     {a.bob.user_id, stopped_at("2026-03-01T10:00:00Z", 60)}}));
  const auto allow = [](const TimeEntryRecord&) { return Status(Ok{}); };
  const auto refuse_second = [&](const TimeEntryRecord& e) {
    return e.id == ids[1] ? Status(make_error(ErrorCode::Forbidden, "no")) : Status(Ok{});
  };
  EXPECT_TRUE(fails_with(store_->act_on_time_entries(a.workspace, a.bob, ids, TimeEntryAct::Delete, refuse_second),
                         ErrorCode::Forbidden));
  EXPECT_TRUE(succeeded(store_->find_time_entry(a.workspace, ids[0], a.bob))) << "nothing deleted";
  ASSERT_TRUE(succeeded(store_->act_on_time_entries(a.workspace, a.bob, ids, TimeEntryAct::Delete, allow)));
  EXPECT_TRUE(fails_with(store_->find_time_entry(a.workspace, ids[0], a.bob), ErrorCode::NotFound));
  EXPECT_TRUE(must(store_->time_entries_by_ids(a.workspace, ids, a.bob)).empty());
  EXPECT_TRUE(fails_with(store_->act_on_time_entries(a.workspace, a.bob, ids, TimeEntryAct::Archive, allow),
                         ErrorCode::NotFound));
  ASSERT_TRUE(succeeded(store_->act_on_time_entries(a.workspace, a.bob, ids, TimeEntryAct::Restore, allow)));
  EXPECT_EQ(must(store_->time_entries_by_ids(a.workspace, ids, a.bob)).size(), 2u);
  ASSERT_TRUE(succeeded(store_->act_on_time_entries(a.workspace, a.bob, {ids[0]}, TimeEntryAct::Archive, allow)));
  EXPECT_TRUE(must(store_->find_time_entry(a.workspace, ids[0], a.bob)).archived_at);
  ASSERT_TRUE(succeeded(store_->act_on_time_entries(a.workspace, a.bob, {ids[0]}, TimeEntryAct::Unarchive, allow)));
  EXPECT_FALSE(must(store_->find_time_entry(a.workspace, ids[0], a.bob)).archived_at);

  // A deleted running entry comes back only while no other runs.
  const auto first =
      must(store_->start_time_entry(a.workspace, a.bob, entry_at("2026-03-02T09:00:00Z"), domain::check_stop_by_start));
  ASSERT_TRUE(succeeded(store_->act_on_time_entries(a.workspace, a.bob, {first.id}, TimeEntryAct::Delete, allow)));
  EXPECT_TRUE(fails_with(store_->running_time_entry(a.workspace, a.bob), ErrorCode::NotFound));
  ASSERT_TRUE(succeeded(
      store_->start_time_entry(a.workspace, a.bob, entry_at("2026-03-02T10:00:00Z"), domain::check_stop_by_start)));
  EXPECT_TRUE(fails_with(store_->act_on_time_entries(a.workspace, a.bob, {first.id}, TimeEntryAct::Restore, allow),
                         ErrorCode::Conflict));
  ASSERT_TRUE(succeeded(store_->stop_time_entry(a.workspace, a.bob, "2026-03-02T11:00:00Z", domain::check_stop)));
  EXPECT_TRUE(succeeded(store_->act_on_time_entries(a.workspace, a.bob, {first.id}, TimeEntryAct::Restore, allow)));
  EXPECT_EQ(must(store_->running_time_entry(a.workspace, a.bob)).id, first.id);
}

TEST_P(StoreContract, AProjectsTotalLeavesOutRunningDeletedAndDeletedTasksEntries) {
  const Org a = make_org("a.test");
  const ProjectRecord site = project(a, a.owner, {.name = "Site"});
  const TaskRecord copy = task(a, a.owner, {.name = "Copy", .project_id = site.id});
  const auto seconds = [&] { return must(store_->find_project(a.workspace, site.id, a.owner, false)).tracked_seconds; };
  TimeEntryFields timer = entry_at("2026-03-01T09:00:00Z");
  timer.task_id = copy.id;
  ASSERT_TRUE(succeeded(store_->start_time_entry(a.workspace, a.bob, timer, domain::check_stop_by_start)));
  EXPECT_EQ(seconds(), 0);
  ASSERT_TRUE(succeeded(store_->stop_time_entry(a.workspace, a.bob, "2026-03-01T09:10:00Z", domain::check_stop)));
  EXPECT_EQ(seconds(), 600);
  TimeEntryWrite loose = stopped_at("2026-03-01T11:00:00Z", 60);
  loose.fields.project_id = site.id;
  loose.project_named = true;
  ASSERT_TRUE(succeeded(store_->create_time_entries(a.workspace, a.bob, {{a.bob.user_id, loose}})));
  EXPECT_EQ(seconds(), 660);
  ASSERT_TRUE(succeeded(store_->set_task_deleted(copy.id, true)));
  EXPECT_EQ(seconds(), 60);
  ASSERT_TRUE(succeeded(store_->set_task_deleted(copy.id, false)));
  EXPECT_EQ(seconds(), 660);
  const auto listed = must(store_->list_projects({.workspace_id = a.workspace, .viewer = a.owner}));
  ASSERT_EQ(listed.items.size(), 1u);
  EXPECT_EQ(listed.items[0].tracked_seconds, 660) << "the list reads the same total";
}

INSTANTIATE_TEST_SUITE_P(, StoreContract, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace focusd
