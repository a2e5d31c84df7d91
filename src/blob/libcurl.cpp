#include "blob/libcurl.h"

#include <dlfcn.h>

#include <mutex>
#include <optional>
#include <string>

namespace focusd::blob {

namespace {

template <class F>
bool bind(void* library, F& target, const char* name) {
  void* symbol = ::dlsym(library, name);
  target = reinterpret_cast<F>(symbol);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast): dlsym's contract
  return symbol != nullptr;
}

Result<Libcurl> load() {
  // Never closed: transfers may live until the process ends.
  void* library = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char* why = ::dlerror();
    return internal_error(std::string("cannot load libcurl (Debian package libcurl4): ") + (why ? why : "unknown"));
  }
  Libcurl l{};
  decltype(&::curl_global_init) global_init = nullptr;
  const bool all =
      bind(library, global_init, "curl_global_init") && bind(library, l.easy_init, "curl_easy_init") &&
      bind(library, l.easy_setopt, "curl_easy_setopt") && bind(library, l.easy_getinfo, "curl_easy_getinfo") &&
      bind(library, l.easy_cleanup, "curl_easy_cleanup") && bind(library, l.easy_reset, "curl_easy_reset") &&
      bind(library, l.easy_pause, "curl_easy_pause") && bind(library, l.easy_strerror, "curl_easy_strerror") &&
      bind(library, l.multi_init, "curl_multi_init") && bind(library, l.multi_cleanup, "curl_multi_cleanup") &&
      bind(library, l.multi_add_handle, "curl_multi_add_handle") &&
      bind(library, l.multi_remove_handle, "curl_multi_remove_handle") &&
      bind(library, l.multi_perform, "curl_multi_perform") && bind(library, l.multi_poll, "curl_multi_poll") &&
      bind(library, l.multi_info_read, "curl_multi_info_read") && bind(library, l.slist_append, "curl_slist_append") &&
      bind(library, l.slist_free_all, "curl_slist_free_all");
  if (!all) return internal_error("libcurl.so.4 lacks a function focusd needs (7.88 or later is required)");
  if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return internal_error("curl_global_init failed");
  return l;
}

}  // namespace

Result<const Libcurl*> libcurl() {
  static std::mutex mutex;
  static std::optional<Libcurl> loaded;
  std::lock_guard lock(mutex);
  if (!loaded) {
    auto l = load();
    if (!l) return l.error();
    loaded = *l;
  }
  return &*loaded;
}

}  // namespace focusd::blob
