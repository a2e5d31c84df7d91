#pragma once
// What the S3 references of bench/run (s3-relay, upload-sink --s3) share: one
// libcurl handle signing with libcurl's own SigV4 (credentials from
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, region from AWS_REGION, default
// us-east-1), whose transfers run through one multi handle that keeps the
// connection to the store between them.
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "blob/libcurl.h"

struct S3Curl {
  const focusd::blob::Libcurl* curl = nullptr;
  CURLM* multi = nullptr;
  CURL* easy = nullptr;

  // The handle, set up to sign; nullopt (after a message) without libcurl or credentials.
  static std::optional<S3Curl> open(const char* program) {
    const char* access_key = std::getenv("AWS_ACCESS_KEY_ID");      // NOLINT(concurrency-mt-unsafe): one thread
    const char* secret_key = std::getenv("AWS_SECRET_ACCESS_KEY");  // NOLINT(concurrency-mt-unsafe)
    const char* region = std::getenv("AWS_REGION");                 // NOLINT(concurrency-mt-unsafe)
    auto loaded = focusd::blob::libcurl();
    if (!loaded || !access_key || !secret_key) {
      std::fprintf(stderr, "%s: needs libcurl and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY\n", program);
      return std::nullopt;
    }
    const std::string sigv4 = std::string("aws:amz:") + (region ? region : "us-east-1") + ":s3";  // copied by libcurl
    S3Curl s3{*loaded, (*loaded)->multi_init(), (*loaded)->easy_init()};
    curl_slist* headers = s3.curl->slist_append(nullptr, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
    s3.curl->easy_setopt(s3.easy, CURLOPT_HTTPHEADER, headers);
    s3.curl->easy_setopt(s3.easy, CURLOPT_EXPECT_100_TIMEOUT_MS, 0L);  // a body goes without waiting for a 100
    s3.curl->easy_setopt(s3.easy, CURLOPT_AWS_SIGV4, sigv4.c_str());
    s3.curl->easy_setopt(s3.easy, CURLOPT_USERNAME, access_key);
    s3.curl->easy_setopt(s3.easy, CURLOPT_PASSWORD, secret_key);
    s3.curl->easy_setopt(s3.easy, CURLOPT_NOSIGNAL, 1L);
    return s3;
  }

  // One transfer of the handle as set; true when it ended with a 2xx.
  bool perform() const {
    curl->multi_add_handle(multi, easy);
    for (int running = 1; running;) {
      if (curl->multi_perform(multi, &running) != CURLM_OK) break;
      if (running) curl->multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
    CURLcode result = CURLE_RECV_ERROR;
    int left = 0;
    while (CURLMsg* message = curl->multi_info_read(multi, &left)) {
      if (message->msg == CURLMSG_DONE) result = message->data.result;
    }
    curl->multi_remove_handle(multi, easy);
    long status = 0;
    curl->easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    return result == CURLE_OK && status / 100 == 2;
  }
};
