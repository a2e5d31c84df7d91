// The upload form: attachment names, UTF-8 checks and collecting a multipart
// body into blob stagings and values, on a real disk blob store.
#include "api/upload_form.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "auth/crypto.h"
#include "blob/blob_store.h"
#include "multipart/multipart.h"

namespace focusd::api {
namespace {

namespace fs = std::filesystem;

const std::string kBoundary = "----focusdFormBoundary7MA4YWxk";
const std::string kAbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const std::string kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// ---- attachment_name_from_filename ----------------------------------------

TEST(UploadFormName, PlainNameIsKept) {
  EXPECT_EQ(attachment_name_from_filename("report.pdf"), "report.pdf");
  EXPECT_EQ(attachment_name_from_filename("a b-c_d (1).tar.gz"), "a b-c_d (1).tar.gz");
}

TEST(UploadFormName, PathSegmentsAreStripped) {
  EXPECT_EQ(attachment_name_from_filename("../../etc/passwd"), "passwd");
  EXPECT_EQ(attachment_name_from_filename("C:\\dir\\a.txt"), "a.txt");
  EXPECT_EQ(attachment_name_from_filename("/abs/path/b.png"), "b.png");
  EXPECT_EQ(attachment_name_from_filename("mixed\\dir/sub\\c.txt"), "c.txt");
  EXPECT_EQ(attachment_name_from_filename("dir/"), "file");
  EXPECT_EQ(attachment_name_from_filename("a/.."), "file");
}

TEST(UploadFormName, ControlCharactersAreRemoved) {
  EXPECT_EQ(attachment_name_from_filename("a\tb\nc\rd\x01\x1f\x7f.txt"), "abcd.txt");
  EXPECT_EQ(attachment_name_from_filename(std::string("nul\0byte.txt", 12)), "nulbyte.txt");
  EXPECT_EQ(attachment_name_from_filename("\x01\x02\x03"), "file");
}

TEST(UploadFormName, InvalidUtf8BytesAreDropped) {
  EXPECT_EQ(attachment_name_from_filename("a\xff"
                                          "b\xfe"
                                          "c.txt"),
            "abc.txt");
  // An overlong '/' is neither a separator nor kept.
  EXPECT_EQ(attachment_name_from_filename("x\xc0\xafy"), "xy");
  // A truncated sequence at the end, and one cut short by an ASCII byte.
  EXPECT_EQ(attachment_name_from_filename("caf\xc3"), "caf");
  EXPECT_EQ(attachment_name_from_filename("\xe2\x82x.txt"), "x.txt");
  // Surrogates and values past U+10FFFF.
  EXPECT_EQ(attachment_name_from_filename("s\xed\xa0\x80t"), "st");
  EXPECT_EQ(attachment_name_from_filename("u\xf4\x90\x80\x80v"), "uv");
  EXPECT_EQ(attachment_name_from_filename("\xff\xfe"), "file");
}

TEST(UploadFormName, ValidMultibyteUtf8IsKept) {
  const std::string name = "r\xc3\xa9sum\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80.pdf";  // résumé 日本 😀.pdf
  EXPECT_EQ(attachment_name_from_filename(name), name);
  EXPECT_EQ(attachment_name_from_filename("dir/\xe2\x82\xac.txt"), "\xe2\x82\xac.txt");
}

TEST(UploadFormName, SpacesAreTrimmed) {
  EXPECT_EQ(attachment_name_from_filename("  a b.txt  "), "a b.txt");
  EXPECT_EQ(attachment_name_from_filename("dir/  x  "), "x");
  // Spaces left at the edge once control characters are gone are trimmed too.
  EXPECT_EQ(attachment_name_from_filename("\x01 y \t"), "y");
}

TEST(UploadFormName, NothingLeftBecomesFile) {
  EXPECT_EQ(attachment_name_from_filename(""), "file");
  EXPECT_EQ(attachment_name_from_filename("."), "file");
  EXPECT_EQ(attachment_name_from_filename(".."), "file");
  EXPECT_EQ(attachment_name_from_filename(" "), "file");
  EXPECT_EQ(attachment_name_from_filename("     "), "file");
  EXPECT_EQ(attachment_name_from_filename(" .. "), "file");
  EXPECT_EQ(attachment_name_from_filename("dir/."), "file");
  // Three dots is a name, not a path element.
  EXPECT_EQ(attachment_name_from_filename("..."), "...");
}

TEST(UploadFormName, TruncatedTo255BytesOnCharacterBoundaries) {
  EXPECT_EQ(attachment_name_from_filename(std::string(255, 'a')), std::string(255, 'a'));
  EXPECT_EQ(attachment_name_from_filename(std::string(300, 'a')), std::string(255, 'a'));

  const std::string e_acute = "\xc3\xa9";       // 2 bytes
  const std::string euro = "\xe2\x82\xac";      // 3 bytes
  const std::string grin = "\xf0\x9f\x98\x80";  // 4 bytes
  // The sequence that would cross byte 255 is left out whole.
  EXPECT_EQ(attachment_name_from_filename(std::string(254, 'a') + e_acute), std::string(254, 'a'));
  EXPECT_EQ(attachment_name_from_filename(std::string(253, 'a') + euro), std::string(253, 'a'));
  EXPECT_EQ(attachment_name_from_filename(std::string(252, 'a') + grin), std::string(252, 'a'));
  EXPECT_EQ(attachment_name_from_filename(std::string(254, 'a') + grin), std::string(254, 'a'));
  // One that ends exactly at byte 255 is kept.
  EXPECT_EQ(attachment_name_from_filename(std::string(251, 'a') + grin), std::string(251, 'a') + grin);
  EXPECT_EQ(attachment_name_from_filename(std::string(253, 'a') + e_acute), std::string(253, 'a') + e_acute);

  for (const std::string& unit : {e_acute, euro, grin}) {
    std::string long_name;
    for (int i = 0; i < 200; ++i) long_name += unit;
    const std::string name = attachment_name_from_filename(long_name + ".txt");
    EXPECT_LE(name.size(), 255u) << unit.size();
    EXPECT_GT(name.size(), 255u - unit.size()) << unit.size();
    EXPECT_EQ(name.size() % unit.size(), 0u) << unit.size();
    EXPECT_TRUE(is_utf8(name)) << unit.size();
    EXPECT_EQ(long_name.substr(0, name.size()), name) << unit.size();
  }
}

// ---- is_utf8 ---------------------------------------------------------------

TEST(UploadFormUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_utf8(""));
  EXPECT_TRUE(is_utf8("plain ASCII ~ 0123"));
  EXPECT_TRUE(is_utf8(std::string("\0\x7f", 2)));
  EXPECT_TRUE(is_utf8("\xc2\x80"));                 // U+0080, smallest 2-byte
  EXPECT_TRUE(is_utf8("\xc3\xa9"));                 // é
  EXPECT_TRUE(is_utf8("\xdf\xbf"));                 // U+07FF
  EXPECT_TRUE(is_utf8("\xe0\xa0\x80"));             // U+0800, smallest 3-byte
  EXPECT_TRUE(is_utf8("\xe2\x82\xac"));             // €
  EXPECT_TRUE(is_utf8("\xed\x9f\xbf"));             // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_utf8("\xee\x80\x80"));             // U+E000, just above them
  EXPECT_TRUE(is_utf8("\xef\xbf\xbf"));             // U+FFFF
  EXPECT_TRUE(is_utf8("\xf0\x90\x80\x80"));         // U+10000, smallest 4-byte
  EXPECT_TRUE(is_utf8("\xf0\x9f\x98\x80"));         // 😀
  EXPECT_TRUE(is_utf8("\xf4\x8f\xbf\xbf"));         // U+10FFFF
  EXPECT_TRUE(is_utf8("a\xc3\xa9z\xe2\x82\xac!"));  // mixed
}

TEST(UploadFormUtf8, RejectsOverlongForms) {
  EXPECT_FALSE(is_utf8("\xc0\x80"));
  EXPECT_FALSE(is_utf8("\xc1\xbf"));
  EXPECT_FALSE(is_utf8("\xe0\x80\x80"));
  EXPECT_FALSE(is_utf8("\xe0\x9f\xbf"));
  EXPECT_FALSE(is_utf8("\xf0\x80\x80\x80"));
  EXPECT_FALSE(is_utf8("\xf0\x8f\xbf\xbf"));
}

TEST(UploadFormUtf8, RejectsSurrogatesAndPastU10FFFF) {
  EXPECT_FALSE(is_utf8("\xed\xa0\x80"));  // U+D800
  EXPECT_FALSE(is_utf8("\xed\xbf\xbf"));  // U+DFFF
  EXPECT_FALSE(is_utf8("\xf4\x90\x80\x80"));
  EXPECT_FALSE(is_utf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(is_utf8("\xff"));
  EXPECT_FALSE(is_utf8("\xfe"));
}

TEST(UploadFormUtf8, RejectsTruncatedAndBrokenSequences) {
  EXPECT_FALSE(is_utf8("\xc3"));
  EXPECT_FALSE(is_utf8("abc\xc3"));
  EXPECT_FALSE(is_utf8("\xe2\x82"));
  EXPECT_FALSE(is_utf8("\xf0\x9f\x98"));
  EXPECT_FALSE(is_utf8("\xe2\x82x"));     // cut short by ASCII
  EXPECT_FALSE(is_utf8("\x80"));          // a lone continuation byte
  EXPECT_FALSE(is_utf8("a\xbf"));         // likewise
  EXPECT_FALSE(is_utf8("\xc3\xa9\xa9"));  // one continuation too many
}

// ---- the form --------------------------------------------------------------

std::string value_part(const std::string& name, const std::string& value) {
  return "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
}

std::string file_part(const std::string& name, const std::string& filename, const std::string& content,
                      const std::string& type = "application/octet-stream") {
  return "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename +
         "\"\r\nContent-Type: " + type + "\r\n\r\n" + content + "\r\n";
}

std::string form_body(const std::vector<std::string>& parts) {
  std::string body;
  for (const auto& part : parts) body += part;
  return body + "--" + kBoundary + "--\r\n";
}

// Feeds `body` to a real parser in pieces of `piece` bytes.
Status parse(UploadForm& form, const std::string& body, std::size_t piece) {
  multipart::Parser parser(kBoundary, multipart::Limits{}, form);
  for (std::size_t at = 0; at < body.size(); at += piece) {
    if (auto status = parser.feed(std::string_view(body).substr(at, piece)); !status) return status;
  }
  return parser.finish();
}

// Piece sizes every body is fed in: byte by byte, 7 at a time, and whole.
std::vector<std::size_t> pieces(const std::string& body) {
  return {1, 7, 64, body.size()};
}

class UploadFormTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(auth::init_crypto());
    root_ = fs::temp_directory_path() / ("focusd-upload-form-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    store_ = blob::make_disk_blob_store(root_.string());
    ASSERT_TRUE(store_);
  }
  void TearDown() override {
    if (store_) {
      auto temps = store_->count_temps();
      EXPECT_TRUE(temps);
      if (temps) {
        EXPECT_EQ(*temps, 0u) << "a staging outlived its form";
      }
    }
    store_.reset();
    fs::remove_all(root_);
  }

  std::unique_ptr<UploadForm> form(std::string file_field = "files", std::vector<std::string> value_fields = {"names"},
                                   UploadLimits limits = {}) {
    return std::make_unique<UploadForm>(*store_, std::move(file_field), std::move(value_fields), limits);
  }

  std::size_t temps() {
    auto count = store_->count_temps();
    EXPECT_TRUE(count);
    return count ? *count : 0;
  }

  // Finishes a collected file's staging and returns its digest and size.
  static blob::BlobInfo finish(FormFile& file) {
    EXPECT_TRUE(file.staging);
    if (!file.staging) return {};
    auto info = file.staging->finish();
    EXPECT_TRUE(info);
    return info ? *info : blob::BlobInfo{};
  }

  // Expects `status` to be an error of `code` naming `key` in its values.
  static void expect_error(const Status& status, ErrorCode code, const std::string& key,
                           const std::string& context = "") {
    ASSERT_FALSE(status) << context;
    EXPECT_EQ(status.error().code, code) << context << ": " << status.error().description;
    EXPECT_TRUE(status.error().values.count(key))
        << context << ": expected key " << key << " in error: " << status.error().description;
  }

  fs::path root_;
  std::unique_ptr<blob::BlobStore> store_;
};

TEST_F(UploadFormTest, FilesUnderEverySpellingLandInTheirSlots) {
  const std::string body = form_body({
      file_part("files[2]", "two.txt", "second", "text/plain"),
      file_part("files", "three.bin", "third"),                 // appended: index 3
      file_part("files[]", "four.png", "fourth", "image/png"),  // appended: index 4
      file_part("files[0]", "zero.txt", "abc", "text/plain"),
  });
  for (std::size_t piece : pieces(body)) {
    auto f = form();
    ASSERT_TRUE(parse(*f, body, piece)) << piece;
    auto& files = f->files();
    ASSERT_EQ(files.size(), 5u) << piece;
    EXPECT_FALSE(files[1]) << piece;
    ASSERT_TRUE(files[0] && files[2] && files[3] && files[4]) << piece;

    EXPECT_EQ(files[0]->filename, "zero.txt");
    EXPECT_EQ(files[0]->declared_type, "text/plain");
    EXPECT_EQ(files[0]->part, "files[0]");
    EXPECT_EQ(files[2]->filename, "two.txt");
    EXPECT_EQ(files[2]->part, "files[2]");
    EXPECT_EQ(files[3]->filename, "three.bin");
    EXPECT_EQ(files[3]->declared_type, "application/octet-stream");
    EXPECT_EQ(files[4]->filename, "four.png");
    EXPECT_EQ(files[4]->declared_type, "image/png");

    const blob::BlobInfo zero = finish(*files[0]);
    EXPECT_EQ(zero.size, 3u);
    EXPECT_EQ(zero.sha256, kAbcSha256);
    const std::vector<std::pair<std::size_t, std::string>> expected = {{2, "second"}, {3, "third"}, {4, "fourth"}};
    for (const auto& [index, content] : expected) {
      EXPECT_EQ(std::string(files[index]->staging->head()), content) << index << " " << piece;
      const blob::BlobInfo info = finish(*files[index]);
      EXPECT_EQ(info.size, content.size()) << index;
      EXPECT_EQ(info.sha256, auth::sha256_hex(content)) << index;
    }
    EXPECT_TRUE(f->values("names").empty());
  }
}

TEST_F(UploadFormTest, FileBytesAreWrittenExactly) {
  std::string binary;
  for (int i = 0; i < 70000; ++i) binary += static_cast<char>((i * 31) ^ (i >> 8));
  // Bytes that look like the delimiter but are not.
  binary += "\r\n--" + kBoundary.substr(0, kBoundary.size() - 1) + "\r\n\r\n--\r\n";
  const std::string body = form_body({
      file_part("file", "abc.txt", "abc", "text/plain"),
  });
  const std::string binary_body = form_body({file_part("file", "blob.bin", binary)});
  const std::string empty_body = form_body({file_part("file", "empty", "")});

  for (std::size_t piece : pieces(body)) {
    auto f = form("file", {}, UploadLimits{.max_files = 1});
    ASSERT_TRUE(parse(*f, body, piece)) << piece;
    ASSERT_EQ(f->files().size(), 1u);
    ASSERT_TRUE(f->files()[0]);
    EXPECT_EQ(f->files()[0]->part, "file");
    EXPECT_EQ(f->files()[0]->filename, "abc.txt");
    const blob::BlobInfo info = finish(*f->files()[0]);
    EXPECT_EQ(info.size, 3u) << piece;
    EXPECT_EQ(info.sha256, kAbcSha256) << piece;
  }
  for (std::size_t piece : {std::size_t{7}, std::size_t{4096}, binary_body.size()}) {
    auto f = form("file", {}, UploadLimits{.max_files = 1});
    ASSERT_TRUE(parse(*f, binary_body, piece)) << piece;
    ASSERT_EQ(f->files().size(), 1u);
    ASSERT_TRUE(f->files()[0]);
    const blob::BlobInfo info = finish(*f->files()[0]);
    EXPECT_EQ(info.size, binary.size()) << piece;
    EXPECT_EQ(info.sha256, auth::sha256_hex(binary)) << piece;
  }
  for (std::size_t piece : pieces(empty_body)) {
    auto f = form("file", {}, UploadLimits{.max_files = 1});
    ASSERT_TRUE(parse(*f, empty_body, piece)) << piece;
    ASSERT_EQ(f->files().size(), 1u);
    ASSERT_TRUE(f->files()[0]);
    const blob::BlobInfo info = finish(*f->files()[0]);
    EXPECT_EQ(info.size, 0u);
    EXPECT_EQ(info.sha256, kEmptySha256);
  }
}

TEST_F(UploadFormTest, IndexedValuesLandByIndex) {
  const std::string body = form_body({value_part("names[1]", "second"), value_part("names[0]", "first")});
  for (std::size_t piece : pieces(body)) {
    auto f = form();
    ASSERT_TRUE(parse(*f, body, piece)) << piece;
    const auto& names = f->values("names");
    ASSERT_EQ(names.size(), 2u) << piece;
    ASSERT_TRUE(names[0] && names[1]);
    EXPECT_EQ(*names[0], "first");
    EXPECT_EQ(*names[1], "second");
    EXPECT_TRUE(f->files().empty());
  }
}

TEST_F(UploadFormTest, RepeatedValuesAppend) {
  const std::string body = form_body({
      value_part("names", "x"),
      value_part("names", "r\xc3\xa9sum\xc3\xa9"),
      value_part("names[]", ""),
      value_part("names", "line1\r\nline2"),
  });
  for (std::size_t piece : pieces(body)) {
    auto f = form();
    ASSERT_TRUE(parse(*f, body, piece)) << piece;
    const auto& names = f->values("names");
    ASSERT_EQ(names.size(), 4u) << piece;
    ASSERT_TRUE(names[0] && names[1] && names[2] && names[3]);
    EXPECT_EQ(*names[0], "x");
    EXPECT_EQ(*names[1], "r\xc3\xa9sum\xc3\xa9");
    EXPECT_EQ(*names[2], "");
    EXPECT_EQ(*names[3], "line1\r\nline2");
    EXPECT_TRUE(f->values("other").empty());
  }
}

TEST_F(UploadFormTest, IndexGivenTwiceNamesThePart) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {form_body({value_part("names[1]", "a"), value_part("names[1]", "b")}), "names[1]"},
      {form_body({value_part("names", "a"), value_part("names[0]", "b")}), "names[0]"},
      {form_body({file_part("files[0]", "a", "a"), file_part("files[0]", "b", "b")}), "files[0]"},
      {form_body({file_part("files", "a", "a"), file_part("files[0]", "b", "b")}), "files[0]"},
  };
  for (const auto& [body, key] : cases) {
    for (std::size_t piece : pieces(body)) {
      auto f = form();
      expect_error(parse(*f, body, piece), ErrorCode::InvalidArgument, key, key + " piece " + std::to_string(piece));
    }
  }
}

