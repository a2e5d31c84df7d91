// The request-body readers of domain/ other than projects and tasks: members,
// groups, clients and tags, rates and attachment updates. Each case is a body
// and either what it reads as or the field its error names.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <limits>

#include "domain/attachment_input.h"
#include "domain/catalog_input.h"
#include "domain/member_input.h"
#include "domain/rates.h"
#include "domain/roles.h"

namespace focusd::domain {
namespace {

boost::json::object obj(const std::string& text) {
  return boost::json::parse(text).as_object();
}

// The field a refused body's InvalidArgument names.
template <class T>
std::string refused_field(const Result<T>& result) {
  if (result) return "(accepted)";
  if (result.error().code != ErrorCode::InvalidArgument) return "(not InvalidArgument)";
  if (result.error().values.size() != 1) return "(names " + std::to_string(result.error().values.size()) + ")";
  return result.error().values.begin()->first;
}

struct Refusal {
  const char* body;
  const char* field;
};

std::string manager_role() {
  for (const auto& role : roles()) {
    if (role.entity == "project" && project_role_is_manager(role.id) == true) return std::to_string(role.id);
  }
  ADD_FAILURE() << "no project manager role";
  return "0";
}

std::string member_role() {
  for (const auto& role : roles()) {
    if (role.entity == "project" && project_role_is_manager(role.id) == false) return std::to_string(role.id);
  }
  ADD_FAILURE() << "no project member role";
  return "0";
}

TEST(MemberInput, AnAdditionNamesUsersOrGroupsAndAProjectRole) {
  auto in = read_member_addition(obj(R"({"user_ids":[3,1,3],"group_ids":null,"role_id":)" + manager_role() + "}"));
  ASSERT_TRUE(in) << in.error().description;
  EXPECT_EQ(in->user_ids, (std::vector<std::int64_t>{3, 1}));
  EXPECT_TRUE(in->group_ids.empty());
  EXPECT_TRUE(in->manager);
  auto groups = read_member_addition(obj(R"({"group_ids":[7],"role_id":)" + member_role() + "}"));
  ASSERT_TRUE(groups);
  EXPECT_EQ(groups->group_ids, (std::vector<std::int64_t>{7}));
  EXPECT_FALSE(groups->manager);
}

TEST(MemberInput, BadAdditionsNameTheirField) {
  const std::string role = member_role();
  const std::string cases[][2] = {
      {R"({"user_ids":[1]})", "role_id"},
      {R"({"user_ids":[1],"role_id":999999})", "role_id"},
      {R"({"user_ids":[1],"role_id":"1"})", "role_id"},
      {R"({"role_id":)" + role + "}", "user_ids"},
      {R"({"user_ids":[],"group_ids":[],"role_id":)" + role + "}", "user_ids"},
      {R"({"user_ids":[0],"role_id":)" + role + "}", "user_ids"},
      {R"({"group_ids":"7","role_id":)" + role + "}", "group_ids"},
      {R"({"user_ids":[1],"role_id":)" + role + R"(,"manager":true})", "manager"},
  };
  for (const auto& [body, field] : cases) EXPECT_EQ(refused_field(read_member_addition(obj(body))), field) << body;
}

TEST(MemberInput, ARoleChangeOrRemovalNamesExactlyOneUserOrGroup) {
  const std::string role = manager_role();
  auto change = read_member_role_change(obj(R"({"group_id":4,"user_id":null,"role_id":)" + role + "}"));
  ASSERT_TRUE(change);
  EXPECT_EQ(change->member.group_id, 4);
  EXPECT_FALSE(change->member.user_id);
  EXPECT_TRUE(change->manager);
  auto removal = read_member_removal(obj(R"({"user_id":9})"));
  ASSERT_TRUE(removal);
  EXPECT_EQ(removal->user_id, 9);
  EXPECT_EQ(refused_field(read_member_removal(obj(R"({"user_id":9,"group_id":4})"))), "user_id");
  EXPECT_EQ(refused_field(read_member_removal(obj("{}"))), "user_id");
  EXPECT_EQ(refused_field(read_member_removal(obj(R"({"user_id":9,"role_id":)" + role + "}"))), "role_id");
  EXPECT_EQ(refused_field(read_member_role_change(obj(R"({"user_id":9})"))), "role_id");
  EXPECT_EQ(refused_field(read_member_role_change(obj(R"({"user_id":-9,"role_id":)" + role + "}"))), "user_id");
}

TEST(GroupInput, AGroupHasANameAndOptionallyAnEmojiUsersAndWorkspaces) {
  auto in = read_group_input(obj(R"({"name":" Team ","emoji":"🚀","organization_users":[2,2],"workspaces":[1]})"));
  ASSERT_TRUE(in);
  EXPECT_EQ(in->name, "Team");
  EXPECT_EQ(in->emoji, "🚀");
  EXPECT_EQ(in->user_ids, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(in->workspace_ids, (std::vector<std::int64_t>{1}));
  const Refusal cases[] = {
      {R"({})", "name"},
      {R"({"name":""})", "name"},
      {R"({"name":"T","emoji":3})", "emoji"},
      {R"({"name":"T","emoji":"0123456789012345678901234567890123"})", "emoji"},
      {R"({"name":"T","organization_users":[1.5]})", "organization_users"},
      {R"({"name":"T","workspaces":{}})", "workspaces"},
      {R"({"name":"T","users":[1]})", "users"},
  };
  for (const auto& c : cases) EXPECT_EQ(refused_field(read_group_input(obj(c.body))), c.field) << c.body;
}

TEST(CatalogInput, ClientsMayHaveACurrencyAndTagsMustHaveAColor) {
  auto client = read_catalog_input(obj(R"({"name":"Acme"})"), Catalog::Clients);
  ASSERT_TRUE(client);
  EXPECT_EQ(client->name, "Acme");
  EXPECT_FALSE(client->extra);
  EXPECT_EQ(read_catalog_input(obj(R"({"name":"Acme","currency":"EUR"})"), Catalog::Clients)->extra, "EUR");
  EXPECT_EQ(read_catalog_input(obj(R"({"name":"Red","color":"#ff0000"})"), Catalog::Tags)->extra, "#ff0000");
  EXPECT_STREQ(extra_field(Catalog::Clients), "currency");
  EXPECT_STREQ(extra_field(Catalog::Tags), "color");
  const struct {
    const char* body;
    Catalog catalog;
    const char* field;
  } cases[] = {
      {R"({"currency":"EUR"})", Catalog::Clients, "name"},
      {R"({"name":"Acme","currency":"XYZ"})", Catalog::Clients, "currency"},
      {R"({"name":"Acme","currency":1})", Catalog::Clients, "currency"},
      {R"({"name":"Acme","color":"#ff0000"})", Catalog::Clients, "color"},
      {R"({"name":"Red"})", Catalog::Tags, "color"},
      {R"({"name":"Red","color":null})", Catalog::Tags, "color"},
      {R"({"name":"Red","color":"red"})", Catalog::Tags, "color"},
      {R"({"name":"Red","color":"#ff0000","currency":"EUR"})", Catalog::Tags, "currency"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(refused_field(read_catalog_input(obj(c.body), c.catalog)), c.field) << c.body;
  }
}

TEST(RateInput, ARateHasAnAmountACurrencyAndAnOrderedPeriod) {
  auto rate = read_rate_input(obj(R"({"hourly_rate":12.5,"currency":"EUR","start_at":"2026-01-01"})"));
  ASSERT_TRUE(rate) << rate.error().description;
  EXPECT_EQ(rate->hourly_rate, 12.5);
  EXPECT_EQ(rate->currency, "EUR");
  EXPECT_EQ(rate->start_at, "2026-01-01T00:00:00Z");
  EXPECT_FALSE(rate->end_at);
  auto ended = read_rate_input(
      obj(R"({"hourly_rate":0,"currency":"USD","start_at":"2026-01-01T00:00:00Z","end_at":"2026-02-01"})"));
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->end_at, "2026-02-01T00:00:00Z");
  const Refusal cases[] = {
      {R"({"currency":"EUR","start_at":"2026-01-01"})", "hourly_rate"},
      {R"({"hourly_rate":-1,"currency":"EUR","start_at":"2026-01-01"})", "hourly_rate"},
      {R"({"hourly_rate":"1","currency":"EUR","start_at":"2026-01-01"})", "hourly_rate"},
      {R"({"hourly_rate":1,"currency":"eur","start_at":"2026-01-01"})", "currency"},
      {R"({"hourly_rate":1,"currency":"EUR"})", "start_at"},
      {R"({"hourly_rate":1,"currency":"EUR","start_at":"January"})", "start_at"},
      {R"({"hourly_rate":1,"currency":"EUR","start_at":"2026-02-01","end_at":"2026-02-01"})", "end_at"},
      {R"({"hourly_rate":1,"currency":"EUR","start_at":"2026-01-01","rate":1})", "rate"},
  };
  for (const auto& c : cases) EXPECT_EQ(refused_field(read_rate_input(obj(c.body))), c.field) << c.body;
}

TEST(AttachmentInput, AnUpdateNamesTheAttachmentAndItsDisplayOrder) {
  auto patch = read_attachment_patch(obj(R"({"name":" plan.pdf ","display_order":-3})"));
  ASSERT_TRUE(patch);
  EXPECT_EQ(patch->name, "plan.pdf");
  EXPECT_EQ(patch->display_order, -3);
  EXPECT_TRUE(read_attachment_patch(obj(R"({"name":"a","display_order":1e15})")));
  EXPECT_TRUE(read_attachment_patch(obj(R"({"name":"a","display_order":2.0})")));  // a whole number all the same
  const Refusal cases[] = {
      {R"({"display_order":1})", "name"},
      {R"({"name":"a"})", "display_order"},
      {R"({"name":"a","display_order":"1"})", "display_order"},
      {R"({"name":"a","display_order":1.5e15})", "display_order"},
      {R"({"name":"a","display_order":1.5})", "display_order"},  // the attachment's display_order is an integer
      {R"({"name":"","display_order":1})", "name"},
      {R"({"name":"a","display_order":1,"size":3})", "size"},
  };
  for (const auto& c : cases) EXPECT_EQ(refused_field(read_attachment_patch(obj(c.body))), c.field) << c.body;
  EXPECT_TRUE(is_display_order(-1e15));
  EXPECT_FALSE(is_display_order(std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(is_display_order(std::numeric_limits<double>::quiet_NaN()));
}

}  // namespace
}  // namespace focusd::domain
