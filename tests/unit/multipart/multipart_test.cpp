#include "multipart/multipart.h"

#include <gtest/gtest.h>

#include <vector>

namespace focusd::multipart {
namespace {

struct Part {
  PartHeaders headers;
  std::string data;
};

class Collect : public Handler {
 public:
  Status on_part_begin(const PartHeaders& headers) override {
    parts.push_back({headers, ""});
    open = true;
    return Ok{};
  }
  Status on_part_data(std::string_view data) override {
    EXPECT_TRUE(open);
    parts.back().data.append(data);
    return Ok{};
  }
  Status on_part_end() override {
    open = false;
    return Ok{};
  }
  std::vector<Part> parts;
  bool open = false;
};

const std::string kBody =
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"display_order\"\r\n"
    "\r\n"
    "3\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".bin\"\r\n"
    "Content-Type: application/octet-stream\r\n"
    "\r\n"
    "line1\r\n--XyY\r\n-XyZ\r\n\r\n--X\r\n"
    "--XyZ--\r\n"
    "epilogue is ignored";

Status parse_in_pieces(const std::string& body, std::size_t piece, Collect& out, const std::string& boundary = "XyZ") {
  Parser parser(boundary, Limits{}, out);
  for (std::size_t at = 0; at < body.size(); at += piece) {
    if (auto status = parser.feed(std::string_view(body).substr(at, piece)); !status) return status;
  }
  return parser.finish();
}

// unparsed() says, during on_part_data, how many of the bytes fed come after
// that data: the data's end in the body plus it is what was fed. Three parts,
// so that a short one ends inside a piece with more of the piece to come.
TEST(Multipart, UnparsedCountsTheBytesFedAfterTheData) {
  auto bytes = [](std::size_t n) {
    std::string data;
    for (std::size_t i = 0; i < n; ++i) data += static_cast<char>(i % 7 == 0 ? '\r' : 'a' + i % 26);
    return data;
  };
  const std::vector<std::string> data = {bytes(20000), "12345", bytes(9000)};
  std::string body;
  std::vector<std::size_t> starts;  // where each part's data starts in the body
  for (std::size_t i = 0; i < data.size(); ++i) {
    body += (i == 0 ? "--XyZ" : "\r\n--XyZ");
    body += "\r\nContent-Disposition: form-data; name=\"p" + std::to_string(i) + "\"\r\n\r\n";
    starts.push_back(body.size());
    body += data[i];
  }
  body += "\r\n--XyZ--\r\n";
  for (std::size_t piece : {std::size_t{1}, std::size_t{5}, std::size_t{100}, std::size_t{4096}, body.size()}) {
    struct Check : Handler {
      const Parser* parser = nullptr;
      std::vector<std::size_t> starts;
      std::size_t fed = 0;
      std::size_t part = 0;  // 1-based once a part began
      std::size_t seen = 0;  // of the current part's data, handed out so far
      std::size_t total = 0;
      bool kept = true;
      Status on_part_begin(const PartHeaders&) override {
        ++part;
        seen = 0;
        return Ok{};
      }
      Status on_part_data(std::string_view bytes) override {
        seen += bytes.size();
        total += bytes.size();
        kept = kept && starts[part - 1] + seen + parser->unparsed() == fed;
        return Ok{};
      }
      Status on_part_end() override { return Ok{}; }
    } check;
    check.starts = starts;
    Parser parser("XyZ", Limits{}, check);
    check.parser = &parser;
    for (std::size_t at = 0; at < body.size(); at += piece) {
      const std::string_view next = std::string_view(body).substr(at, piece);
      check.fed += next.size();
      ASSERT_TRUE(parser.feed(next)) << piece;
    }
    ASSERT_TRUE(parser.finish());
    EXPECT_EQ(check.part, 3u) << piece;
    EXPECT_EQ(check.total, data[0].size() + data[1].size() + data[2].size()) << piece;
    EXPECT_TRUE(check.kept) << piece;
  }
}

TEST(Multipart, ParsesPartsWhateverTheFeedSize) {
  for (std::size_t piece :
       {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, std::size_t{64}, kBody.size()}) {
    Collect out;
    ASSERT_TRUE(parse_in_pieces(kBody, piece, out)) << piece;
    ASSERT_EQ(out.parts.size(), 2u) << piece;
    EXPECT_EQ(out.parts[0].headers.name, "display_order");
    EXPECT_FALSE(out.parts[0].headers.filename);
    EXPECT_EQ(out.parts[0].data, "3");
    EXPECT_EQ(out.parts[1].headers.name, "file");
    EXPECT_EQ(out.parts[1].headers.filename, "a \"b\".bin");
    EXPECT_EQ(out.parts[1].headers.content_type, "application/octet-stream");
    EXPECT_EQ(out.parts[1].data, "line1\r\n--XyY\r\n-XyZ\r\n\r\n--X") << piece;
    EXPECT_FALSE(out.open);
  }
}

// Inside a part's data, large pieces go to the handler straight from the fed
// bytes; every split of a body with near-delimiters at every offset must give
// the parts that one feed of the whole body gives.
TEST(Multipart, EverySplitGivesTheSameParts) {
  std::string data;
  for (int i = 0; i < 300; ++i) {
    data += static_cast<char>(i * 37);
    if (i % 23 == 0) data += "\r\n--XyY";
    if (i % 31 == 0) data += "\r\n--Xy";
    if (i % 41 == 0) data += "\r\n-";
  }
  const std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\n" + data +
                           "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n" + data.substr(0, 40) +
                           "\r\n--XyZ--\r\n";
  for (std::size_t piece = 1; piece <= body.size(); ++piece) {
    Collect out;
    ASSERT_TRUE(parse_in_pieces(body, piece, out)) << piece;
    ASSERT_EQ(out.parts.size(), 2u) << piece;
    EXPECT_EQ(out.parts[0].data, data) << piece;
    EXPECT_EQ(out.parts[1].data, data.substr(0, 40)) << piece;
  }
  // A piece that starts inside a delimiter begun by the last one.
  Collect out;
  Parser parser("XyZ", Limits{}, out);
  const auto split = body.find("\r\n--XyZ\r\nContent-Disposition: form-data; name=\"n\"") + 3;
  ASSERT_TRUE(parser.feed(std::string_view(body).substr(0, split)));
  ASSERT_TRUE(parser.feed(std::string_view(body).substr(split)));
  ASSERT_TRUE(parser.finish());
  ASSERT_EQ(out.parts.size(), 2u);
  EXPECT_EQ(out.parts[0].data, data);
}

// Pieces far larger than a part: feed() takes the data of each part straight
// from the piece and moves what lies between parts (a long preamble, headers
// over 4 KiB, the epilogue) into its buffer in slices; any piece size gives
// what one byte at a time gives.
TEST(Multipart, LargePiecesAcrossManyPartsGiveTheSameParts) {
  std::string data;
  for (int i = 0; i < 20000; ++i) {
    data += static_cast<char>(i * 131);
    if (i % 997 == 0) data += "\r\n--XyY";
  }
  const std::string long_name(6000, 'n');
  std::string body = std::string(9000, 'p') + "\r\n";
  for (int part = 0; part < 3; ++part) {
    body += "--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" +
            (part == 1 ? long_name : std::string("f")) + "\"\r\n\r\n" + data.substr(part * 100) + "\r\n";
  }
  body += "--XyZ--\r\n" + std::string(1000, 'e');  // an epilogue of at most 1 KiB
  Collect expected;
  ASSERT_TRUE(parse_in_pieces(body, 1, expected));
  ASSERT_EQ(expected.parts.size(), 3u);
  EXPECT_EQ(expected.parts[1].headers.filename, long_name);
  EXPECT_EQ(expected.parts[2].data, data.substr(200));
  for (std::size_t piece : {4095, 4096, 4097, 8191, 30000, 65536, 1 << 20}) {
    Collect out;
    ASSERT_TRUE(parse_in_pieces(body, piece, out)) << piece;
    ASSERT_EQ(out.parts.size(), 3u) << piece;
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(out.parts[i].headers.filename, expected.parts[i].headers.filename) << piece;
      EXPECT_EQ(out.parts[i].data, expected.parts[i].data) << piece;
    }
  }
}

TEST(Multipart, BinaryDataAndEmptyParts) {
  std::string binary;
  for (int i = 0; i < 256; ++i) binary += static_cast<char>(i);
  const std::string body = "preamble\r\n--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n" +
                           binary + "\r\n--b\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--b--";
  Collect out;
  ASSERT_TRUE(parse_in_pieces(body, 5, out, "b"));
  ASSERT_EQ(out.parts.size(), 2u);
  EXPECT_EQ(out.parts[0].data, binary);
  EXPECT_EQ(out.parts[1].data, "");
}

TEST(Multipart, ExtendedFilenamesWin) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"plain.txt\"; "
      "filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\nx\r\n--b--\r\n";
  Collect out;
  ASSERT_TRUE(parse_in_pieces(body, 4, out, "b"));
  EXPECT_EQ(out.parts[0].headers.filename, "\xE2\x82\xAC rates.txt");
}

