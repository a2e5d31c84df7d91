#pragma once
// The request and response types shared by http/ and api/.

#include <boost/beast/http.hpp>

namespace focusd {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using RequestHead = http::request_header<>;
using Response = http::response<http::string_body>;

}  // namespace focusd
