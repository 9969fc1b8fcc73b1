#pragma once
// The dashboard's notion of who is asking: exact parsers for a Host header ("host[:port]"), an Origin header
// ("http://host[:port]") and a loopback host name. Pure functions, no I/O, so every accepted and refused
// spelling is pinned by tests/unit/test_web_authority.cpp.
//
// Exact on purpose: a DNS-rebinding page reaches a 127.0.0.1 dashboard through a name its attacker controls
// ("127.0.0.1.evil.example", "localhost.evil.example"), so a prefix or a "contains" test is a hole. Browsers send
// hosts canonicalised (lower case, dotted quads without leading zeros, IPv6 compressed), so refusing every other
// spelling costs a real browser nothing.

#include <optional>
#include <string>
#include <string_view>

namespace simmer::web {

// One parsed authority: `host` lower-cased, an IPv6 literal kept in its brackets ("[::1]"); `port` 1..65535, or 0
// when the text named none.
struct Authority {
  std::string host;
  int port = 0;

  // The port a browser means: the one given, else 80 (the dashboard speaks plain http only).
  int effective_port() const { return port == 0 ? 80 : port; }
};

// Parses a Host header value as sent (the HTTP layer has already trimmed the spaces around it): a host name of
// letters, digits, '-', '_' and '.' (not empty, no empty label, not starting with '.' or '-' nor ending with '-';
// one trailing '.' is the fully qualified form), or an
// IPv6 literal in brackets (hex digits, ':' and '.'), then optionally ':' and a decimal port 1..65535 (1 to 5
// digits). Anything else (empty, a space or tab, a second ':', "host:", user info, a path) is nullopt.
std::optional<Authority> parse_host_header(std::string_view text);

// Parses an Origin header value: exactly "http://" + what parse_host_header accepts, with no path, query or
// trailing '/' (a browser serialises an origin that way). "null", another scheme, or anything else is nullopt.
std::optional<Authority> parse_origin(std::string_view text);

// True only for hosts that only this machine can reach, spelt exactly: "localhost" (any case), a dotted quad
// inside 127.0.0.0/8 (four decimal octets 0..255, no leading zeros), "::1" or "[::1]". Used both for the address
// the dashboard binds (--host) and for the host of a Host or Origin header. An empty string is false.
bool is_loopback_host(std::string_view host);

// True when both name the same host (after parsing: case-insensitive) and the same effective port.
bool same_authority(const Authority& a, const Authority& b);

}  // namespace simmer::web
