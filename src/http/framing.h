#pragma once
// The framing rules of RFC 9112 that Beast's parser leaves to us: Host
// (§3.2), Transfer-Encoding (§6.1) and the message body length (§6.3). A
// request that breaks one is answered and its connection closed: the length of
// its body is unknown, so the bytes after its head must never be read as
// another request (request smuggling behind a proxy that frames differently).

#include <optional>

#include "api/types.h"
#include "common/result.h"

namespace focusd::http_framing {

// nullopt when the head frames its message soundly. Otherwise the refusal:
// InvalidArgument (400) for a missing or repeated Host in HTTP/1.1, a
// Transfer-Encoding in HTTP/1.0, with a Content-Length, without `chunked` as
// its final coding or with `chunked` twice; NotImplemented (501) for a
// coding we do not implement before the final `chunked` (`gzip, chunked`).
// `parser_chunked` is what Beast's parser concluded; a head on which the two
// readings differ is refused as well.
std::optional<Error> check(const RequestHead& head, bool parser_chunked);

}  // namespace focusd::http_framing
