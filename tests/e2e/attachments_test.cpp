// Attachments of projects and tasks: the six operations for both parent
// kinds, multipart spellings, all-or-nothing bulk uploads, view (Range, ETag,
// negotiation, sniffing) and access.
#include <gtest/gtest.h>

#include "attachments_support.h"
#include "projects_support.h"

namespace focusd::test {
namespace {

using boost::json::object;
namespace fs = std::filesystem;

constexpr std::int64_t kProjectManager = 1;  // project role ids (GET …/roles)
constexpr std::int64_t kProjectMember = 2;

// Runs every test for projects and for tasks: the parent kind is the parameter.
class Attachments : public WorkspaceTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    project_id = create_project({{"name", "Docs"}});
    parent = project(project_id);
    if (GetParam() == "tasks") {
      auto task = create(owner, tasks(), {{"name", "Write"}, {"project_id", project_id}});
      parent = tasks() + "/" + std::to_string(task.at("id").as_int64());
    }
  }
  std::string tasks() const { return owner.workspace_path() + "/tasks"; }
  std::string attachments() const { return parent + "/attachments"; }
  std::string attachment(std::int64_t id, const std::string& rest = "") const {
    return attachments() + "/" + std::to_string(id) + rest;
  }
  const char* parent_field() const { return GetParam() == "tasks" ? "task_id" : "project_id"; }

  HttpResponse post(const std::vector<Part>& parts, const std::string& query = "", const SeededUser* as = nullptr) {
    return upload(client, as ? *as : owner, attachments() + query, parts);
  }
  HttpResponse post_bulk(const std::vector<Part>& parts, const std::string& query = "",
                         const SeededUser* as = nullptr) {
    return upload(client, as ? *as : owner, attachments() + "/bulk" + query, parts);
  }
  object post_one(const std::string& filename, const std::string& data, double order = 1) {
    auto res = post({file_part("file", filename, data), field("display_order", std::to_string(order))});
    EXPECT_EQ(res.status, 201) << res.body;
    return res.status == 201 ? res.json().as_object() : object{};
  }
  boost::json::array listed(const std::string& query = "") {
    auto res = call(owner, "GET", attachments() + query);
    EXPECT_EQ(res.status, 200) << res.body;
    return res.status == 200 ? res.json().as_array() : boost::json::array{};
  }
  std::vector<std::string> listed_names(const std::string& query = "") {
    std::vector<std::string> names;
    for (const auto& a : listed(query)) names.emplace_back(a.at("name").as_string());
    return names;
  }
  HttpResponse view(std::int64_t id, const Headers& extra = {}) {
    Headers headers = owner.basic();
    headers.insert(headers.end(), extra.begin(), extra.end());
    return client.request("GET", attachment(id, "/view"), headers);
  }
  // Nothing of a failed upload is left: no row, no temp file, no new blob.
  void expect_nothing_stored(const HttpResponse& res, int status, const std::string& named) {
    EXPECT_EQ(res.status, status) << res.body;
    if (!named.empty() && res.status == status) {
      EXPECT_TRUE(res.json().at("error_values").as_object().contains(named)) << res.body;
    }
    EXPECT_TRUE(listed().empty());
    EXPECT_EQ(upload_temps(server), 0u);
    EXPECT_EQ(settled_blobs(server), 0u);
  }

  HttpClient client = server.client();
  std::int64_t project_id = 0;
  std::string parent;
};

INSTANTIATE_TEST_SUITE_P(Parents, Attachments, ::testing::Values("projects", "tasks"),
                         [](const auto& info) { return info.param; });

TEST_P(Attachments, CreateListUpdateViewDelete) {
  auto a = post_one("notes.txt", "hello, attachments\n", 2);
  EXPECT_GT(a.at("id").as_int64(), 0);
  EXPECT_EQ(a.at(parent_field()).as_int64(), std::stoll(parent.substr(parent.rfind('/') + 1)));
  EXPECT_EQ(a.at("name").as_string(), "notes.txt");
  EXPECT_EQ(a.at("mime_type").as_string(), "text/plain");
  EXPECT_EQ(a.at("size").as_int64(), 19);
  EXPECT_EQ(a.at("display_order").as_int64(), 2);
  EXPECT_TRUE(a.at("deleted_at").is_null());
  for (const char* f : {"created_at", "updated_at"}) EXPECT_TRUE(a.at(f).is_string()) << f;
  const std::int64_t id = a.at("id").as_int64();

  ASSERT_EQ(listed().size(), 1u);
  EXPECT_EQ(listed()[0], a);

  auto put = call_json(owner, "PUT", attachment(id), object{{"name", "Renamed"}, {"display_order", 5}});
  EXPECT_EQ(put.status, 204) << put.body;
  EXPECT_TRUE(put.body.empty());
  EXPECT_EQ(listed()[0].at("name").as_string(), "Renamed");
  EXPECT_EQ(listed()[0].at("display_order").as_int64(), 5);

  auto bytes = view(id);
  EXPECT_EQ(bytes.status, 200);
  EXPECT_EQ(bytes.body, "hello, attachments\n");

  EXPECT_EQ(call(owner, "DELETE", attachment(id)).status, 204);
  EXPECT_TRUE(listed().empty());
  EXPECT_EQ(view(id).status, 404);
  EXPECT_EQ(call(owner, "DELETE", attachment(id)).status, 404);
  EXPECT_EQ(call_json(owner, "PUT", attachment(id), object{{"name", "x"}, {"display_order", 1}}).status, 404);
  EXPECT_EQ(settled_blobs(server), 0u);  // the bytes went with the last reference
}

