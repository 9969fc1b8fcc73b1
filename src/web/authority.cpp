#include "web/authority.hpp"

#include <cctype>

namespace simmer::web {

namespace {

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }

// A trailing '.' is the fully qualified form ("localhost."), legal in a Host and refused later as not loopback.
bool valid_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') {
    name.remove_suffix(1);
  }
  if (name.empty() || name.front() == '.' || name.back() == '.' || name.front() == '-' || name.back() == '-' ||
      name.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : name) {
    if (!is_name_char(c)) {
      return false;
    }
  }
  return true;
}

bool valid_ipv6_literal(std::string_view bracketed) {
  if (bracketed.size() < 4 || bracketed.front() != '[' || bracketed.back() != ']') {
    return false;
  }
  bool colon = false;
  for (char c : bracketed.substr(1, bracketed.size() - 2)) {
    if (c == ':') {
      colon = true;
    } else if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '.') {
      return false;
    }
  }
  return colon;
}

// "1".."65535" with at most 5 digits: 0 when malformed or out of range.
int parse_port(std::string_view digits) {
  if (digits.empty() || digits.size() > 5) {
    return 0;
  }
  int port = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return 0;
    }
    port = port * 10 + (c - '0');
  }
  return port <= 65535 ? port : 0;
}

// One octet of a canonical dotted quad: "0".."255", no leading zero.
bool parse_octet(std::string_view digits, int& value) {
  if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits.front() == '0')) {
    return false;
  }
  value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + (c - '0');
  }
  return value <= 255;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::optional<Authority> parse_host_header(std::string_view text) {
  std::string_view host = text;
  std::string_view port;
  bool has_port = false;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    host = text.substr(0, close + 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return std::nullopt;
      }
      has_port = true;
      port = rest.substr(1);
    }
    if (!valid_ipv6_literal(host)) {
      return std::nullopt;
    }
  } else {
    auto colon = text.find(':');
    if (colon != std::string_view::npos) {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
      has_port = true;
    }
    if (!valid_name(host)) {
      return std::nullopt;
    }
  }
  Authority out{lower(host), 0};
  if (has_port) {
    out.port = parse_port(port);
    if (out.port == 0) {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<Authority> parse_origin(std::string_view text) {
  constexpr std::string_view scheme = "http://";
  if (text.size() <= scheme.size() || lower(text.substr(0, scheme.size())) != scheme) {
    return std::nullopt;
  }
  return parse_host_header(text.substr(scheme.size()));
}

bool is_loopback_host(std::string_view host) {
  if (lower(host) == "localhost" || host == "::1" || host == "[::1]") {
    return true;
  }
  int octets[4] = {0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) {
    auto dot = host.find('.');
    if ((i < 3) == (dot == std::string_view::npos)) {
      return false;  // fewer or more than four parts
    }
    if (!parse_octet(host.substr(0, dot), octets[i])) {
      return false;
    }
    host = dot == std::string_view::npos ? std::string_view() : host.substr(dot + 1);
  }
  return octets[0] == 127;
}

bool same_authority(const Authority& a, const Authority& b) {
  return a.host == b.host && a.effective_port() == b.effective_port();
}

}  // namespace simmer::web