TEST_F(UploadFormTest, IndexPastTheLimitIsInvalid) {
  const UploadLimits limits{.max_files = 3};
  const std::vector<std::pair<std::string, std::string>> cases = {
      // An index past the limit names the part that gave it; one too many of a
      // field without indexes names the field.
      {form_body({value_part("names[3]", "a")}), "names[3]"},
      {form_body({value_part("names[1000]", "a")}), "names[1000]"},
      {form_body({file_part("files[3]", "a", "a")}), "files[3]"},
      {form_body({file_part("files", "a", "a"), file_part("files", "b", "b"), file_part("files[]", "c", "c"),
                  file_part("files", "d", "d")}),
       "files"},
      {form_body(
           {value_part("names", "a"), value_part("names", "b"), value_part("names", "c"), value_part("names", "d")}),
       "names"},
  };
  for (const auto& [body, key] : cases) {
    for (std::size_t piece : pieces(body)) {
      auto f = form("files", {"names"}, limits);
      expect_error(parse(*f, body, piece), ErrorCode::InvalidArgument, key, key + " piece " + std::to_string(piece));
    }
  }
  // The last index within the limit is fine.
  const std::string ok = form_body({value_part("names[2]", "a"), file_part("files[2]", "f", "abc")});
  auto f = form("files", {"names"}, limits);
  ASSERT_TRUE(parse(*f, ok, 7));
  ASSERT_EQ(f->values("names").size(), 3u);
  EXPECT_EQ(f->values("names")[2], "a");
  ASSERT_EQ(f->files().size(), 3u);
  ASSERT_TRUE(f->files()[2]);
}

