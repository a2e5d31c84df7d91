// A failing disk under an upload: a full disk is a 507, any other storage
// failure a 500 `internal`, both with the request id; nothing partial is
// left behind, and the server goes on serving. The faults come from
// `focusd serve --fault-file` (blob/faulty_blob_store.h).
#include <gtest/gtest.h>

#include <fstream>

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
  std::string workspace() const {
    return "/api/organizations/" + std::to_string(owner.organization_id) + "/workspaces/" +
           std::to_string(owner.workspace_id);
  }
  void inject(const std::string& faults) { std::ofstream(control) << faults; }
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
    EXPECT_EQ(files_under(server.data_dir() / "tmp"), 0u) << fault.spec;
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

}  // namespace
}  // namespace focusd::test