TEST_P(Attachments, UpdateValidatesBothFields) {
  const std::int64_t id = post_one("a.txt", "a").at("id").as_int64();
  expect_validation(call_json(owner, "PUT", attachment(id), object{{"display_order", 1}}), "name");
  expect_validation(call_json(owner, "PUT", attachment(id), object{{"name", "x"}}), "display_order");
  expect_validation(call_json(owner, "PUT", attachment(id), object{{"name", ""}, {"display_order", 1}}), "name");
  expect_validation(call_json(owner, "PUT", attachment(id), object{{"name", "a\nb"}, {"display_order", 1}}), "name");
  expect_validation(call_json(owner, "PUT", attachment(id), object{{"name", "x"}, {"display_order", "1"}}),
                    "display_order");
  expect_validation(call_json(owner, "PUT", attachment(id), object{{"name", "x"}, {"display_order", 1e300}}),
                    "display_order");
  expect_validation(
      call_json(owner, "PUT", attachment(id), object{{"name", "x"}, {"display_order", 1}, {"colour", "red"}}),
      "colour");
  EXPECT_EQ(listed()[0].at("name").as_string(), "a.txt");
}

TEST_P(Attachments, ListOrder) {
  post_one("b.txt", "1", 2);
  post_one("a.txt", "2", 3);
  post_one("c.txt", "3", 1);
  post_one("d.txt", "4", 1);
  EXPECT_EQ(listed_names(), (std::vector<std::string>{"c.txt", "d.txt", "b.txt", "a.txt"}));  // order, then id
  EXPECT_EQ(listed_names("?order_by=name"), (std::vector<std::string>{"a.txt", "b.txt", "c.txt", "d.txt"}));
  EXPECT_EQ(listed_names("?order_by[]=-display_order"), (std::vector<std::string>{"a.txt", "b.txt", "c.txt", "d.txt"}));
  EXPECT_EQ(listed_names("?order_by=-created_at&order_by=-name").size(), 4u);
  expect_validation(call(owner, "GET", attachments() + "?order_by=size"), "order_by");
}

TEST_P(Attachments, SingleUploadSpellingsAndQueryParameters) {
  auto named = post({field("name", "Given name"), field("display_order", "2.0"), file_part("file", "f.bin", "x")});
  ASSERT_EQ(named.status, 201) << named.body;
  EXPECT_EQ(named.json().at("name").as_string(), "Given name");
  EXPECT_EQ(named.json().at("display_order"), 2);  // an integer, as the page's response says
  // Not a whole number: the attachment's display_order is an integer.
  expect_validation(post({field("display_order", "1.5"), file_part("file", "f.bin", "x")}), "display_order");

  auto from_query = post({file_part("file", "f.bin", "y")}, "?display_order=7&name=From%20query");
  ASSERT_EQ(from_query.status, 201) << from_query.body;
  EXPECT_EQ(from_query.json().at("name").as_string(), "From query");
  EXPECT_EQ(from_query.json().at("display_order").as_int64(), 7);

  auto sanitised = post({file_part("file", "../../etc/passwd", "z"), field("display_order", "1")});
  ASSERT_EQ(sanitised.status, 201) << sanitised.body;
  EXPECT_EQ(sanitised.json().at("name").as_string(), "passwd");

  expect_validation(post({field("display_order", "1")}), "file");
  expect_validation(post({file_part("file", "f", "x")}), "display_order");
  expect_validation(post({file_part("file", "f", "x"), field("display_order", "first")}), "display_order");
  expect_validation(post({file_part("file", "f", "x"), field("display_order", "nan")}), "display_order");
  expect_validation(post({file_part("file", "f", "x"), file_part("file", "g", "y"), field("display_order", "1")}),
                    "file");
  expect_validation(post({file_part("file", "f", "x"), field("display_order", "1"), field("colour", "red")}), "colour");
  expect_validation(post({file_part("file", "f", "x"), field("display_order", "1"), field("name", " ")}), "name");
  expect_validation(post({file_part("file", "f", "x"), field("display_order", "1"), field("name", "a\xc2\x85z")}),
                    "name");  // U+0085, a C1 control character
  expect_validation(post({file_part("file", "f", "x"), field("display_order", "1")}, "?name=%FF"), "name");
  EXPECT_EQ(listed().size(), 3u);
}

