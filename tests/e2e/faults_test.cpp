// A failing disk under an upload: a full disk is a 507, any other storage
// failure a 500 `internal`, both with the request id; nothing partial is
// left behind, and the server goes on serving. Views of blobs handed out as
// streams (as a store without local files does) are the views of files, and a
// stream that fails cuts its view short. The faults come from
// `focusd serve --fault-file` (blob/faulty_blob_store.h).
#include <gtest/gtest.h>

#include <boost/beast/http/error.hpp>
#include <boost/system/system_error.hpp>
#include <fstream>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "attachments_support.h"

namespace focusd::test {
namespace {

namespace fs = std::filesystem;

class StorageFaults : public ::testing::Test {
 protected:
  StorageFaults()
      : control(dir.path() / "faults"),
        server({.extra_args = {"--fault-file", control.string()}}),
        owner(server.seed_user()) {
    HttpClient client = server.client();
    Headers headers = owner.basic();
    headers.emplace_back("Content-Type", "application/json");
    auto res = client.request("POST", workspace() + "/projects", headers, R"({"name":"Faults"})");
    attachments = workspace() + "/projects/" + std::to_string(res.json().at("id").as_int64()) + "/attachments";
  }
  std::string workspace() const { return owner.workspace_path(); }
  void inject(const std::string& faults) { std::ofstream(control) << faults; }
  // An uploaded file's view path.
  std::string view_of(const std::string& bytes) {
    HttpClient client = server.client();
    auto created = upload(client, owner, attachments, {file_part("file", "f.bin", bytes), field("display_order", "1")});
    EXPECT_EQ(created.status, 201) << created.body;
    return attachments + "/" + std::to_string(created.json().at("id").as_int64()) + "/view";
  }
  std::size_t listed() {
    HttpClient client = server.client();
    return client.get(attachments, owner.basic()).json().as_array().size();
  }

