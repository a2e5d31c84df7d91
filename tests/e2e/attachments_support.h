#pragma once
// Helpers for attachment tests: multipart bodies and uploads over real HTTP.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support.h"

namespace focusd::test {

inline const std::string kBoundary = "focusd-test-boundary-7MA4YWxkTrZu0gW";

struct Part {
  std::string name;
  std::optional<std::string> filename;  // set for file parts
  std::string data;
  std::string content_type;  // sent when not empty
};

inline Part file_part(std::string name, std::string filename, std::string data,
                      std::string content_type = "application/octet-stream") {
  return Part{std::move(name), std::move(filename), std::move(data), std::move(content_type)};
}
inline Part field(std::string name, std::string value) {
  return Part{std::move(name), std::nullopt, std::move(value), ""};
}

// The head of one part (from its delimiter through the blank line).
inline std::string part_head(const Part& part, const std::string& boundary = kBoundary) {
  std::string head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.name + "\"";
  if (part.filename) head += "; filename=\"" + *part.filename + "\"";
  head += "\r\n";
  if (!part.content_type.empty()) head += "Content-Type: " + part.content_type + "\r\n";
  return head + "\r\n";
}

inline std::string multipart_body(const std::vector<Part>& parts, const std::string& boundary = kBoundary) {
  std::string body;
  for (const auto& part : parts) body += part_head(part, boundary) + part.data + "\r\n";
  return body + "--" + boundary + "--\r\n";
}

inline Headers multipart_headers(const SeededUser& user, const std::string& boundary = kBoundary) {
  Headers headers = user.basic();
  headers.emplace_back("Content-Type", "multipart/form-data; boundary=" + boundary);
  return headers;
}

inline HttpResponse upload(HttpClient& client, const SeededUser& user, const std::string& target,
                           const std::vector<Part>& parts) {
  return client.request("POST", target, multipart_headers(user), multipart_body(parts));
}

// Files under a directory of the data dir (e.g. "tmp", "blobs").
inline std::size_t files_under(const std::filesystem::path& dir) {
  std::size_t n = 0;
  if (!std::filesystem::exists(dir)) return 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) n += entry.is_regular_file();
  return n;
}

// Temp files of uploads under the data dir's tmp/: every file there but the
// empty spares the server makes ahead of need (which fsck does not count either).
inline std::size_t upload_temps(const std::filesystem::path& data_dir) {
  std::size_t n = 0;
  if (!std::filesystem::exists(data_dir / "tmp")) return 0;
  std::error_code ec;  // a file may go while it is looked at
  for (const auto& entry : std::filesystem::directory_iterator(data_dir / "tmp", ec)) {
    const bool spare = entry.path().filename().string().starts_with("spare-") && entry.file_size(ec) == 0 && !ec;
    n += entry.is_regular_file(ec) && !spare;
  }
  return n;
}

// The blobs `server`'s store holds once orphans are swept: the files under
// data_dir/blobs (a delete takes its bytes at once); on S3, where a delete
// leaves the bytes to the sweep, what is left after `admin fsck --repair`
// (the tests' servers spare nothing: --blob-orphan-grace 0).
inline std::size_t settled_blobs(const FocusdServer& server) {
  if (server.blobs().empty()) return files_under(server.data_dir() / "blobs");
  const auto report = boost::json::parse(server.admin({"fsck", "--repair"}).out).as_object();
  return static_cast<std::size_t>(report.at("blobs").as_int64()) - report.at("orphan_blobs").as_array().size();
}

// Uploads under way or left by a crash: temp files, or on S3 the uploads and
// temp objects under tmp/ (fsck's temp_files; an upload of less than a part
// is in the server's memory, no temp anywhere).
inline std::size_t upload_temps(const FocusdServer& server) {
  if (server.blobs().empty()) return upload_temps(server.data_dir());
  const auto report = boost::json::parse(server.admin({"fsck"}).out).as_object();
  return static_cast<std::size_t>(report.at("temp_files").as_int64());
}

// Creates a project in `owner`'s workspace and uploads `bytes` to it as one
// attachment; returns the attachment's view path ("" when a step failed).
inline std::string upload_for_view(HttpClient& client, const SeededUser& owner, const std::string& bytes) {
  const std::string workspace = owner.workspace_path();
  Headers json = owner.basic();
  json.emplace_back("Content-Type", "application/json");
  auto project = client.request("POST", workspace + "/projects", json, R"({"name":"Viewed"})");
  if (project.status != 201) return "";
  const std::string attachments =
      workspace + "/projects/" + std::to_string(project.json().at("id").as_int64()) + "/attachments";
  auto created = upload(client, owner, attachments, {file_part("file", "f.bin", bytes), field("display_order", "1")});
  if (created.status != 201) return "";
  return attachments + "/" + std::to_string(created.json().at("id").as_int64()) + "/view";
}

// Bytes 0..255 repeated up to `size`, shuffled by a simple generator.
inline std::string binary_bytes(std::size_t size, unsigned seed = 1) {
  std::string out(size, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& c : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xff);
  }
  return out;
}

}  // namespace focusd::test
