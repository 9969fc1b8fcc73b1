// The dashboard's HTTP/1.1 server: request-head parsing and query decoding as pure functions, then the real
// server on a loopback port spoken to with raw sockets (keep-alive, bodies, refusals, streams, stop).
#include "web/http.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>
#include <thread>

namespace http = simmer::web::http;
using namespace std::string_literals;

TEST_CASE("parse_head reads the request line and the header fields", "[web][http]") {
  http::Head head;
  REQUIRE(http::parse_head("GET /api/state?x=1 HTTP/1.1\r\nHost: 127.0.0.1:80\r\nX-Empty:\r\nA:  b c \t", head) == 0);
  CHECK(head.method == "GET");
  CHECK(head.target == "/api/state?x=1");
  CHECK(head.minor_version == 1);
  REQUIRE(head.headers.size() == 3);
  CHECK(head.headers[0] == std::pair<std::string, std::string>{"Host", "127.0.0.1:80"});
  CHECK(head.headers[1].second.empty());
  CHECK(head.headers[2].second == "b c");

  REQUIRE(http::parse_head("POST / HTTP/1.0", head) == 0);
  CHECK(head.minor_version == 0);
  CHECK(head.headers.empty());
}

TEST_CASE("parse_head refuses malformed heads with 400 and other versions with 505", "[web][http]") {
  http::Head head;
  CHECK(http::parse_head("", head) == 400);
  CHECK(http::parse_head("GET /", head) == 400);
  CHECK(http::parse_head("GET  / HTTP/1.1", head) == 400);
  CHECK(http::parse_head("GET / HTTP/1.1 extra", head) == 400);
  CHECK(http::parse_head("GET relative HTTP/1.1", head) == 400);
  CHECK(http::parse_head("G(T / HTTP/1.1", head) == 400);
  CHECK(http::parse_head("GET / HTTX/1.1", head) == 400);
  CHECK(http::parse_head("GET / HTTP/1.1\r\nno colon", head) == 400);
  CHECK(http::parse_head("GET / HTTP/1.1\r\n: no name", head) == 400);
  CHECK(http::parse_head("GET / HTTP/1.1\r\nA: b\r\n folded", head) == 400);
  CHECK(http::parse_head("GET / HTTP/1.1\r\nBad Name: x", head) == 400);
  CHECK(http::parse_head("GET / HTTP/2.0", head) == 505);
}

TEST_CASE("parse_head refuses every line break but CRLF and every control byte but a tab in a value", "[web][http]") {
  http::Head head;
  CHECK(http::parse_head("GET / HTTP/1.1\r\nHost: 127.0.0.1\nX-Evil: 1", head) == 400);  // bare LF in a value
  CHECK(http::parse_head("GET / HTTP/1.1\nHost: 127.0.0.1", head) == 400);               // bare LF ends the line
  CHECK(http::parse_head("GET / HTTP/1.1\r\nHost: 127.0.0.1\rX-Evil: 1", head) == 400);  // bare CR
  CHECK(http::parse_head("GET / HTTP/1.1\r\nHost: 127.0.0.1\r", head) == 400);
  CHECK(http::parse_head("GET / HTTP/1.1\r\nHost: 127.0.0.1\0.evil"s, head) == 400);  // NUL
  CHECK(http::parse_head("GET /\0 HTTP/1.1"s, head) == 400);
  CHECK(http::parse_head("GET /\t HTTP/1.1", head) == 400);
  CHECK(http::parse_head("GET\t/ HTTP/1.1", head) == 400);
  CHECK(http::parse_head("GET / HTTP/1.1\r\nX: a\x7f", head) == 400);
  for (int c = 0; c < 0x20; ++c) {
    std::string value = "a" + std::string(1, static_cast<char>(c)) + "b";
    INFO("byte " << c);
    CHECK(http::parse_head("GET / HTTP/1.1\r\nX: " + value, head) == (c == '\t' ? 0 : 400));
  }
  REQUIRE(http::parse_head("GET / HTTP/1.1\r\nX: caf\xc3\xa9\tand\xff", head) == 0);  // obs-text is data
  CHECK(head.headers[0].second == "caf\xc3\xa9\tand\xff");
}