TEST_P(Attachments, BulkSpellingsKeepRequestOrder) {
  auto res = post_bulk({file_part("files[]", "one.txt", "1"), file_part("files[]", "two.txt", "22"),
                        file_part("files", "three.txt", "333"), field("display_orders[0]", "3"),
                        field("display_orders[1]", "2"), field("display_orders[2]", "1"), field("names[1]", "Second"),
                        field("names[0]", "First")});
  ASSERT_EQ(res.status, 201) << res.body;
  auto created = res.json().as_array();
  ASSERT_EQ(created.size(), 3u);
  EXPECT_EQ(created[0].at("name").as_string(), "First");
  EXPECT_EQ(created[1].at("name").as_string(), "Second");
  EXPECT_EQ(created[2].at("name").as_string(), "three.txt");  // no name given: the file's
  EXPECT_EQ(created[2].at("size").as_int64(), 3);
  EXPECT_EQ(created[0].at("display_order").as_int64(), 3);
  EXPECT_LT(created[0].at("id").as_int64(), created[1].at("id").as_int64());

  auto repeated = post_bulk({file_part("files", "a", "a"), file_part("files", "b", "b"), field("display_orders", "1"),
                             field("display_orders", "2"), field("names", "A"), field("names", "B")});
  ASSERT_EQ(repeated.status, 201) << repeated.body;
  EXPECT_EQ(repeated.json().at(1).at("name").as_string(), "B");

  // The Swagger's spelling (collectionFormat csv): one value, comma-separated.
  auto commas =
      post_bulk({file_part("files", "a", "a"), file_part("files", "b", "b"), field("display_orders", "5, 6")});
  ASSERT_EQ(commas.status, 201) << commas.body;
  EXPECT_EQ(commas.json().at(0).at("display_order").as_int64(), 5);
  EXPECT_EQ(commas.json().at(1).at("display_order").as_int64(), 6);
  expect_validation(post_bulk({file_part("files", "a", "a"), field("display_orders", "1,2")}), "display_orders");

  // Indexed query spellings keep their index, whatever their order.
  auto indexed = post_bulk({file_part("files", "a", "a"), file_part("files", "b", "b")},
                           "?display_orders[1]=2&display_orders[0]=1&names[1]=Second");
  ASSERT_EQ(indexed.status, 201) << indexed.body;
  EXPECT_EQ(indexed.json().at(0).at("name").as_string(), "a");
  EXPECT_EQ(indexed.json().at(0).at("display_order").as_int64(), 1);
  EXPECT_EQ(indexed.json().at(1).at("name").as_string(), "Second");
  EXPECT_EQ(indexed.json().at(1).at("display_order").as_int64(), 2);
  expect_validation(post_bulk({file_part("files", "a", "a")}, "?display_orders[0]=1&display_orders[0]=2"),
                    "display_orders");

  auto queried = post_bulk({file_part("files[0]", "q", "q")}, "?display_orders[0]=4&names[]=Q");
  ASSERT_EQ(queried.status, 201) << queried.body;
  EXPECT_EQ(queried.json().at(0).at("name").as_string(), "Q");
  EXPECT_EQ(queried.json().at(0).at("display_order").as_int64(), 4);
  EXPECT_EQ(listed().size(), 10u);
}

TEST_P(Attachments, BulkIsAllOrNothing) {
  std::vector<Part> eleven;
  for (int i = 0; i < 11; ++i) {
    eleven.push_back(file_part("files", "f" + std::to_string(i), std::to_string(i)));
    eleven.push_back(field("display_orders", std::to_string(i)));
  }
  expect_nothing_stored(post_bulk(eleven), 400, "files");

  std::vector<Part> bad_order;
  for (int i = 0; i < 10; ++i) {
    bad_order.push_back(file_part("files", "f" + std::to_string(i), std::to_string(i)));
    bad_order.push_back(field("display_orders", i == 4 ? "soon" : std::to_string(i)));
  }
  expect_nothing_stored(post_bulk(bad_order), 400, "display_orders[4]");

  expect_nothing_stored(
      post_bulk({file_part("files", "a", "a"), file_part("files", "b", "b"), field("display_orders", "1")}), 400,
      "display_orders[1]");
  expect_nothing_stored(
      post_bulk({file_part("files", "a", "a"), field("display_orders", "1"), field("display_orders", "2")}), 400,
      "display_orders");
  expect_nothing_stored(
      post_bulk({file_part("files", "a", "a"), field("display_orders", "1"), field("names", "A"), field("names", "B")}),
      400, "names");
  expect_nothing_stored(post_bulk({file_part("files[1]", "a", "a"), field("display_orders[1]", "1")}), 400, "files[0]");
  expect_nothing_stored(post_bulk({field("display_orders", "1")}), 400, "files");
  expect_nothing_stored(
      post_bulk({file_part("files[0]", "a", "a"), file_part("files[0]", "b", "b"), field("display_orders", "1")}), 400,
      "files[0]");
}