TEST_F(UploadFormTest, MalformedIndexNamesThePart) {
  for (const std::string part : {"names[x]", "names[-1]", "names[1x]", "names[99999999999999999999999]"}) {
    const std::string body = form_body({value_part(part, "a")});
    auto f = form();
    expect_error(parse(*f, body, 7), ErrorCode::InvalidArgument, part, part);
  }
}

TEST_F(UploadFormTest, UnknownFieldNamesIt) {
  const std::string body = form_body({value_part("names", "a"), value_part("title", "b")});
  for (std::size_t piece : pieces(body)) {
    auto f = form();
    const Status status = parse(*f, body, piece);
    expect_error(status, ErrorCode::InvalidArgument, "title", std::to_string(piece));
    if (!status) {
      EXPECT_NE(status.error().description.find("title"), std::string::npos);
    }
  }
  // A file sent under the wrong field is unknown too.
  const std::string file_body = form_body({file_part("file", "a.txt", "abc")});
  auto f = form("files", {"names"});
  expect_error(parse(*f, file_body, 7), ErrorCode::InvalidArgument, "file");
}

TEST_F(UploadFormTest, ValueOver4096BytesIsInvalid) {
  const std::string at_limit = form_body({value_part("names", std::string(4096, 'n'))});
  for (std::size_t piece : pieces(at_limit)) {
    auto f = form();
    ASSERT_TRUE(parse(*f, at_limit, piece)) << piece;
    ASSERT_EQ(f->values("names").size(), 1u);
    EXPECT_EQ(f->values("names")[0], std::string(4096, 'n'));
  }
  const std::string over = form_body({value_part("names[0]", std::string(4097, 'n'))});
  for (std::size_t piece : pieces(over)) {
    auto f = form();
    expect_error(parse(*f, over, piece), ErrorCode::InvalidArgument, "names[0]", std::to_string(piece));
  }
}

