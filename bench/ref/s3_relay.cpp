// The least work of a view relayed from S3, for bench/run --blobs: an HTTP
// server that answers every GET of PATH (one connection at a time,
// keep-alive) with the object at ENDPOINT + PATH, fetched by libcurl with its
// own SigV4 (as the curl GET the row compares with signs it) over one kept
// connection, each piece written to the client from libcurl's write callback
// as it arrives, through libcurl's buffer of focusd's size (256 KiB). No
// buffer of its own, thread hand-offs, ranges, ETag, access checks or
// database: what focusd's view does beyond this is the cost of serving it.
//
//   s3-relay ENDPOINT   credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
//                       region from AWS_REGION (default us-east-1); prints the
//                       port it listens on, then serves until killed.
#include <sys/socket.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "http_head.h"
#include "s3_curl.h"

namespace {

using focusd::blob::Libcurl;

constexpr long kBuffer = 256L * 1024;  // focusd's kStreamBuffer

// Sends all of `data`; false when the client has gone.
bool send_all(int client, std::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = ::send(client, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

struct Relay {
  const Libcurl* curl;
  CURL* easy;
  int client;
  bool head_sent = false;
};

// libcurl's write callback: the answer's head before the first piece, then
// each piece straight to the client.
std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& relay = *static_cast<Relay*>(user);
  if (!relay.head_sent) {
    long status = 0;
    curl_off_t length = -1;
    relay.curl->easy_getinfo(relay.easy, CURLINFO_RESPONSE_CODE, &status);
    relay.curl->easy_getinfo(relay.easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (status != 200 || length < 0) return 0;
    const std::string head =
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + std::to_string(length) +
        "\r\n\r\n";
    if (!send_all(relay.client, head)) return 0;
    relay.head_sent = true;
  }
  return send_all(relay.client, std::string_view(data, size * count)) ? size * count : 0;
}

// Answers the client's requests until it closes or one fails.
void serve(int client, const S3Curl& s3, const std::string& endpoint) {
  std::string in;
  char buffer[16 << 10];
  for (;;) {
    std::size_t head_end;
    while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
      if (got <= 0 || in.size() > (64 << 10)) return;
      in.append(buffer, static_cast<std::size_t>(got));
    }
    const std::size_t path = in.find(' ') + 1;
    const std::string url = endpoint + in.substr(path, in.find(' ', path) - path);
    in.erase(0, head_end + 4);
    Relay relay{s3.curl, s3.easy, client};
    s3.curl->easy_setopt(s3.easy, CURLOPT_URL, url.c_str());
    s3.curl->easy_setopt(s3.easy, CURLOPT_WRITEDATA, &relay);
    if (!s3.perform() || !relay.head_sent) return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: s3-relay ENDPOINT\n");
    return 2;
  }
  const std::string endpoint = argv[1];
  const auto s3 = S3Curl::open("s3-relay");
  if (!s3) return 1;
  s3->curl->easy_setopt(s3->easy, CURLOPT_BUFFERSIZE, kBuffer);
  s3->curl->easy_setopt(s3->easy, CURLOPT_WRITEFUNCTION, on_body);
  const int listener = listen_on_loopback("s3-relay");
  if (listener < 0) return 1;
  serve_one_at_a_time(listener, [&](int client) { serve(client, *s3, endpoint); });
}
