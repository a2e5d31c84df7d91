#include "api/errors.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace focusd::api {
namespace {

TEST(Errors, EveryCodeHasItsStatusAndName) {
  struct Case {
    ErrorCode code;
    unsigned status;
    const char* name;
  };
  for (const auto& c : std::vector<Case>{{ErrorCode::InvalidArgument, 400, "validation"},
                                         {ErrorCode::Unauthenticated, 401, "unauthorized"},
                                         {ErrorCode::QuotaExceeded, 402, "quota_exceeded"},
                                         {ErrorCode::Forbidden, 403, "forbidden"},
                                         {ErrorCode::NotFound, 404, "not_found"},
                                         {ErrorCode::MethodNotAllowed, 405, "method_not_allowed"},
                                         {ErrorCode::Conflict, 409, "conflict"},
                                         {ErrorCode::PayloadTooLarge, 413, "payload_too_large"},
                                         {ErrorCode::UnsupportedMediaType, 415, "unsupported_media_type"},
                                         {ErrorCode::HeaderTooLarge, 431, "header_too_large"},
                                         {ErrorCode::Internal, 500, "internal"},
                                         {ErrorCode::Unavailable, 503, "unavailable"}}) {
    EXPECT_EQ(static_cast<unsigned>(http_status(c.code)), c.status) << c.name;
    EXPECT_STREQ(error_name(c.code), c.name);
  }
}

TEST(Errors, BodyHasTheFocusShape) {
  auto body = error_body(invalid("color", "must be #rrggbb"), "req-1");
  EXPECT_EQ(body.at("error").as_string(), "validation");
  EXPECT_EQ(body.at("error_description").as_string(), "invalid color: must be #rrggbb");
  EXPECT_EQ(body.at("error_values").at("color").as_string(), "must be #rrggbb");
  EXPECT_EQ(body.at("trace_id").as_string(), "req-1");
  EXPECT_FALSE(error_body(make_error(ErrorCode::NotFound, "x"), "r").contains("error_values"));
}

TEST(Errors, InternalDetailNeverReachesTheClient) {
  auto res = error_response(internal_error("sqlite: disk I/O error at /secret/path"), "r");
  EXPECT_EQ(res.result_int(), 500u);
  EXPECT_EQ(res.body().find("secret"), std::string::npos);
  EXPECT_EQ(boost::json::parse(res.body()).at("error").as_string(), "internal");
}

TEST(Errors, UnauthorizedCarriesTheChallenge) {
  auto res = error_response(make_error(ErrorCode::Unauthenticated, "no"), "r");
  EXPECT_EQ(res[http::field::www_authenticate], "Basic realm=\"focusd\"");
  EXPECT_EQ(res[http::field::content_type], "application/json; charset=utf-8");
}

}  // namespace
}  // namespace focusd::api