TEST_F(UploadFormTest, NonUtf8ValueIsInvalid) {
  for (const std::string& value : {std::string("\xff"), std::string("ok\xc3"), std::string("\xc0\x80"),
                                   std::string("\xed\xa0\x80"), std::string("a\xf4\x90\x80\x80")}) {
    const std::string body = form_body({value_part("names", value)});
    for (std::size_t piece : pieces(body)) {
      auto f = form();
      expect_error(parse(*f, body, piece), ErrorCode::InvalidArgument, "names", std::to_string(piece));
    }
  }
  // A multibyte character split across feeds is still well-formed.
  const std::string body = form_body({value_part("names", "\xf0\x9f\x98\x80\xe2\x82\xac")});
  auto f = form();
  ASSERT_TRUE(parse(*f, body, 1));
  EXPECT_EQ(f->values("names")[0], "\xf0\x9f\x98\x80\xe2\x82\xac");
}

TEST_F(UploadFormTest, FileOverTheLimitIsPayloadTooLarge) {
  const UploadLimits limits{.max_files = 1, .max_file_bytes = 10};
  const std::string at_limit = form_body({file_part("file", "a.bin", std::string(10, 'x'))});
  for (std::size_t piece : pieces(at_limit)) {
    auto f = form("file", {}, limits);
    ASSERT_TRUE(parse(*f, at_limit, piece)) << piece;
    ASSERT_EQ(f->files().size(), 1u);
    ASSERT_TRUE(f->files()[0]);
    EXPECT_EQ(finish(*f->files()[0]).size, 10u);
  }
  const std::string over = form_body({file_part("file", "a.bin", std::string(11, 'x'))});
  for (std::size_t piece : pieces(over)) {
    auto f = form("file", {}, limits);
    const Status status = parse(*f, over, piece);
    expect_error(status, ErrorCode::PayloadTooLarge, "file", std::to_string(piece));
    if (!status) {
      EXPECT_NE(status.error().description.find("10 bytes"), std::string::npos);
    }
  }
  const std::string much_over = form_body({file_part("file", "big.bin", std::string(100000, 'y'))});
  auto f = form("file", {}, limits);
  expect_error(parse(*f, much_over, 4096), ErrorCode::PayloadTooLarge, "file");
}

