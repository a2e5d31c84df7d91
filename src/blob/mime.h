#pragma once
// Content sniffing for attachments: the type comes from the bytes (libmagic);
// the type the client declared is only a hint, used when the bytes say no
// more than "some text" or "some bytes".

#include <string>
#include <string_view>

namespace focusd::blob {

// `head` is the first bytes of the content (a few KiB suffice); `declared` the
// part's Content-Type (may be empty or carry parameters).
std::string sniff_mime_type(std::string_view head, std::string_view declared);

// True for types a browser could run or render as a page: served only as
// `attachment`, never `inline`.
bool is_active_content(std::string_view mime_type);

}  // namespace focusd::blob
