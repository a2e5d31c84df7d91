#pragma once
// The request and response types shared by http/ and api/.

#include <boost/asio/io_context.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <utility>

#include "common/byte_source.h"

namespace focusd {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using RequestHead = http::request_header<>;
using Response = http::response<http::string_body>;

namespace api {

// What a handler answers: a response and, when the body is bytes to be read
// rather than text in hand (an attachment), the source of that body. The
// transport then sends the response's head with Content-Length set to the
// source's length (the response's own body is ignored), and after it the
// source's bytes, or none for HEAD. A handler makes one without a socket; the
// transport needs to know nothing of where the bytes come from.
struct Reply {
  Reply(Response response) : response(std::move(response)) {}  // NOLINT(google-explicit-constructor): most replies
  Reply(Response response, ByteSource body) : response(std::move(response)), body(std::move(body)) {}

  Response response;
  std::optional<ByteSource> body;
  // Where the body's blocking reads (and sendfile calls) run: null for the
  // blocking pool, the blob pool for a blob's bytes (Services::blob_work).
  boost::asio::io_context* body_pool = nullptr;
};

}  // namespace api

}  // namespace focusd
