#include <gtest/gtest.h>

#include "auth/authenticator.h"
#include "auth/credentials.h"
#include "auth/crypto.h"

namespace focusd::auth {
namespace {

class AuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(init_crypto()); }
};

TEST_F(AuthTest, Base64RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(base64_encode("alice@example.com:pa:ss"), "YWxpY2VAZXhhbXBsZS5jb206cGE6c3M=");
  EXPECT_EQ(base64_decode("YWxpY2VAZXhhbXBsZS5jb206cGE6c3M="), "alice@example.com:pa:ss");
  EXPECT_EQ(base64_decode(""), "");
  EXPECT_EQ(base64_decode("YQ=="), "a");
  EXPECT_FALSE(base64_decode("YQ"));        // missing padding
  EXPECT_FALSE(base64_decode("Y!=="));      // bad alphabet
  EXPECT_FALSE(base64_decode("YQ==YQ=="));  // data after padding
  EXPECT_FALSE(base64_decode("YWJj ZA=="));
}

TEST_F(AuthTest, ParsesBasicCredentials) {
  auto parsed = parse_authorization("Basic " + base64_encode("a@b.c:p:w"));
  ASSERT_TRUE(parsed);
  auto& basic = std::get<BasicCredentials>(parsed.value());
  EXPECT_EQ(basic.email, "a@b.c");
  EXPECT_EQ(basic.password, "p:w");  // only the first colon splits
  EXPECT_TRUE(parse_authorization("basic " + base64_encode("a@b.c:")));
}

TEST_F(AuthTest, ParsesApiKeys) {
  const std::string key = "toggl_sk_0123456789abcdef0123456789abcdef";
  auto parsed = parse_authorization("Bearer " + key);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(std::get<ApiKeyCredentials>(parsed.value()).key, key);
  EXPECT_TRUE(is_api_key_format(generate_api_key()));
  EXPECT_NE(generate_api_key(), generate_api_key());
}

TEST_F(AuthTest, RejectsEverythingElseWithoutEchoingIt) {
  for (const std::string& header :
       {std::string(""), std::string("Basic"), std::string("Basic " + base64_encode("nocolon")),
        std::string("Basic " + base64_encode(":password")), std::string("Bearer toggl_sk_short"),
        std::string("Bearer toggl_sk_0123456789ABCDEF0123456789abcdef"),
        std::string("Bearer sk_0123456789abcdef0123456789abcdef"), std::string("Token abc"),
        std::string("Basic %%%%")}) {
    auto parsed = parse_authorization(header);
    ASSERT_FALSE(parsed) << header;
    EXPECT_EQ(parsed.error().code, ErrorCode::Unauthenticated);
    if (header.size() > 6) {
      EXPECT_EQ(parsed.error().description.find(header.substr(6)), std::string::npos);
    }
  }
}

TEST_F(AuthTest, PasswordsHashWithArgon2idAndVerify) {
  auto hash = hash_password("correct horse");
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password("correct horse", *hash));
  EXPECT_FALSE(verify_password("correct horsf", *hash));
  EXPECT_NE(*hash, *hash_password("correct horse"));  // salted
}

TEST_F(AuthTest, Sha256AndConstantTimeEqual) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

TEST_F(AuthTest, CredentialCacheRemembersOnlyWhatItWasGiven) {
  CredentialCache cache(std::chrono::seconds(60), 2);
  auto a = keyed_digest("a");
  auto b = keyed_digest("b");
  auto c = keyed_digest("c");
  EXPECT_FALSE(cache.contains(a));
  cache.insert(a);
  EXPECT_TRUE(cache.contains(a));
  EXPECT_FALSE(cache.contains(b));
  cache.insert(b);
  cache.insert(c);  // over capacity: the cache starts over rather than grow
  EXPECT_TRUE(cache.contains(c));
  EXPECT_FALSE(cache.contains(a));
}

TEST_F(AuthTest, ZeroTtlDisablesTheCache) {
  CredentialCache cache(std::chrono::seconds(0), 10);
  cache.insert(keyed_digest("a"));
  EXPECT_FALSE(cache.contains(keyed_digest("a")));
}

}  // namespace
}  // namespace focusd::auth