TEST_F(UploadFormTest, SecondFileWithMaxFilesOneIsInvalid) {
  const UploadLimits limits{.max_files = 1};
  const std::vector<std::string> bodies = {
      form_body({file_part("file", "a", "abc"), file_part("file", "b", "def")}),
      form_body({file_part("file", "a", "abc"), file_part("file[]", "b", "def")}),
      form_body({file_part("file[1]", "b", "def")}),
  };
  for (const auto& body : bodies) {
    for (std::size_t piece : pieces(body)) {
      auto f = form("file", {"display_order"}, limits);
      expect_error(parse(*f, body, piece), ErrorCode::InvalidArgument, "file", std::to_string(piece));
    }
  }
  // One file and a value are fine.
  const std::string ok = form_body({value_part("display_order", "3"), file_part("file", "a", "abc")});
  auto f = form("file", {"display_order"}, limits);
  ASSERT_TRUE(parse(*f, ok, 7));
  ASSERT_EQ(f->files().size(), 1u);
  ASSERT_EQ(f->values("display_order").size(), 1u);
  EXPECT_EQ(f->values("display_order")[0], "3");
}

TEST_F(UploadFormTest, UnpublishedStagingsAreRemovedWithTheForm) {
  const std::string body = form_body({
      file_part("files", "a.txt", "abc"),
      value_part("names", "a"),
      file_part("files", "b.bin", std::string(20000, 'b')),
      file_part("files[5]", "c.bin", "c"),
  });
  {
    auto f = form();
    ASSERT_TRUE(parse(*f, body, 7));
    EXPECT_EQ(temps(), 3u);
    // Finished but unpublished stagings go too.
    ASSERT_TRUE(f->files()[0]);
    EXPECT_EQ(finish(*f->files()[0]).sha256, kAbcSha256);
  }
  EXPECT_EQ(temps(), 0u);

  // And after a parse that failed part-way through a file.
  const std::string failing = form_body({
      file_part("files", "a.txt", "abc"),
      file_part("files[1]", "big.bin", std::string(5000, 'x')),
  });
  {
    auto f = form("files", {"names"}, UploadLimits{.max_file_bytes = 1000});
    expect_error(parse(*f, failing, 7), ErrorCode::PayloadTooLarge, "files[1]");
    EXPECT_EQ(temps(), 2u);
  }
  EXPECT_EQ(temps(), 0u);

  // And after an error in a later part.
  const std::string unknown = form_body({file_part("files", "a.txt", "abc"), value_part("bogus", "x")});
  {
    auto f = form();
    expect_error(parse(*f, unknown, 7), ErrorCode::InvalidArgument, "bogus");
  }
  EXPECT_EQ(temps(), 0u);
  EXPECT_TRUE(store_->list() && store_->list()->empty());
}