TEST_P(Attachments, BrokenUploadsAreRefused) {
  // Each refusal closes its connection (the body is not read), so each gets its own.
  Headers json = owner.basic();
  json.emplace_back("Content-Type", "application/json");
  auto wrong_type = server.client().request("POST", attachments(), json, "{}");
  EXPECT_EQ(wrong_type.status, 415) << wrong_type.body;
  EXPECT_EQ(wrong_type.json().at("error").as_string(), "unsupported_media_type");

  Headers no_boundary = owner.basic();
  no_boundary.emplace_back("Content-Type", "multipart/form-data");
  EXPECT_EQ(server.client().request("POST", attachments(), no_boundary, "x").status, 400);

  std::string truncated = multipart_body({file_part("file", "f", "abc"), field("display_order", "1")});
  truncated.resize(truncated.size() - 10);  // no closing delimiter
  auto cut = server.client().request("POST", attachments(), multipart_headers(owner), truncated);
  EXPECT_EQ(cut.status, 400) << cut.body;

  auto other_boundary =
      server.client().request("POST", attachments(), multipart_headers(owner, "another-boundary"),
                              multipart_body({file_part("file", "f", "abc"), field("display_order", "1")}));
  EXPECT_EQ(other_boundary.status, 400) << other_boundary.body;
  EXPECT_TRUE(listed().empty());
  EXPECT_EQ(upload_temps(server), 0u);
}

TEST_P(Attachments, AChunkedBodyIsAccepted) {
  const std::string body =
      multipart_body({file_part("file", "c.bin", binary_bytes(70000)), field("display_order", "1")});
  std::string chunked;
  for (std::size_t at = 0; at < body.size(); at += 4096) {
    const std::string piece = body.substr(at, 4096);
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    chunked += size + piece + "\r\n";
  }
  chunked += "0\r\n\r\n";
  client.send_raw("POST " + attachments() + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + owner.basic()[0].second +
                  "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary +
                  "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked);
  auto res = client.read_response();
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_TRUE(view(res.json().at("id").as_int64()).body == binary_bytes(70000));
}

// A Content-Length body is read from the socket straight into the handler's
// pieces: not a byte past it, so a request sent right behind it (in the same
// segments) is answered too.
TEST_P(Attachments, ARequestPipelinedBehindAnUploadIsAnswered) {
  const std::string bytes = binary_bytes((1 << 20) + 5, 9);
  const std::string body = multipart_body({file_part("file", "p.bin", bytes), field("display_order", "1")});
  client.send_raw("POST " + attachments() + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + owner.basic()[0].second +
                  "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary +
                  "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body + "GET " + attachments() +
                  " HTTP/1.1\r\nHost: x\r\nAuthorization: " + owner.basic()[0].second + "\r\n\r\n");
  auto created = client.read_response();
  ASSERT_EQ(created.status, 201) << created.body;
  auto listing = client.read_response();
  ASSERT_EQ(listing.status, 200) << listing.body;
  EXPECT_EQ(listing.json().as_array().size(), 1u);
  EXPECT_TRUE(view(created.json().at("id").as_int64()).body == bytes);
}

// What may follow the file of a form is bounded by the parser's limits: each
// other field once (its delimiter, padding, headers and value), the closing
// delimiter and an epilogue. On S3 a file of known length goes on to the store
// as it comes, counting on that bound (Staging::expect_at_least): a file
// followed by the longest tail accepted arrives whole, and a longer one is a 400.
TEST_P(Attachments, AFileFollowedByTheLongestTailAcceptedArrivesWhole) {
  const std::string bytes = binary_bytes((std::size_t{12} << 20) + 7, 5);
  auto value_part = [&](const std::string& name, const std::string& value) {
    std::string headers = "Content-Disposition: form-data; name=\"" + name + "\"\r\nX-Pad: ";
    headers += std::string(16 * 1024 - headers.size(), 'h');  // max_part_header_bytes
    return "\r\n--" + kBoundary + std::string(256, ' ') + "\r\n" + headers + "\r\n\r\n" + value;
  };
  const std::string form = "--" + kBoundary +
                           "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.bin\"\r\n\r\n" + bytes +
                           value_part("name", "Tail") + value_part("display_order", std::string(4095, ' ') + "2") +
                           "\r\n--" + kBoundary + "--";
  auto created = client.request("POST", attachments(), multipart_headers(owner), form + std::string(1024, 'e'));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json().at("name").as_string(), "Tail");
  const std::int64_t id = created.json().at("id").as_int64();
  EXPECT_TRUE(view(id).body == bytes);
  // fsck --repair knows the blob (on S3 stored under a name of its own), and sweeps it once unused.
  EXPECT_EQ(settled_blobs(server), 1u);
  EXPECT_TRUE(view(id).body == bytes);
  EXPECT_EQ(call(owner, "DELETE", attachment(id)).status, 204);
  EXPECT_EQ(settled_blobs(server), 0u);

  auto refused =
      server.client().request("POST", attachments(), multipart_headers(owner), form + std::string(1025, 'e'));
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_TRUE(listed().empty());
}