TEST(Multipart, MalformedBodiesAreRejected) {
  const std::vector<std::string> bodies = {
      "",                                                                         // no parts
      "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\ntruncated",       // no closing boundary
      "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n",                    // headers never end
      "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--",                        // no disposition
      "--b\r\nContent-Disposition: attachment; name=\"f\"\r\n\r\nx\r\n--b--",     // not form-data
      "--b\r\nContent-Disposition: form-data; filename=\"x\"\r\n\r\nx\r\n--b--",  // no name
      "--b\r\nContent-Disposition: form-data; name=\"f\r\n\r\nx\r\n--b--",        // unterminated quote
      "--b\r\nBroken header line\r\n\r\nx\r\n--b--",                              // no colon
      "--bgarbage\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--b--",
      "--b\r\nContent-Disposition: form-data; name=\"f\"; filename*=bogus\r\n\r\nx\r\n--b--",
      "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--bx\r\n--b--",  // delimiter inside data
  };
  for (const auto& body : bodies) {
    Collect out;
    auto status = parse_in_pieces(body, 3, out, "b");
    ASSERT_FALSE(status) << body;
    EXPECT_EQ(status.error().code, ErrorCode::InvalidArgument) << body;
    EXPECT_EQ(status.error().values.count("multipart"), 1u);
  }
}

