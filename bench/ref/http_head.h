#pragma once
// What the HTTP references of bench/run (upload-sink, sqlite-creates --http,
// s3-relay) share: a loopback listener, its clients served one at a time, and
// a header's value in a request head.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <string>

#include "common/strings.h"

// A listening socket on 127.0.0.1 at a free port, whose number it prints on
// stdout (a line) for bench/run; -1 when none could be opened.
inline int listen_on_loopback(const char* program) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener, 16) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::perror(program);
    return -1;
  }
  std::printf("%u\n", ntohs(address.sin_port));
  std::fflush(stdout);
  return listener;
}

// Accepts the listener's clients one after another, for ever: each with
// TCP_NODELAY, `serve(client)` until it returns, then closed.
template <class Serve>
[[noreturn]] void serve_one_at_a_time(int listener, Serve serve) {
  for (;;) {
    const int client = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    const int one = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    serve(client);
    ::close(client);
  }
}

// The value of header `name` (lower case) in `head`, or "".
inline std::string header(const std::string& head, const std::string& name) {
  std::string lower = head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto at = lower.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  const auto start = at + name.size() + 3;
  return std::string(focusd::trim(std::string_view(head).substr(start, head.find("\r\n", start) - start)));
}