// A store that notes, for each promise a staging is made (expect_at_least),
// how many bytes it was promised and how many it was then written.
struct Promise {
  std::uint64_t promised = 0;
  std::uint64_t written = 0;
};

class PromiseLog final : public blob::BlobStore {
 public:
  explicit PromiseLog(blob::BlobStore& inner) : inner_(inner) {}
  std::vector<Promise> promises;

  Status prepare() override { return inner_.prepare(); }
  bool shared() const override { return inner_.shared(); }
  Status ping() override { return inner_.ping(); }
  Result<std::unique_ptr<blob::Staging>> stage() override {
    auto staged = inner_.stage();
    if (!staged) return staged.error();
    return std::unique_ptr<blob::Staging>(std::make_unique<Logged>(std::move(*staged), promises));
  }
  Result<ByteSource> open(std::string_view name, blob::ReadRange range) override { return inner_.open(name, range); }
  Status remove(std::string_view name) override { return inner_.remove(name); }
  Result<std::vector<std::string>> list() override { return inner_.list(); }
  Result<std::vector<std::string>> recent() override { return inner_.recent(); }
  Result<std::size_t> sweep_temps() override { return inner_.sweep_temps(); }
  Result<std::size_t> count_temps() override { return inner_.count_temps(); }

 private:
  class Logged final : public blob::Staging {
   public:
    Logged(std::unique_ptr<blob::Staging> inner, std::vector<Promise>& log) : inner_(std::move(inner)), log_(log) {}
    Status write(std::string_view bytes) override {
      for (auto& promise : log_) promise.written += bytes.size();
      return inner_->write(bytes);
    }
    void expect_at_least(std::uint64_t bytes) override { log_.push_back(Promise{bytes, 0}); }
    Result<blob::BlobInfo> finish() override { return inner_->finish(); }
    std::string_view head() const override { return inner_->head(); }
    Status flush() override { return inner_->flush(); }
    Result<bool> publish() override { return inner_->publish(); }

