// libFuzzer target: the dashboard's HTTP request head parser (web::http::parse_head, src/web/http.hpp), which
// reads bytes from any process that can reach the port. Every head is accepted or refused with 400 or 505; an
// accepted one has a method and a target, and its target's path and query decode without failing.
#include "web/http.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = simmer::web::http;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  http::Head head;
  const int status = http::parse_head(text, head);
  if (status != 0 && status != 400 && status != 505) {
    std::abort();
  }
  if (status == 0) {
    if (head.method.empty() || head.target.empty()) {
      std::abort();
    }
    const std::string_view target = head.target;
    const auto q = target.find('?');
    (void)http::percent_decode(target.substr(0, q), false);
    if (q != std::string_view::npos) {
      (void)http::parse_query(target.substr(q + 1));
    }
  }
  return 0;
}