TEST_P(Attachments, ByteExactRoundTrips) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{256}, std::size_t{5} << 20}) {
    std::string data = binary_bytes(size, static_cast<unsigned>(size + 3));
    if (size == 256) {
      for (std::size_t i = 0; i < 256; ++i) data[i] = static_cast<char>(i);
    }
    // Bytes that begin like a delimiter inside a file must not end it.
    if (size == (std::size_t{5} << 20)) {
      const std::string near_miss = "\r\n--" + kBoundary.substr(0, kBoundary.size() - 1) + "X";
      data.replace(1000, near_miss.size(), near_miss);
      data.replace(size - near_miss.size(), near_miss.size(), near_miss);
    }
    auto a = post_one("data.bin", data);
    ASSERT_EQ(a.at("size").as_int64(), static_cast<std::int64_t>(size));
    auto res = view(a.at("id").as_int64());
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.header("content-length"), std::to_string(size));
    EXPECT_TRUE(res.body == data) << "size " << size;
  }
}

TEST_P(Attachments, ViewHeaders) {
  auto created =
      post({file_part("file", "x.txt", "plain text\n"), field("display_order", "1"), field("name", "Grüße \"Q\".txt")});
  ASSERT_EQ(created.status, 201) << created.body;
  auto a = created.json().as_object();
  auto res = view(a.at("id").as_int64());
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.header("content-type"), "text/plain");
  EXPECT_EQ(res.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(res.header("cache-control"), "private");
  EXPECT_EQ(res.header("accept-ranges"), "bytes");
  EXPECT_EQ(res.header("etag").size(), 66u);  // "<sha256>"
  EXPECT_EQ(res.header("content-disposition"),
            "inline; filename=\"Gr__e _Q_.txt\"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%22Q%22.txt");

  auto head = client.request("HEAD", attachment(a.at("id").as_int64(), "/view"), owner.basic());
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), "11");
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(view(a.at("id").as_int64()).body, "plain text\n");  // the connection is still in step
}

TEST_P(Attachments, Ranges) {
  const std::string data = "0123456789";
  const std::int64_t id = post_one("digits.txt", data).at("id").as_int64();
  struct Case {
    std::string range;
    int status;
    std::string body, content_range;
  };
  const Case cases[] = {
      {"bytes=0-0", 206, "0", "bytes 0-0/10"},
      {"bytes=9-9", 206, "9", "bytes 9-9/10"},
      {"bytes=-3", 206, "789", "bytes 7-9/10"},
      {"bytes=4-", 206, "456789", "bytes 4-9/10"},
      {"bytes=2-100", 206, "23456789", "bytes 2-9/10"},
      {"bytes=-50", 206, data, "bytes 0-9/10"},
      {"bytes=10-", 416, "", "bytes */10"},
      {"bytes=-0", 416, "", "bytes */10"},
      {"bytes=0-1,4-5", 200, data, ""},
      {"lines=1-2", 200, data, ""},
      {"bytes=5-2", 200, data, ""},
      {"bytes=2-99999999999999999999999", 206, "23456789", "bytes 2-9/10"},
      {"Bytes=0-0", 206, "0", "bytes 0-0/10"},
  };
  for (const auto& c : cases) {
    auto res = view(id, {{"Range", c.range}});
    EXPECT_EQ(res.status, c.status) << c.range;
    if (c.status != 416) {
      EXPECT_EQ(res.body, c.body) << c.range;
    } else {
      EXPECT_EQ(res.json().at("error").as_string(), "range_not_satisfiable");
    }
    EXPECT_EQ(res.header("content-range"), c.content_range) << c.range;
  }
  const std::string etag = view(id).header("etag");
  EXPECT_EQ(view(id, {{"Range", "bytes=0-0"}, {"If-Range", etag}}).status, 206);
  EXPECT_EQ(view(id, {{"Range", "bytes=0-0"}, {"If-Range", "\"other\""}}).status, 200);
}