  TempDir dir;
  fs::path control;
  FocusdServer server;
  SeededUser owner;
  std::string attachments;
};

TEST_F(StorageFaults, EachFailureIsACleanErrorAndLeavesNothing) {
  struct Fault {
    std::string spec;
    int status;
    std::string error;
  };
  const Fault faults[] = {{"write ENOSPC", 507, "insufficient_storage"},
                          {"write EIO", 500, "internal"},
                          {"fsync EIO", 500, "internal"},
                          {"rename EIO", 500, "internal"}};
  for (const auto& fault : faults) {
    inject(fault.spec + "\n");
    for (bool bulk : {false, true}) {
      HttpClient client = server.client();
      Headers headers = multipart_headers(owner);
      headers.emplace_back("X-Request-Id", "fault-" + std::to_string(bulk));
      const std::string body =
          bulk ? multipart_body({file_part("files", "a.bin", binary_bytes(70000, 3)), field("display_orders", "1"),
                                 file_part("files", "b.bin", binary_bytes(5000, 4)), field("display_orders", "2")})
               : multipart_body({file_part("file", "a.bin", binary_bytes(70000, 5)), field("display_order", "1")});
      auto res = client.request("POST", attachments + (bulk ? "/bulk" : ""), headers, body);
      EXPECT_EQ(res.status, fault.status) << fault.spec << " -> " << res.body;
      EXPECT_EQ(res.json().at("error").as_string(), fault.error) << fault.spec;
      EXPECT_EQ(res.json().at("trace_id").as_string(), "fault-" + std::to_string(bulk));
      EXPECT_EQ(res.header("x-request-id"), "fault-" + std::to_string(bulk));
      EXPECT_EQ(res.body.find("injected"), std::string::npos) << "details stay in the log: " << res.body;
    }
    EXPECT_EQ(listed(), 0u) << fault.spec;
    EXPECT_EQ(upload_temps(server.data_dir()), 0u) << fault.spec;
    EXPECT_EQ(files_under(server.data_dir() / "blobs"), 0u) << fault.spec;
    HttpClient other = server.client();
    EXPECT_EQ(other.get("/api/users/me/settings", owner.basic()).status, 200) << "still serving after " << fault.spec;
  }
  EXPECT_NE(server.log().find("injected ENOSPC on write"), std::string::npos);  // the detail is in the log

  inject("");
  HttpClient client = server.client();
  auto ok = upload(client, owner, attachments, {file_part("file", "a.bin", "fine"), field("display_order", "1")});
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(listed(), 1u);
  EXPECT_EQ(server.admin({"fsck"}).exit_code, 0);
}

// A bulk whose files cannot be stored creates nothing, and the same bulk is
// stored whole once they can. On S3 (the e2e.s3 pass) its files are flushed at
// once, a thread each, and those past the 16 MiB a bulk holds were sent on as
// they ended: the failure of all of them at once is one clean error.
TEST_F(StorageFaults, AnAttachmentBulkWhoseFilesCannotBeStoredCreatesNothing) {
  std::vector<Part> parts;
  for (unsigned i = 0; i < 5; ++i) {
    parts.push_back(file_part("files", "f" + std::to_string(i) + ".bin", binary_bytes(std::size_t{5} << 20, 20 + i)));
    parts.push_back(field("display_orders", std::to_string(i)));
  }
  inject("fsync EIO\n");
  HttpClient client = server.client();
  auto failed = upload(client, owner, attachments + "/bulk", parts);
  EXPECT_EQ(failed.status, 500) << failed.body;
  EXPECT_EQ(listed(), 0u);
  inject("");
  HttpClient again = server.client();
  auto stored = upload(again, owner, attachments + "/bulk", parts);
  EXPECT_EQ(stored.status, 201) << stored.body;
  EXPECT_EQ(listed(), 5u);
}

// The transport copies a stream in pieces where it sends a file with
// sendfile(2); what the client gets must not differ.
TEST_F(StorageFaults, AViewReadFromAStreamIsTheViewOfTheFile) {
  const std::string bytes = binary_bytes((3 << 20) + 17, 7);  // many pieces, the last a short one
  const std::string view = view_of(bytes);
  struct Ask {
    const char* reason;
    Headers headers;
    bool head = false;
  } const asks[] = {
      {"the whole", {}},
      {"a range across pieces", {{"Range", "bytes=100000-1500000"}}},
      {"the last byte", {{"Range", "bytes=-1"}}},
      {"a range past the end", {{"Range", "bytes=99999999-"}}},
      {"not modified", {{"If-None-Match", "\"" + sha256_hex(bytes) + "\""}}},
      {"HEAD", {}, true},
      {"HEAD of a range", {{"Range", "bytes=5-9"}}, true},
  };
  HttpClient client = server.client();
  auto ask = [&](const Ask& a) {
    Headers headers = owner.basic();
    headers.emplace_back("X-Request-Id", "same-for-both");
    headers.insert(headers.end(), a.headers.begin(), a.headers.end());
    return client.request(a.head ? "HEAD" : "GET", view, headers);
  };
  for (const auto& a : asks) {
    SCOPED_TRACE(a.reason);
    inject("");
    const HttpResponse from_file = ask(a);
    inject("streams\n");
    const HttpResponse from_stream = ask(a);
    EXPECT_EQ(from_stream.status, from_file.status);
    EXPECT_TRUE(from_stream.body == from_file.body)
        << from_stream.body.size() << " bytes, not " << from_file.body.size();
    for (const char* name : {"content-length", "content-range", "content-type", "content-disposition", "etag",
                             "accept-ranges", "cache-control"}) {
      EXPECT_EQ(from_stream.header(name), from_file.header(name)) << name;
    }
  }
  inject("streams\n");
  EXPECT_TRUE(client.get(view, owner.basic()).body == bytes);
  EXPECT_EQ(client.get(view, {{"Range", "bytes=1-3"}, owner.basic()[0]}).body, bytes.substr(1, 3));
}

TEST_F(StorageFaults, AViewWhoseStreamFailsIsCutShortAndTheServerGoesOn) {
  const std::string bytes = binary_bytes(1 << 20, 9);
  const std::string view = view_of(bytes);
  inject("read EIO\n");
  HttpClient client = server.client();
  // The head (200, Content-Length) is out before the first read fails: all
  // the server can do then is close the connection, which the client sees as
  // a body that ends early.
  try {
    client.get(view, owner.basic());
    ADD_FAILURE() << "a whole reply came";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), boost::beast::http::error::partial_message) << e.what();
  }
  EXPECT_NE(server.log().find("injected EIO on read"), std::string::npos);  // the detail is in the log
  inject("");
  HttpClient other = server.client();
  EXPECT_TRUE(other.get(view, owner.basic()).body == bytes) << "still serving";
}

