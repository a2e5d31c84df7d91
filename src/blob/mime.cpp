#include "blob/mime.h"

#include <magic.h>

#include <memory>
#include <mutex>

namespace focusd::blob {

namespace {

constexpr std::string_view kOctetStream = "application/octet-stream";

// libmagic cookies are not thread-safe, and each maps the whole magic
// database (about 6 MiB): one cookie, loaded once, used under a lock (a
// sniff looks at a few KiB once per uploaded file).
std::mutex magic_mutex;

magic_t cookie() {
  struct Closer {
    void operator()(magic_t m) const { magic_close(m); }
  };
  static std::unique_ptr<std::remove_pointer_t<magic_t>, Closer> handle = [] {
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    if (m && magic_load(m, nullptr) != 0) {
      magic_close(m);
      m = nullptr;
    }
    return std::unique_ptr<std::remove_pointer_t<magic_t>, Closer>(m);
  }();
  return handle.get();
}

// "Text/CSV; charset=utf-8" -> "text/csv"; empty when not type/subtype.
std::string essence(std::string_view type) {
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  const auto slash = type.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == type.size() || type.size() > 127) return "";
  std::string out;
  for (char c : type) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '+' || c == '-';
    if (!ok) return "";
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::string sniff_mime_type(std::string_view head, std::string_view declared_type) {
  std::string declared = essence(declared_type);
  std::string sniffed;
  if (!head.empty()) {
    std::lock_guard lock(magic_mutex);
    if (magic_t m = cookie()) {
      if (const char* type = magic_buffer(m, head.data(), head.size())) sniffed = essence(type);
    }
  }
  // Bytes that say only "text" or "binary" leave the choice to the client's word.
  const bool generic =
      sniffed.empty() || sniffed == kOctetStream || sniffed == "application/x-empty" || sniffed == "inode/x-empty";
  if (generic) return declared.empty() ? std::string(kOctetStream) : declared;
  if (sniffed == "text/plain" && declared.rfind("text/", 0) == 0) return declared;
  if (sniffed == "text/plain" && (declared == "application/json" || declared == "application/xml")) return declared;
  return sniffed;
}

bool is_active_content(std::string_view mime_type) {
  static constexpr std::string_view kActive[] = {"text/html",
                                                 "application/xhtml+xml",
                                                 "image/svg+xml",
                                                 "text/xml",
                                                 "application/xml",
                                                 "text/javascript",
                                                 "application/javascript",
                                                 "application/x-javascript",
                                                 "application/ecmascript",
                                                 "text/ecmascript"};
  for (auto active : kActive) {
    if (mime_type == active) return true;
  }
  return mime_type.size() > 4 && mime_type.substr(mime_type.size() - 4) == "+xml";
}

}  // namespace focusd::blob
