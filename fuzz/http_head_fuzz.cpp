// The HTTP request head as the server reads it: Beast's parser with
// focusd's head limit, the framing rules (Host, Transfer-Encoding,
// Content-Length), then the route lookup (typed id segments) and the
// query string, as admission does.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "api/query.h"
#include "api/router.h"
#include "http/framing.h"

namespace {

focusd::api::Router& router() {
  using namespace focusd::api;
  static Router instance([] {
    std::vector<Route> routes;
    for (const char* pattern : {"/api/organizations/{organization_id}/workspaces/{workspace_id}/projects",
                                "/api/organizations/{organization_id}/workspaces/{workspace_id}/projects/{project_id}",
                                "/api/organizations/{organization_id}/workspaces/{workspace_id}/tasks/{task_id}/"
                                "attachments/{attachment_id}/view",
                                "/api/workspaces/{workspace_id}/tags/{tag_id}", "/healthz"}) {
      routes.push_back(Route{boost::beast::http::verb::get, pattern, nullptr, BodyKind::None, Access::Authenticated});
      routes.push_back(Route{boost::beast::http::verb::put, pattern, nullptr, BodyKind::Json, Access::Authenticated});
    }
    return routes;
  }());
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = boost::beast::http;
  http::request_parser<http::empty_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(boost::none);
  parser.eager(false);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_header_done()) return 0;
  const auto& head = parser.get();
  const std::string_view target = head.target();
  auto lookup = router().lookup(head.method(), target.substr(0, target.find('?')));
  (void)lookup;
  (void)focusd::api::Query::parse(target);
  (void)parser.content_length();
  (void)parser.keep_alive();
  (void)focusd::http_framing::check(head.base(), parser.chunked());
  return 0;
}