// Clears the fault file when it goes: a test that ends early lets the store
// move again before its clients are joined.
struct ClearedOnExit {
  fs::path control;
  ~ClearedOnExit() { std::ofstream(control) << ""; }
};

// A server whose blob store hangs on command (`write hang`, `read hang`),
// with a project to attach files to.
class StoreThatHangs : public ::testing::Test {
 protected:
  void start(std::vector<std::string> args) {
    args.insert(args.begin(), {"--fault-file", control.string()});
    server.emplace(ServerOptions{.extra_args = std::move(args)});
    owner = server->seed_user();
    json = owner.basic();
    json.emplace_back("Content-Type", "application/json");
    HttpClient client = server->client();
    const auto project = client.request("POST", owner.workspace_path() + "/projects", json, R"({"name":"Hangs"})");
    project_path = owner.workspace_path() + "/projects/" + std::to_string(project.json().at("id").as_int64());
    attachments = project_path + "/attachments";
  }
  void hang(const std::string& step) { std::ofstream(control) << step << " hang\n"; }
  void release() { std::ofstream(control) << ""; }
  // Waits until `count` steps are held (each adds a line to faults.hung).
  bool held(std::size_t count) const {
    for (int i = 0; i < 1500; ++i) {
      std::ifstream in(dir.path() / "faults.hung");
      std::size_t lines = 0;
      for (std::string line; std::getline(in, line);) ++lines;
      if (lines >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  TempDir dir;
  fs::path control = dir.path() / "faults";
  std::optional<FocusdServer> server;
  SeededUser owner;
  Headers json;
  std::string project_path;
  std::string attachments;
};

// A store that stops taking or giving bytes (a hung disk, an object store
// that no longer answers) holds the threads of the blob pool (--blob-threads)
// and none of the blocking pool's: while every blob thread waits, and another
// upload waits for one, the rest is served as ever. Once the store moves
// again, every upload and view finishes whole.
TEST_F(StoreThatHangs, AttachmentWorkWaitsInTheBlobPoolAlone) {
  start({"--blocking-threads", "1", "--blob-threads", "2"});
  HttpClient client = server->client();
  const std::string kept = binary_bytes(300000, 11);
  const auto first =
      upload(client, owner, attachments, {file_part("file", "kept.bin", kept), field("display_order", "1")});
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string view = attachments + "/" + std::to_string(first.json().at("id").as_int64()) + "/view";

  // What needs no attachment bytes, answered while the store hangs.
  auto served = [&](const char* when) {
    HttpClient other = server->client();
    EXPECT_EQ(other.get(project_path, owner.basic()).status, 200) << when;
    EXPECT_EQ(other.get(attachments, owner.basic()).status, 200) << when;
    EXPECT_EQ(
        other.request("POST", owner.workspace_path() + "/projects", json, "{\"name\":\"" + std::string(when) + "\"}")
            .status,
        201)
        << when;
  };

  hang("write");
  std::vector<std::string> bodies;
  for (unsigned i = 0; i < 3; ++i) bodies.push_back(binary_bytes(70000 + i, 20 + i));
  std::vector<int> uploaded(bodies.size());
  std::vector<std::jthread> clients;
  const ClearedOnExit cleared{control};  // gone before the clients are joined
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    clients.emplace_back([&, i] {
      try {  // a client that waits too long throws: then 0
        HttpClient c = server->client();
        uploaded[i] =
            upload(c, owner, attachments, {file_part("file", "u.bin", bodies[i]), field("display_order", "2")}).status;
      } catch (const std::exception&) {
      }
    });
  }
  ASSERT_TRUE(held(2)) << "both blob threads wait; the third upload waits for one";
  served("while uploads hang");
  release();
  for (auto& t : clients) t.join();
  clients.clear();
  for (int status : uploaded) EXPECT_EQ(status, 201);

  fs::remove(dir.path() / "faults.hung");
  hang("read");
  std::vector<std::string> viewed(2);
  for (std::size_t i = 0; i < viewed.size(); ++i) {
    clients.emplace_back([&, i] {
      try {
        HttpClient c = server->client();
        viewed[i] = c.get(view, owner.basic()).body;
      } catch (const std::exception&) {
      }
    });
  }
  ASSERT_TRUE(held(2)) << "both views wait";
  served("while views hang");
  release();
  for (auto& t : clients) t.join();
  for (const auto& body : viewed) EXPECT_TRUE(body == kept) << body.size() << " bytes";

  // The uploads are there, whole.
  const auto listing = client.get(attachments, owner.basic()).json().as_array();
  ASSERT_EQ(listing.size(), 1 + bodies.size());
  std::multiset<std::string> want{sha256_hex(kept)};
  for (const auto& b : bodies) want.insert(sha256_hex(b));
  std::multiset<std::string> got;
  for (const auto& a : listing) {
    const auto back = client.get(attachments + "/" + std::to_string(a.at("id").as_int64()) + "/view", owner.basic());
    got.insert(sha256_hex(back.body));
  }
  EXPECT_EQ(got, want);
}

// --max-uploads are handled at once: one more is refused with 503 and
// Retry-After before its body is asked for (no 100 Continue), the rest is
// served, and once a place is free uploads go on.
TEST_F(StoreThatHangs, AttachmentUploadsBeyondMaxUploadsAreRefusedBeforeTheirBodies) {
  start({"--max-uploads", "1"});
  const std::vector<Part> form{file_part("file", "a.bin", binary_bytes(70000, 31)), field("display_order", "1")};

  hang("write");
  int first = 0;
  std::vector<std::jthread> clients;
  const ClearedOnExit cleared{control};  // gone before the client is joined
  clients.emplace_back([&] {
    try {
      HttpClient c = server->client();
      first = upload(c, owner, attachments, form).status;
    } catch (const std::exception&) {
    }
  });
  ASSERT_TRUE(held(1)) << "the first upload is being handled";

  HttpClient other = server->client();
  auto refused = upload(other, owner, attachments, form);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.json().at("error").as_string(), "unavailable");
  EXPECT_EQ(refused.header("retry-after"), "1");
  // Asked to confirm first, it is told no instead of 100 Continue.
  HttpClient asking = server->client();
  const std::string body = multipart_body(form);
  asking.send_raw("POST " + attachments + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + owner.basic()[0].second +
                  "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary +
                  "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(asking.read_response().status, 503);
  EXPECT_EQ(server->client().get(attachments, owner.basic()).status, 200);  // the rest is served

  release();
  clients.front().join();
  EXPECT_EQ(first, 201);
  HttpClient after = server->client();
  EXPECT_EQ(upload(after, owner, attachments, form).status, 201);  // the place is free again
  EXPECT_EQ(after.get(attachments, owner.basic()).json().as_array().size(), 2u);
}

}  // namespace
}  // namespace focusd::test