TEST_P(Attachments, ETagAndNotModified) {
  const std::int64_t id = post_one("e.txt", "etag me").at("id").as_int64();
  const std::string etag = view(id).header("etag");
  ASSERT_FALSE(etag.empty());
  auto same = view(id, {{"If-None-Match", etag}});
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  EXPECT_EQ(same.header("etag"), etag);
  EXPECT_EQ(view(id, {{"If-None-Match", "\"x\", W/" + etag}}).status, 304);
  EXPECT_EQ(view(id, {{"If-None-Match", "*"}}).status, 304);
  EXPECT_EQ(view(id, {{"If-None-Match", "\"something-else\""}}).status, 200);
  // Identical bytes, identical tag.
  EXPECT_EQ(view(post_one("copy.txt", "etag me").at("id").as_int64()).header("etag"), etag);
}

TEST_P(Attachments, ViewNegotiatesTheObjectOrTheBytes) {
  auto a = post_one("n.txt", "negotiate");
  const std::int64_t id = a.at("id").as_int64();
  auto as_json = view(id, {{"Accept", "application/json"}});
  EXPECT_EQ(as_json.status, 200);
  EXPECT_EQ(as_json.json(), a);
  EXPECT_EQ(view(id, {{"Accept", "application/json, */*;q=0.1"}}).json(), a);
  EXPECT_EQ(view(id, {{"Accept", "application/json, text/plain"}}).body, "negotiate");
  EXPECT_EQ(view(id, {{"Accept", "text/*, application/json"}}).body, "negotiate");
  EXPECT_EQ(view(id, {{"Accept", "*/*"}}).body, "negotiate");
  EXPECT_EQ(view(id).body, "negotiate");
  EXPECT_EQ(view(id, {{"Accept", "application/json;q=0"}}).body, "negotiate");
}

TEST_P(Attachments, TypesComeFromTheBytes) {
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89", 33);
  auto image = post({file_part("file", "picture.txt", png, "text/plain"), field("display_order", "1")});
  ASSERT_EQ(image.status, 201) << image.body;
  EXPECT_EQ(image.json().at("mime_type").as_string(), "image/png");
  auto shown = view(image.json().at("id").as_int64());
  EXPECT_EQ(shown.header("content-type"), "image/png");
  EXPECT_TRUE(shown.header("content-disposition").starts_with("inline;"));

  const std::string html = "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n";
  auto page = post({file_part("file", "innocent.png", html, "image/png"), field("display_order", "1")});
  ASSERT_EQ(page.status, 201) << page.body;
  EXPECT_EQ(page.json().at("mime_type").as_string(), "text/html");
  EXPECT_TRUE(view(page.json().at("id").as_int64()).header("content-disposition").starts_with("attachment;"));

  const std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>\n";
  auto drawing = post({file_part("file", "d.svg", svg, "image/svg+xml"), field("display_order", "1")});
  ASSERT_EQ(drawing.status, 201) << drawing.body;
  EXPECT_TRUE(view(drawing.json().at("id").as_int64()).header("content-disposition").starts_with("attachment;"));

  // Only types known to be inert are shown inline; a script's alias is not one.
  auto script =
      post({file_part("file", "s.js", "alert(document.cookie)\n", "text/x-javascript"), field("display_order", "1")});
  ASSERT_EQ(script.status, 201) << script.body;
  EXPECT_TRUE(view(script.json().at("id").as_int64()).header("content-disposition").starts_with("attachment;"));

  auto unknown = post({file_part("file", "blob", binary_bytes(100), ""), field("display_order", "1")});
  ASSERT_EQ(unknown.status, 201) << unknown.body;
  EXPECT_EQ(unknown.json().at("mime_type").as_string(), "application/octet-stream");
  EXPECT_TRUE(view(unknown.json().at("id").as_int64()).header("content-disposition").starts_with("attachment;"));
}

TEST_P(Attachments, IdenticalContentIsStoredOnce) {
  const std::int64_t first = post_one("a.bin", "same bytes").at("id").as_int64();
  const std::int64_t second = post_one("b.bin", "same bytes").at("id").as_int64();
  EXPECT_EQ(settled_blobs(server), 1u);
  auto usage = call(owner, "GET", owner.workspace_path() + "/attachments/storage");
  EXPECT_EQ(usage.json().at("used_bytes").as_int64(), 20);  // what was uploaded, not what is stored
  EXPECT_EQ(call(owner, "DELETE", attachment(first)).status, 204);
  EXPECT_EQ(settled_blobs(server), 1u);
  EXPECT_EQ(view(second).body, "same bytes");
  EXPECT_EQ(call(owner, "DELETE", attachment(second)).status, 204);
  EXPECT_EQ(settled_blobs(server), 0u);
}

