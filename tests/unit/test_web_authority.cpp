// The dashboard's Host and Origin parsers and its loopback test: every rebinding spelling refused, every byte
// value tried in every position of a host, every port and every octet tried, so a loosened rule shows here.
#include "web/authority.hpp"

#include <catch2/catch.hpp>

#include <string>

using simmer::web::Authority;
using simmer::web::is_loopback_host;
using simmer::web::parse_host_header;
using simmer::web::parse_origin;
using simmer::web::same_authority;

namespace {

std::string shown(const std::optional<Authority>& a) { return a ? a->host + "|" + std::to_string(a->port) : "refused"; }

}  // namespace

TEST_CASE("parse_host_header reads host[:port] exactly", "[web][authority]") {
  CHECK(shown(parse_host_header("127.0.0.1:4321")) == "127.0.0.1|4321");
  CHECK(shown(parse_host_header("127.0.0.1")) == "127.0.0.1|0");
  CHECK(shown(parse_host_header("LocalHost:1")) == "localhost|1");
  CHECK(shown(parse_host_header("[::1]:65535")) == "[::1]|65535");
  CHECK(shown(parse_host_header("[::1]")) == "[::1]|0");
  CHECK(shown(parse_host_header("[::FFFF:127.0.0.1]:80")) == "[::ffff:127.0.0.1]|80");
  CHECK(shown(parse_host_header("dash-board_1.example")) == "dash-board_1.example|0");
  CHECK(shown(parse_host_header("localhost.:80")) == "localhost.|80");  // fully qualified: parsed, not loopback

  for (const char* bad : {"",
                          ":80",
                          "127.0.0.1:",
                          "127.0.0.1:0",
                          "127.0.0.1:65536",
                          "127.0.0.1:123456",
                          "127.0.0.1:+80",
                          "127.0.0.1:-1",
                          "127.0.0.1:8 0",
                          "127.0.0.1:80:80",
                          "127.0.0.1 ",
                          " 127.0.0.1",
                          "127.0.0.1\t",
                          "127.0.0.1..",
                          "127.0.0.1 evil.example",
                          "127.0.0.1\tevil.example",
                          "user@127.0.0.1",
                          "127.0.0.1/path",
                          "127.0.0.1?q",
                          "127.0.0.1#f",
                          ".127.0.0.1",
                          "127..0.1",
                          "localhost-.",
                          "-localhost",
                          "localhost-",
                          "::1",
                          "[::1",
                          "[::1]x",
                          "[::1]:",
                          "[]",
                          "[:]x",
                          "[::g]",
                          "[127.0.0.1]",
                          "http://127.0.0.1",
                          "127.0.0.1%00",
                          "local\\host"}) {
    INFO("Host: \"" << bad << "\"");
    CHECK(shown(parse_host_header(bad)) == "refused");
  }
}

TEST_CASE("every byte value in every position of a host name is accepted only when it is a name character",
          "[web][authority]") {
  const std::string base = "localhost";
  int accepted = 0;
  for (std::size_t at = 0; at <= base.size(); ++at) {
    for (int b = 0; b < 256; ++b) {
      char c = static_cast<char>(b);
      std::string host = base.substr(0, at) + c + base.substr(at);
      bool name_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                       ((c == '-' || c == '.') && at > 0 && at < base.size()) || (c == '.' && at == base.size());
      bool is_port_colon = c == ':';  // "localhost" split into a host and a non-numeric port: refused too
      INFO("byte " << b << " at " << at);
      CHECK(parse_host_header(host).has_value() == (name_char && !is_port_colon));
      accepted += parse_host_header(host).has_value() ? 1 : 0;
    }
  }
  // 63 characters in every position, '-' and '.' in the 8 inner ones, and the fully qualified "localhost.".
  CHECK(accepted == 10 * 63 + 8 * 2 + 1);
}

TEST_CASE("every port from 0 to 99999 is accepted exactly in 1..65535, with at most 5 digits", "[web][authority]") {
  int accepted = 0;
  for (int port = 0; port <= 99999; ++port) {
    auto a = parse_host_header("127.0.0.1:" + std::to_string(port));
    bool ok = port >= 1 && port <= 65535;
    if (a.has_value() != ok || (ok && a->port != port)) {
      FAIL("port " << port << ": " << shown(a));
    }
    accepted += a ? 1 : 0;
  }
  CHECK(accepted == 65535);
  CHECK(shown(parse_host_header("127.0.0.1:08080")) == "127.0.0.1|8080");  // 5 digits, the value in range
  CHECK(shown(parse_host_header("127.0.0.1:000080")) == "refused");
}