TEST_CASE("percent_decode and parse_query", "[web][http]") {
  CHECK(http::percent_decode("a%20b+c", false) == "a b+c");
  CHECK(http::percent_decode("a%20b+c", true) == "a b c");
  CHECK(http::percent_decode("100%", true) == "100%");
  CHECK(http::percent_decode("%zz%4", true) == "%zz%4");
  CHECK(http::percent_decode("%2e%2E", false) == "..");
  auto q = http::parse_query("after=3&&token=a%2Bb&flag&x=1=2");
  REQUIRE(q.size() == 4);
  CHECK(q[0] == std::pair<std::string, std::string>{"after", "3"});
  CHECK(q[1] == std::pair<std::string, std::string>{"token", "a+b"});
  CHECK(q[2] == std::pair<std::string, std::string>{"flag", ""});
  CHECK(q[3] == std::pair<std::string, std::string>{"x", "1=2"});
}

namespace {

// A server on a free loopback port, run on its own thread, with a handler that echoes what it saw.
struct LiveServer {
  std::atomic<int> stream_ends{0};
  http::Server server;
  int port = 0;
  std::thread runner;

  explicit LiveServer(http::Limits limits = {})
      : server(
            limits,
            [this](const http::Request& req, http::Response& res) {
              if (req.path == "/throw") {
                throw std::runtime_error("a handler bug");
              }
              if (req.path == "/stream") {
                struct End {
                  explicit End(std::atomic<int>& n) : count(n) {}
                  ~End() { count.fetch_add(1); }
                  std::atomic<int>& count;
                };
                auto end = std::make_shared<End>(stream_ends);
                int n = 0;
                bool forever = req.has_param("forever");
                res.stream = [n, forever, end](std::string& out) mutable {
                  if (!forever && n == 3) {
                    return false;
                  }
                  out = "part" + std::to_string(n++) + "\n";
                  if (forever && n > 1) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                  }
                  return true;
                };
                return;
              }
              res.set_header("X-Seen-Host", req.header("host"));
              res.set_content(req.method + " " + req.path + " q=" + req.param("q") + " body=" + req.body, "text/plain");
            },
            [](int status, http::Response& res) {
              res.set_content("refused " + std::to_string(status), "text/plain");
            }) {
    port = server.bind("127.0.0.1", 0);
    runner = std::thread([this] { server.run(); });
  }
  ~LiveServer() {
    server.stop();
    runner.join();
  }
};

// A raw TCP client: send bytes, read until the peer closes or a marker arrives.
struct Client {
  int fd = -1;
  // `source`: the local address to connect from (127.0.0.2 is a second client on the same machine).
  explicit Client(int port, const char* source = nullptr) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (source != nullptr) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      REQUIRE(::inet_pton(AF_INET, source, &local.sin_addr) == 1);
      REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~Client() { ::close(fd); }
  void send(const std::string& data) const {
    REQUIRE(::send(fd, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size()));
  }
  // Reads until `marker` has been seen `times` times, or the peer closed (then closed = true), 5 s at most.
  std::string read_until(const std::string& marker, int times = 1) {
    std::string got;
    auto count = [&] {
      int n = 0;
      for (auto at = got.find(marker); at != std::string::npos; at = got.find(marker, at + marker.size())) {
        ++n;
      }
      return n;
    };
    while (marker.empty() || count() < times) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) {
        break;
      }
      char buf[4096];
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {
        closed = true;
        break;
      }
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }
  bool closed = false;
};

}  // namespace

TEST_CASE("the server answers several requests on one keep-alive connection", "[web][http]") {
  LiveServer live;
  Client c(live.port);
  c.send("GET /a%20b?q=x+y HTTP/1.1\r\nHost: h1\r\n\r\nPOST /p HTTP/1.1\r\nHost: h2\r\nContent-Length: 5\r\n\r\nhello");
  std::string got = c.read_until("body=hello");
  CHECK(got.find("HTTP/1.1 200 OK\r\n") == 0);
  CHECK(got.find("X-Seen-Host: h1\r\n") != std::string::npos);
  CHECK(got.find("Content-Length: 20\r\nConnection: keep-alive\r\n\r\nGET /a b q=x y body=") != std::string::npos);
  CHECK(got.find("Content-Length: 21\r\nConnection: keep-alive\r\n\r\nPOST /p q= body=hello") != std::string::npos);
  CHECK_FALSE(c.closed);

  c.send("GET /last HTTP/1.1\r\nConnection: close\r\n\r\n");
  got = c.read_until("");
  CHECK(got.find("Connection: close\r\n\r\nGET /last") != std::string::npos);
  CHECK(c.closed);
}