// Earlier builds kept blobs under blobs/aa/bb/<sha256> (now blobs/aa/<sha256>):
// in a data dir they left, such a blob is viewed, found again by an upload of
// the same bytes, and removed from where it is.
TEST_P(Attachments, BlobsOfTheOlderTwoLevelLayoutStayUsable) {
  if (!server.blobs().empty()) GTEST_SKIP() << "a layout of files on disk";
  const std::int64_t first = post_one("a.bin", "older layout").at("id").as_int64();
  const fs::path blobs = server.data_dir() / "blobs";
  fs::path stored;
  for (const auto& entry : fs::recursive_directory_iterator(blobs)) {
    if (entry.is_regular_file()) stored = entry.path();
  }
  const std::string digest = stored.filename().string();
  ASSERT_EQ(stored, blobs / digest.substr(0, 2) / digest);
  const fs::path older = blobs / digest.substr(0, 2) / digest.substr(2, 2) / digest;
  restart_server([&] {
    fs::create_directories(older.parent_path());
    fs::rename(stored, older);
  });
  HttpClient fresh = server.client();  // the server listens on a new port
  auto view_body = [&](std::int64_t id) { return fresh.request("GET", attachment(id, "/view"), owner.basic()).body; };

  EXPECT_EQ(view_body(first), "older layout");
  auto again =
      upload(fresh, owner, attachments(), {file_part("file", "b.bin", "older layout"), field("display_order", "1")});
  ASSERT_EQ(again.status, 201) << again.body;
  const std::int64_t second = again.json().at("id").as_int64();
  EXPECT_EQ(files_under(blobs), 1u);
  EXPECT_FALSE(fs::exists(stored)) << "stored again in the new layout";
  EXPECT_EQ(call(owner, "DELETE", attachment(first)).status, 204);
  EXPECT_EQ(view_body(second), "older layout");
  EXPECT_EQ(call(owner, "DELETE", attachment(second)).status, 204);
  EXPECT_FALSE(fs::exists(older));
  EXPECT_EQ(files_under(blobs), 0u);
}

TEST_P(Attachments, AnAttachmentBelongsToItsParent) {
  const std::int64_t id = post_one("mine.txt", "mine").at("id").as_int64();
  const std::string mine = parent;
  // A second parent of the same kind cannot reach the first one's attachment.
  const std::int64_t other_project = create_project({{"name", "Other"}});
  parent = project(other_project);
  if (GetParam() == "tasks") {
    parent = tasks() + "/" + std::to_string(create(owner, tasks(), {{"name", "Other task"}}).at("id").as_int64());
  }
  EXPECT_EQ(view(id).status, 404);
  EXPECT_EQ(call(owner, "DELETE", attachment(id)).status, 404);
  EXPECT_EQ(call_json(owner, "PUT", attachment(id), object{{"name", "x"}, {"display_order", 1}}).status, 404);
  EXPECT_TRUE(listed().empty());
  parent = mine;
  EXPECT_EQ(view(id).body, "mine");
  EXPECT_EQ(call(owner, "GET", parent + "9/attachments").status, 404);
}

TEST_P(Attachments, AccessFollowsTheParent) {
  auto member = server.seed_user("", owner.organization_id, "member");
  auto outsider = server.seed_user();
  const std::int64_t id = post_one("shared.txt", "shared").at("id").as_int64();

  // A member sees a public project's (and its tasks') attachments…
  EXPECT_EQ(call(member, "GET", attachments()).status, 200);
  EXPECT_EQ(client.request("GET", attachment(id, "/view"), member.basic()).body, "shared");
  // …and may change them once a member of the project (for a task: once they
  // may edit the task, which project members may).
  EXPECT_EQ(post({file_part("file", "m.txt", "m"), field("display_order", "1")}, "", &member).status, 403);
  EXPECT_EQ(call(member, "DELETE", attachment(id)).status, 403);
  EXPECT_EQ(call_json(member, "PUT", attachment(id), object{{"name", "x"}, {"display_order", 1}}).status, 403);
  ASSERT_EQ(call_json(owner, "POST", project(project_id) + "/members",
                      object{{"user_ids", {member.user_id}}, {"role_id", kProjectMember}})
                .status,
            204);
  EXPECT_EQ(post({file_part("file", "m.txt", "m"), field("display_order", "1")}, "", &member).status, 201);
  // Renaming and deleting: a project's managers only; a task's editors.
  const int manage = GetParam() == "projects" ? 403 : 204;
  EXPECT_EQ(call_json(member, "PUT", attachment(id), object{{"name", "x"}, {"display_order", 1}}).status, manage);
  if (GetParam() == "projects") {
    ASSERT_EQ(call_json(owner, "PUT", project(project_id) + "/members",
                        object{{"user_id", member.user_id}, {"role_id", kProjectManager}})
                      .status /
                  100,
              2);
    EXPECT_EQ(call_json(member, "PUT", attachment(id), object{{"name", "x"}, {"display_order", 1}}).status, 204);
  }

  // Someone of another organization learns nothing.
  for (const auto& target : {attachments(), attachment(id, "/view")}) {
    EXPECT_EQ(client.request("GET", target, outsider.basic()).status, 404) << target;
  }
  EXPECT_EQ(post({file_part("file", "o.txt", "o"), field("display_order", "1")}, "", &outsider).status, 404);
  EXPECT_EQ(client.request("GET", attachments()).status, 401);

  // A private project hides its attachments from non-members.
  ASSERT_EQ(call_json(owner, "PATCH", project(project_id), object{{"private", true}}).status / 100, 2);
  auto stranger = server.seed_user("", owner.organization_id, "member");
  EXPECT_EQ(call(stranger, "GET", attachments()).status, 404);
  EXPECT_EQ(client.request("GET", attachment(id, "/view"), stranger.basic()).status, 404);
}