TEST(Multipart, LimitsAreEnforced) {
  Collect out;
  Parser big_headers("b", Limits{64, 10}, out);
  EXPECT_FALSE(
      big_headers.feed("--b\r\nContent-Disposition: form-data; name=\"" + std::string(100, 'x') + "\"\r\n\r\n"));
  Collect many;
  Parser parser("b", Limits{1024, 2}, many);
  std::string body;
  for (int i = 0; i < 3; ++i) body += "--b\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nx\r\n";
  EXPECT_FALSE(parser.feed(body + "--b--"));
}

TEST(Multipart, PaddingAndEpilogueAreBounded) {
  const std::string part = "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n";
  Collect padded;
  EXPECT_TRUE(parse_in_pieces("--b" + std::string(256, ' ') + part.substr(3) + "--b--", 4096, padded, "b"));
  Collect overpadded;
  auto status = parse_in_pieces("--b" + std::string(257, ' ') + part.substr(3) + "--b--", 4096, overpadded, "b");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().values.count("multipart"), 1u);

  Collect epilogue;
  EXPECT_TRUE(parse_in_pieces(part + "--b--" + std::string(1024, 'e'), 7, epilogue, "b"));
  Collect long_epilogue;
  status = parse_in_pieces(part + "--b--" + std::string(1025, 'e'), 7, long_epilogue, "b");
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().description.find("1024 bytes follow the closing boundary"), std::string::npos)
      << status.error().description;
}

// The largest tail the parser accepts after a part's data: two more parts,
// each with the longest boundary, padding, headers and data, then the closing
// boundary and the longest epilogue. max_bytes_after must cover it (an S3
// upload promises its staging the rest of the body less this).
TEST(Multipart, MaxBytesAfterCoversTheLargestTailAccepted) {
  const Limits limits{.max_part_header_bytes = 200, .max_parts = 8, .max_epilogue_bytes = 1024};
  const std::string boundary(70, 'q');
  const std::string disposition = "Content-Disposition: form-data; name=\"v\"";
  const std::string headers =
      disposition + "\r\nX-Pad: " + std::string(limits.max_part_header_bytes - disposition.size() - 9, 'h');
  ASSERT_EQ(headers.size(), limits.max_part_header_bytes);
  const std::size_t data_bytes = 300;
  std::string tail;
  for (int i = 0; i < 2; ++i) {
    tail += "\r\n--" + boundary + std::string(256, ' ') + "\r\n" + headers + "\r\n\r\n" + std::string(data_bytes, 'd');
  }
  tail += "\r\n--" + boundary + "--" + std::string(limits.max_epilogue_bytes, 'e');
  const std::string body =
      "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n" + std::string(1000, 'f') + tail;
  Collect out;
  Parser parser(boundary, limits, out);
  ASSERT_TRUE(parser.feed(body));
  ASSERT_TRUE(parser.finish());
  ASSERT_EQ(out.parts.size(), 3u);
  EXPECT_EQ(out.parts[0].data, std::string(1000, 'f'));
  EXPECT_EQ(out.parts[2].data.size(), data_bytes);
  EXPECT_EQ(max_bytes_after(limits, 2, data_bytes), tail.size());
}

TEST(Multipart, HandlerErrorsStopTheParse) {
  struct Refuse : Collect {
    Status on_part_data(std::string_view) override { return make_error(ErrorCode::PayloadTooLarge, "too big"); }
  } refuse;
  Parser parser("b", Limits{}, refuse);
  auto status = parser.feed("--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n" + std::string(100, 'x'));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::PayloadTooLarge);
}

TEST(Multipart, BoundaryFromContentType) {
  EXPECT_EQ(*boundary_of("multipart/form-data; boundary=----abc123"), "----abc123");
  EXPECT_EQ(*boundary_of("Multipart/Form-Data;boundary=\"a b:c\""), "a b:c");
  EXPECT_EQ(boundary_of("application/json").error().code, ErrorCode::UnsupportedMediaType);
  EXPECT_EQ(boundary_of("multipart/mixed; boundary=x").error().code, ErrorCode::UnsupportedMediaType);
  EXPECT_EQ(boundary_of("multipart/form-data").error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(boundary_of("multipart/form-data; boundary=").error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(boundary_of("multipart/form-data; boundary=" + std::string(71, 'a')).error().code,
            ErrorCode::InvalidArgument);
}

}  // namespace
}  // namespace focusd::multipart
