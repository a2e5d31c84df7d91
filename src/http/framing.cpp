#include "http/framing.h"

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "common/strings.h"

namespace focusd::http_framing {

namespace {

// The codings of every Transfer-Encoding field, in order. Empty list
// elements are allowed by the list syntax (RFC 9110 §5.6.1) and skipped.
std::vector<std::string_view> codings_of(const RequestHead& head) {
  std::vector<std::string_view> codings;
  for (auto it = head.find(http::field::transfer_encoding);
       it != head.end() && it->name() == http::field::transfer_encoding; ++it) {
    std::string_view value(it->value().data(), it->value().size());
    while (!value.empty()) {
      const auto comma = value.find(',');
      const auto coding = trim(value.substr(0, comma));
      if (!coding.empty()) codings.push_back(coding);
      value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    }
  }
  return codings;
}

bool is_chunked(std::string_view coding) {
  return iequals(coding, "chunked");
}

std::optional<Error> check_host(const RequestHead& head) {
  const auto hosts = head.count(http::field::host);
  if (hosts > 1) return invalid("Host", "must appear once");
  if (hosts == 0 && head.version() >= 11) return invalid("Host", "is required in HTTP/1.1");
  return std::nullopt;
}

std::optional<Error> check_transfer_encoding(const RequestHead& head, bool parser_chunked) {
  if (head.count(http::field::transfer_encoding) == 0) {
    if (parser_chunked) return invalid("Transfer-Encoding", "cannot be read");
    return std::nullopt;
  }
  if (head.version() < 11) return invalid("Transfer-Encoding", "is not allowed in HTTP/1.0");
  if (head.count(http::field::content_length) > 0) {
    return invalid("Transfer-Encoding", "must not be sent together with Content-Length");
  }
  const auto codings = codings_of(head);
  if (codings.empty() || !is_chunked(codings.back())) {
    return invalid("Transfer-Encoding", "the final transfer coding must be chunked");
  }
  const auto before_last = std::span(codings).first(codings.size() - 1);
  if (std::any_of(before_last.begin(), before_last.end(), is_chunked)) {
    return invalid("Transfer-Encoding", "chunked may be applied only once");
  }
  if (!before_last.empty()) {
    return make_error(ErrorCode::NotImplemented,
                      "transfer coding '" + std::string(before_last.front()) + "' is not implemented");
  }
  if (!parser_chunked) return invalid("Transfer-Encoding", "cannot be read");
  return std::nullopt;
}

}  // namespace

std::optional<Error> check(const RequestHead& head, bool parser_chunked) {
  if (auto bad = check_host(head)) return bad;
  return check_transfer_encoding(head, parser_chunked);
}

}  // namespace focusd::http_framing