// Uploads against a server with small limits: one file too large, and the
// quota. Nothing of a refused upload is stored.
class AttachmentLimits : public ::testing::Test {
 protected:
  FocusdServer server{{.extra_args = {"--max-upload-file-bytes", "1000", "--attachment-quota-bytes", "5000"}}};
  SeededUser owner = server.seed_user();
  HttpClient client = server.client();
  std::string workspace_path() const { return owner.workspace_path(); }
  std::string attachments() {
    if (project_id == 0) {
      Headers headers = owner.basic();
      headers.emplace_back("Content-Type", "application/json");
      auto res = client.request("POST", workspace_path() + "/projects", headers, R"({"name":"P"})");
      project_id = res.json().at("id").as_int64();
    }
    return workspace_path() + "/projects/" + std::to_string(project_id) + "/attachments";
  }
  std::int64_t project_id = 0;
};

TEST_F(AttachmentLimits, AnOversizeFileFailsTheWholeBulk) {
  std::vector<Part> parts;
  for (int i = 0; i < 10; ++i) {
    parts.push_back(file_part("files", "f" + std::to_string(i), std::string(i == 6 ? 1001 : 1000, 'a' + i)));
    parts.push_back(field("display_orders", std::to_string(i)));
  }
  auto res = upload(client, owner, attachments() + "/bulk", parts);
  EXPECT_EQ(res.status, 413) << res.body;
  EXPECT_TRUE(res.json().at("error_values").as_object().contains("files[6]")) << res.body;
  EXPECT_NE(res.json().at("error_description").as_string().find("1000"), std::string::npos);

  HttpClient again = server.client();
  auto list = again.request("GET", attachments(), owner.basic());
  EXPECT_EQ(list.body, "[]");
  EXPECT_EQ(upload_temps(server), 0u);
  EXPECT_EQ(settled_blobs(server), 0u);

  parts.resize(8);  // the first four files (within the quota)
  HttpClient third = server.client();
  EXPECT_EQ(upload(third, owner, attachments() + "/bulk", parts).status, 201);
}

TEST_F(AttachmentLimits, TheQuotaIsEnforced) {
  std::vector<Part> four;
  for (int i = 0; i < 4; ++i) {
    four.push_back(file_part("files", "f", std::string(1000, 'a' + i)));
    four.push_back(field("display_orders", "1"));
  }
  ASSERT_EQ(upload(client, owner, attachments() + "/bulk", four).status, 201);
  auto over = upload(client, owner, attachments() + "/bulk",
                     {file_part("files", "x", std::string(600, 'x')), field("display_orders", "1"),
                      file_part("files", "y", std::string(600, 'y')), field("display_orders", "1")});
  EXPECT_EQ(over.status, 402) << over.body;
  EXPECT_EQ(over.json().at("error").as_string(), "quota_exceeded");
  auto usage = client.request("GET", workspace_path() + "/attachments/storage", owner.basic()).json();
  EXPECT_EQ(usage,
            (boost::json::value{{"enforced", true}, {"limit_bytes", 5000}, {"used_bytes", 4000}, {"disk", "ok"}}));
  EXPECT_EQ(settled_blobs(server), 4u);
  EXPECT_EQ(upload_temps(server), 0u);
  EXPECT_EQ(upload(client, owner, attachments(),
                   {file_part("file", "z", std::string(1000, 'z')), field("display_order", "1")})
                .status,
            201);
}

TEST_F(AttachmentLimits, ADeclaredBodyBeyondTheLimitIsRefusedBeforeItIsSent) {
  client.send_raw("POST " + attachments() + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + owner.basic()[0].second +
                  "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 999999999999\r\n\r\n");
  auto res = client.read_response();
  EXPECT_EQ(res.status, 413) << res.body;
}

}  // namespace
}  // namespace focusd::test