   private:
    std::unique_ptr<blob::Staging> inner_;
    std::vector<Promise>& log_;
  };

  blob::BlobStore& inner_;
};

// A form of known length with one file promises its staging, from the file's
// first bytes on, all of the file but what may follow it within the parser's
// limits (so that S3 is sent all but that as it comes), and never more.
TEST_F(UploadFormTest, AFileOfKnownLengthIsPromisedAllButWhatMayFollowIt) {
  std::string file;
  for (int i = 0; i < 300000; ++i) file += static_cast<char>((i * 131) ^ (i >> 9));
  const std::string body = form_body({file_part("file", "f.bin", file), value_part("display_order", "1")});
  const std::uint64_t may_follow = multipart::max_bytes_after(multipart::Limits{}, 1, 4096);
  // At the default file limit, and at a limit of exactly this file's size (the promise's other cap).
  for (auto [piece, max_file_bytes] :
       std::vector<std::pair<std::size_t, std::uint64_t>>{{4096, UploadLimits{}.max_file_bytes},
                                                          {65536, UploadLimits{}.max_file_bytes},
                                                          {std::size_t{256} << 10, UploadLimits{}.max_file_bytes},
                                                          {65536, file.size()}}) {
    PromiseLog log(*store_);
    UploadForm form(log, "file", {"display_order"}, UploadLimits{.max_files = 1, .max_file_bytes = max_file_bytes});
    multipart::Parser parser(kBoundary, multipart::Limits{}, form);
    form.parsed_by(parser);
    // As the upload handler feeds it: each piece once the body's length after it is known.
    for (std::size_t at = 0; at < body.size(); at += piece) {
      form.body_left(body.size() - std::min(body.size(), at + piece));
      ASSERT_TRUE(parser.feed(std::string_view(body).substr(at, piece))) << piece;
    }
    ASSERT_TRUE(parser.finish());
    ASSERT_FALSE(log.promises.empty()) << piece;
    for (const Promise& promise : log.promises) EXPECT_GE(promise.written, promise.promised) << piece;
    EXPECT_EQ(log.promises.front().written, file.size()) << piece;
    EXPECT_LE(file.size() - log.promises.front().promised, may_follow) << piece;
    ASSERT_TRUE(form.files()[0]);
    EXPECT_EQ(finish(*form.files()[0]).sha256, auth::sha256_hex(file)) << piece;
  }
}

}  // namespace
}  // namespace focusd::api