TEST_CASE("an HTTP/1.0 request is answered and closed, HEAD gets the head only", "[web][http]") {
  LiveServer live;
  {
    Client c(live.port);
    c.send("GET /old HTTP/1.0\r\n\r\n");
    std::string got = c.read_until("");
    CHECK(got.find("Connection: close") != std::string::npos);
    CHECK(got.find("GET /old") != std::string::npos);
    CHECK(c.closed);
  }
  Client c(live.port);
  c.send("HEAD /h HTTP/1.1\r\n\r\nGET /next HTTP/1.1\r\n\r\n");
  std::string got = c.read_until("GET /next");
  auto first_end = got.find("\r\n\r\n");
  REQUIRE(first_end != std::string::npos);
  CHECK(got.substr(0, first_end).find("Content-Length: 15") != std::string::npos);
  CHECK(got.compare(first_end + 4, 8, "HTTP/1.1") == 0);  // no body after the HEAD answer
}

TEST_CASE("requests refused before the handler get their status and the error handler's body", "[web][http]") {
  http::Limits limits;
  limits.max_body_bytes = 10;
  limits.max_head_bytes = 200;
  LiveServer live(limits);
  auto refused = [&](const std::string& request) {
    Client c(live.port);
    c.send(request);
    std::string got = c.read_until("");
    CHECK(c.closed);
    return got.substr(0, got.find("\r\n")) + " | " + got.substr(got.find("\r\n\r\n") + 4);
  };
  CHECK(refused("GARBAGE\r\n\r\n") == "HTTP/1.1 400 Bad Request | refused 400");
  CHECK(refused("GET / HTTP/3.0\r\n\r\n") == "HTTP/1.1 505 HTTP Version Not Supported | refused 505");
  CHECK(refused("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world") ==
        "HTTP/1.1 413 Payload Too Large | refused 413");
  CHECK(refused("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n") ==
        "HTTP/1.1 413 Payload Too Large | refused 413");
  CHECK(refused("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n") == "HTTP/1.1 400 Bad Request | refused 400");
  CHECK(refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") ==
        "HTTP/1.1 411 Length Required | refused 411");
  CHECK(refused("GET / HTTP/1.1\r\nX: " + std::string(300, 'a') + "\r\n\r\n") ==
        "HTTP/1.1 431 Request Header Fields Too Large | refused 431");
  CHECK(refused("GET / HTTP/1.1\r\nX: " + std::string(300, 'a')) ==
        "HTTP/1.1 431 Request Header Fields Too Large | refused 431");
}

