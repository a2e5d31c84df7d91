// The bounded memory of project reads (store/postgres/read_cache.h); that a
// remembered read is never served stale is tested end to end on PostgreSQL
// (e2e/nodes_test.cpp).
#include "store/postgres/read_cache.h"

#include <gtest/gtest.h>

namespace focusd::postgres {
namespace {

ProjectReadCache::Key key_of(std::int64_t project_id, std::int64_t user_id = 1) {
  return {user_id, 10, std::nullopt, project_id, false};
}

ProjectReadCache::Entry entry_of(std::int64_t epoch, const std::string& name) {
  ProjectReadCache::Entry entry;
  entry.epoch = epoch;
  entry.found.project.fields.name = name;
  return entry;
}

TEST(ProjectReadCache, RemembersWhatItWasGivenUnderItsWholeKey) {
  ProjectReadCache cache(64);
  cache.remember(key_of(1), entry_of(7, "one"));
  const auto found = cache.find(key_of(1));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->epoch, 7);
  EXPECT_EQ(found->found.project.fields.name, "one");

  EXPECT_FALSE(cache.find(key_of(1, 2))) << "another caller";
  EXPECT_FALSE(cache.find({1, 10, 3, 1, false})) << "another organization in the path";
  EXPECT_FALSE(cache.find({1, 10, std::nullopt, 1, true})) << "deleted ones asked for";
  EXPECT_FALSE(cache.find({1, 11, std::nullopt, 1, false})) << "another workspace";

  cache.remember(key_of(1), entry_of(8, "one again"));
  EXPECT_EQ(cache.find(key_of(1))->epoch, 8);
}

TEST(ProjectReadCache, NoneRemembersNothing) {
  ProjectReadCache cache(0);
  EXPECT_FALSE(cache.enabled());
  cache.remember(key_of(1), entry_of(1, "one"));
  EXPECT_FALSE(cache.find(key_of(1)));
}

TEST(ProjectReadCache, HoldsNoMoreThanItsCapacity) {
  constexpr std::size_t kCapacity = 32;  // 2 per shard
  ProjectReadCache cache(kCapacity);
  for (std::int64_t id = 1; id <= 1000; ++id) cache.remember(key_of(id), entry_of(id, "p"));
  std::size_t held = 0;
  for (std::int64_t id = 1; id <= 1000; ++id) held += cache.find(key_of(id)) != nullptr;
  EXPECT_GT(held, 0u);
  EXPECT_LE(held, kCapacity);
  EXPECT_TRUE(cache.find(key_of(1000))) << "the newest is kept";
}

}  // namespace
}  // namespace focusd::postgres
