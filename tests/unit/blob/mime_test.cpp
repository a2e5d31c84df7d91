#include "blob/mime.h"

#include <gtest/gtest.h>

namespace focusd::blob {
namespace {

const std::string kPng("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde", 33);
const std::string kPdf = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
const std::string kHtml =
    "<!DOCTYPE html>\n<html><head><title>x</title></head><body><script>alert(1)</script></body></html>\n";

TEST(Mime, TheBytesDecide) {
  EXPECT_EQ(sniff_mime_type(kPng, "text/plain"), "image/png");  // a PNG named .txt
  EXPECT_EQ(sniff_mime_type(kPng, ""), "image/png");
  EXPECT_EQ(sniff_mime_type(kHtml, "image/png"), "text/html");  // HTML named .png
  EXPECT_EQ(sniff_mime_type(kPdf, "application/octet-stream"), "application/pdf");
}

TEST(Mime, TheDeclaredTypeRefinesGenericContent) {
  EXPECT_EQ(sniff_mime_type("a,b\n1,2\n", "text/csv; charset=utf-8"), "text/csv");
  EXPECT_EQ(sniff_mime_type("just words\n", "Text/Markdown"), "text/markdown");
  EXPECT_EQ(sniff_mime_type("just words\n", ""), "text/plain");
  EXPECT_EQ(sniff_mime_type(std::string("\x01\x02\x03\xff\xfe", 5), "application/x-thing"), "application/x-thing");
  EXPECT_EQ(sniff_mime_type("", ""), "application/octet-stream");
  EXPECT_EQ(sniff_mime_type("", "text/plain"), "text/plain");
  EXPECT_EQ(sniff_mime_type("", "not a type"), "application/octet-stream");
  EXPECT_EQ(sniff_mime_type("", "text/plain\r\nX-Injected: 1"), "application/octet-stream");
}

TEST(Mime, ActiveContentIsRecognised) {
  for (const char* type :
       {"text/html", "image/svg+xml", "application/xml", "text/javascript", "application/atom+xml"}) {
    EXPECT_TRUE(is_active_content(type)) << type;
  }
  for (const char* type : {"image/png", "text/plain", "application/pdf", "application/json"}) {
    EXPECT_FALSE(is_active_content(type)) << type;
  }
}

}  // namespace
}  // namespace focusd::blob