TEST_CASE("Expect: 100-continue gets an interim answer before the body is sent", "[web][http]") {
  LiveServer live;
  Client c(live.port);
  c.send("POST /e HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
  CHECK(c.read_until("\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n");
  c.send("ok");
  CHECK(c.read_until("body=ok").find("HTTP/1.1 200 OK") == 0);
}

TEST_CASE("a streamed response is sent chunked, ends with the terminator and closes", "[web][http]") {
  LiveServer live;
  Client c(live.port);
  c.send("GET /stream HTTP/1.1\r\n\r\n");
  std::string got = c.read_until("");
  CHECK(c.closed);
  CHECK(got.find("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                 "6\r\npart0\n\r\n6\r\npart1\n\r\n6\r\npart2\n\r\n0\r\n\r\n") != std::string::npos);
  CHECK(got.find("Content-Length") == std::string::npos);
  for (int i = 0; i < 100 && live.stream_ends == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(live.stream_ends == 1);  // the stream function was destroyed once done
}

TEST_CASE("stop() ends open streams and idle connections, and run() returns", "[web][http]") {
  auto live = std::make_unique<LiveServer>();
  Client idle(live->port);
  Client streaming(live->port);
  streaming.send("GET /stream?forever=1 HTTP/1.1\r\n\r\n");
  CHECK(streaming.read_until("part2").find("part2") != std::string::npos);
  live.reset();  // stop + join
  CHECK(idle.read_until("").empty());
  CHECK(idle.closed);
  streaming.read_until("");
  CHECK(streaming.closed);
}

TEST_CASE("connections beyond the cap are answered 503 and closed when every slot is busy", "[web][http]") {
  http::Limits limits;
  limits.max_connections = 1;
  LiveServer live(limits);
  Client first(live.port);
  first.send("GET /stream?forever=1 HTTP/1.1\r\n\r\n");
  CHECK(first.read_until("part1").find("200 OK") != std::string::npos);
  Client second(live.port);
  std::string got = second.read_until("");
  CHECK(got.find("HTTP/1.1 503 Service Unavailable") == 0);
  CHECK(got.find("refused 503") != std::string::npos);
}

TEST_CASE("an idle keep-alive connection is closed silently to make room for a new one", "[web][http]") {
  http::Limits limits;
  limits.max_connections = 1;
  LiveServer live(limits);
  Client first(live.port);
  first.send("GET /one HTTP/1.1\r\n\r\n");
  CHECK(first.read_until("GET /one").find("200 OK") != std::string::npos);
  Client second(live.port);
  second.send("GET /two HTTP/1.1\r\n\r\n");
  CHECK(second.read_until("GET /two").find("HTTP/1.1 200 OK") == 0);
  CHECK(first.read_until("").empty());  // closed between requests: no answer to a question never asked
  CHECK(first.closed);
}

TEST_CASE("a request trickled in byte by byte gets 408 at its deadline, not a fresh timeout per byte", "[web][http]") {
  http::Limits limits;
  limits.request_timeout_ms = 300;
  LiveServer live(limits);
  for (const std::string opening : {"GET / HTTP/1.1\r\nX-Slow: ", "POST / HTTP/1.1\r\nContent-Length: 1000\r\n\r\n"}) {
    INFO(opening);
    Client c(live.port);
    c.send(opening);
    std::string got;
    int sent = 0;
    // A byte every 20 ms, far inside any per-read timeout: only a total deadline ends this. Bounded: 10 s.
    for (; sent < 500 && got.empty(); ++sent) {
      pollfd p{c.fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) {
        got = c.read_until("");
        break;
      }
      if (::send(c.fd, "a", 1, MSG_NOSIGNAL) != 1) {
        got = c.read_until("");
        break;
      }
    }
    CHECK(got.find("HTTP/1.1 408 Request Timeout\r\n") == 0);
    CHECK(got.find("refused 408") != std::string::npos);
    CHECK(sent > 0);
  }
}

TEST_CASE("slow clients holding every slot do not lock out a client that sends its request at once", "[web][http]") {
  http::Limits limits;
  limits.max_connections = 4;
  LiveServer live(limits);
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < 4; ++i) {
    slow.push_back(std::make_unique<Client>(live.port));
    slow.back()->send("GET /slow HTTP/1.1\r\nX-Line-" + std::to_string(i) + ": 1\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // an order among them, not a timing assertion
  }
  for (std::size_t round = 0; round < 3; ++round) {
    Client good(live.port);
    good.send("GET /good HTTP/1.1\r\nConnection: close\r\n\r\n");
    std::string got = good.read_until("");
    INFO("round " << round);
    CHECK(got.find("HTTP/1.1 200 OK\r\n") == 0);
    CHECK(got.find("GET /good") != std::string::npos);
    // The slow client that waited longest made room: it hears 503, the youngest still holds its slot.
    std::string taken = slow[round]->read_until("");
    CHECK(taken.find("HTTP/1.1 503 Service Unavailable\r\n") == 0);
    pollfd p{slow.back()->fd, POLLIN, 0};
    CHECK(::poll(&p, 1, 0) == 0);
    // The attacker comes back at once: every slot is held by a slow client again.
    slow.push_back(std::make_unique<Client>(live.port));
    slow.back()->send("GET /slow HTTP/1.1\r\nX-Again: 1\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

TEST_CASE("one client address cannot hold more than its share of the slots", "[web][http]") {
  http::Limits limits;
  limits.max_connections = 10;
  limits.max_connections_per_client = 2;
  LiveServer live(limits);
  Client other(live.port, "127.0.0.2");
  other.send("GET /other HTTP/1.1\r\n");
  Client a(live.port);
  a.send("GET /a HTTP/1.1\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Client b(live.port);
  b.send("GET /b HTTP/1.1\r\n");
  Client c(live.port);  // the third from 127.0.0.1: takes 127.0.0.1's oldest waiter, never 127.0.0.2's
  c.send("GET /c HTTP/1.1\r\nConnection: close\r\n\r\n");
  CHECK(c.read_until("").find("GET /c") != std::string::npos);
  CHECK(a.read_until("").find("HTTP/1.1 503 Service Unavailable\r\n") == 0);
  other.send("\r\n");
  CHECK(other.read_until("GET /other").find("HTTP/1.1 200 OK\r\n") == 0);
  b.send("\r\n");
  CHECK(b.read_until("GET /b").find("HTTP/1.1 200 OK\r\n") == 0);
}

TEST_CASE("two Content-Length fields, an empty one, a bare LF or a NUL in a head are refused at once", "[web][http]") {
  LiveServer live;
  auto status_line = [&](const std::string& request) {
    Client c(live.port);
    c.send(request);
    std::string got = c.read_until("");
    CHECK(c.closed);
    return got.substr(0, got.find("\r\n"));
  };
  CHECK(status_line("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 5\r\n\r\nhello") ==
        "HTTP/1.1 400 Bad Request");
  CHECK(status_line("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n") == "HTTP/1.1 400 Bad Request");
  CHECK(status_line("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") == "HTTP/1.1 400 Bad Request");
  // Without the CRs this head never ends: refused on the first bare LF instead of waiting for its deadline.
  CHECK(status_line("GET / HTTP/1.1\nHost: 127.0.0.1\n\n") == "HTTP/1.1 400 Bad Request");
  CHECK(status_line("GET / HTTP/1.1\r\nHost: 127.0.0.1\0"s) == "HTTP/1.1 400 Bad Request");
}

TEST_CASE("a handler that throws answers 500 and the server goes on serving", "[web][http]") {
  LiveServer live;
  Client c(live.port);
  c.send("GET /throw HTTP/1.1\r\n\r\n");
  std::string got = c.read_until("");
  CHECK(got.find("HTTP/1.1 500 Internal Server Error\r\n") == 0);
  CHECK(got.find("refused 500") != std::string::npos);
  Client next(live.port);
  next.send("GET /after HTTP/1.1\r\n\r\n");
  CHECK(next.read_until("GET /after").find("200 OK") != std::string::npos);
}

TEST_CASE("bind names the address it could not use", "[web][http]") {
  LiveServer live;
  http::Server other(
      {}, [](const http::Request&, http::Response&) {}, [](int, http::Response&) {});
  try {
    other.bind("127.0.0.1", live.port);
    FAIL("a second bind to the same port succeeded");
  } catch (const std::exception& e) {
    CHECK(std::string(e.what()) ==
          "cannot listen (127.0.0.1:" + std::to_string(live.port) + "): Address already in use");
  }
  CHECK_THROWS(other.bind("no-such-host.invalid", 0));

  // An IPv6 address is shown in brackets (when this machine has IPv6 loopback at all).
  auto none = [](const http::Request&, http::Response&) {};
  auto no_error = [](int, http::Response&) {};
  http::Server v6(http::Limits{}, none, no_error);
  int port6 = -1;
  try {
    port6 = v6.bind("::1", 0);
  } catch (const std::exception&) {
  }
  if (port6 > 0) {
    http::Server again(http::Limits{}, none, no_error);
    try {
      again.bind("[::1]", port6);
      FAIL("a second bind to the same IPv6 port succeeded");
    } catch (const std::exception& e) {
      CHECK(std::string(e.what()) == "cannot listen ([::1]:" + std::to_string(port6) + "): Address already in use");
    }
  }
}
