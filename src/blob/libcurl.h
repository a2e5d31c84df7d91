#pragma once
// libcurl, loaded (dlopen) the first time an S3 store makes a request, not when
// focusd starts: a focusd keeping its blobs on disk never maps it and the
// libraries it brings (nghttp2, libssh2, Kerberos, LDAP…), as with libpq
// (store/postgres/libpq.h). curl/curl.h declares the types and functions;
// calls go through the pointers of this table.

#include <curl/curl.h>

#include "common/result.h"

namespace focusd::blob {

struct Libcurl {
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_easy_pause) easy_pause;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_multi_init) multi_init;
  decltype(&::curl_multi_cleanup) multi_cleanup;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_multi_remove_handle) multi_remove_handle;
  decltype(&::curl_multi_perform) multi_perform;
  decltype(&::curl_multi_poll) multi_poll;
  decltype(&::curl_multi_info_read) multi_info_read;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
};

// The table, libcurl loaded (and curl_global_init run) on the first call.
// Internal when libcurl.so.4 cannot be loaded (Debian package libcurl4) or
// lacks a function; the next call tries again.
Result<const Libcurl*> libcurl();

}  // namespace focusd::blob