TEST_CASE("is_loopback_host takes localhost, canonical 127/8 dotted quads and ::1, nothing else", "[web][authority]") {
  for (const char* yes :
       {"localhost", "LOCALHOST", "127.0.0.1", "127.255.255.255", "127.0.0.0", "127.1.2.3", "::1", "[::1]"}) {
    INFO(yes);
    CHECK(is_loopback_host(yes));
  }
  for (const char* no : {"",
                         "127.0.0.1.evil.example",
                         "127.0.0.1.",
                         "localhost.evil.example",
                         "localhost.",
                         "evil.example",
                         "127.0.0.01",
                         "0127.0.0.1",
                         "127.0.0",
                         "127.0.0.1.5",
                         "127.1",
                         "2130706433",
                         "0x7f.0.0.1",
                         "0x7f000001",
                         "127.0.0.256",
                         "127.0.0.-1",
                         "127.0.0.+1",
                         "127.0..1",
                         "127.0.0.1:80",
                         "[::1]:80",
                         "::ffff:127.0.0.1",
                         "[::ffff:7f00:1]",
                         "0:0:0:0:0:0:0:1",
                         "[0:0:0:0:0:0:0:1]",
                         "::",
                         "0.0.0.0",
                         "128.0.0.1",
                         "126.255.255.255",
                         "localhost\n",
                         " localhost",
                         "1.2.3.127",
                         "127.0.0.1 "}) {
    INFO("\"" << no << "\"");
    CHECK_FALSE(is_loopback_host(no));
  }
}

TEST_CASE("every octet spelling from 0 to 999 is loopback only as a canonical 0..255", "[web][authority]") {
  int accepted = 0;
  for (int width = 1; width <= 3; ++width) {
    for (int value = 0; value <= 999; ++value) {
      std::string octet = std::to_string(value);
      if (static_cast<int>(octet.size()) > width) {
        continue;
      }
      octet = std::string(static_cast<std::size_t>(width) - octet.size(), '0') + octet;  // leading zeros
      bool canonical = value <= 255 && octet == std::to_string(value);
      for (int position = 1; position < 4; ++position) {
        std::string quad;
        for (int i = 0; i < 4; ++i) {
          quad += (i ? "." : "") + (i == 0 ? std::string("127") : i == position ? octet : std::string("1"));
        }
        if (is_loopback_host(quad) != canonical) {
          FAIL(quad);
        }
        accepted += canonical ? 1 : 0;
      }
      std::string first = octet + ".0.0.1";
      if (is_loopback_host(first) != (octet == "127")) {
        FAIL(first);
      }
    }
  }
  CHECK(accepted == 256 * 3);
}

TEST_CASE("parse_origin takes http:// and a host[:port] only, as a browser serialises an origin", "[web][authority]") {
  CHECK(shown(parse_origin("http://127.0.0.1:4321")) == "127.0.0.1|4321");
  CHECK(shown(parse_origin("HTTP://LOCALHOST")) == "localhost|0");
  CHECK(shown(parse_origin("http://[::1]:8080")) == "[::1]|8080");
  for (const char* bad : {"", "null", "http://", "https://127.0.0.1:4321", "ws://127.0.0.1:4321", "file://",
                          "127.0.0.1:4321", "//127.0.0.1:4321", "http://127.0.0.1:4321/", "http://127.0.0.1:4321/path",
                          "http://user@127.0.0.1", "http://127.0.0.1.evil.example:4321x",
                          "http://127.0.0.1:4321 http://evil.example", "http:/127.0.0.1", "http:127.0.0.1"}) {
    INFO("Origin: \"" << bad << "\"");
    CHECK(shown(parse_origin(bad)) == "refused");
  }
}

TEST_CASE("same_authority compares the host and the effective port", "[web][authority]") {
  auto a = [](const char* text) { return *parse_host_header(text); };
  CHECK(same_authority(a("127.0.0.1:4321"), a("127.0.0.1:4321")));
  CHECK(same_authority(a("LOCALHOST:4321"), a("localhost:4321")));
  CHECK(same_authority(a("127.0.0.1"), a("127.0.0.1:80")));
  CHECK_FALSE(same_authority(a("127.0.0.1:4321"), a("127.0.0.1:4322")));
  CHECK_FALSE(same_authority(a("127.0.0.1:4321"), a("localhost:4321")));  // same machine, another origin
  CHECK_FALSE(same_authority(a("127.0.0.1"), a("127.0.0.1:443")));
}
