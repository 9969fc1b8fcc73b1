#pragma once
// A small HTTP/1.1 server for the dashboard: keep-alive, Content-Length request bodies, chunked streamed
// responses (Server-Sent Events), one thread per connection up to a cap.
//
// Why not cpp-httplib: Debian's libcpp-httplib is a shared library built with OpenSSL, so linking it makes every
// simmer process (each `simmer agent-script` session, each `simmer status`) load libssl and libcrypto at start:
// about 3 ms per process, a fifth of a scripted story's cook time. The dashboard needs none of TLS, so it owns
// this instead. Loopback-first and small on purpose: no TLS, no chunked request bodies (411), no pipelining
// guarantees beyond answering requests in order.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace simmer::web::http {

struct Request {
  std::string method;  // "GET", "POST", ...; HEAD is answered as GET without the body
  std::string target;  // as sent: "/api/events?after=3"
  std::string path;    // target before '?', percent-decoded
  std::vector<std::pair<std::string, std::string>> params;   // the query, percent-decoded ('+' is a space)
  std::vector<std::pair<std::string, std::string>> headers;  // as sent, in order
  std::string body;
  int minor_version = 1;  // HTTP/1.<minor>

  // The first header of that name (case-insensitive), "" when absent.
  std::string header(std::string_view name) const;
  bool has_param(std::string_view name) const;
  std::string param(std::string_view name) const;  // the first value, "" when absent
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body is streamed with chunked transfer coding instead: called again and again, each call
  // appending what to send next to `out`, until it returns false, a write fails, or the server stops. The
  // connection closes after a streamed response. Destroyed (with what it captured) once the stream ends.
  std::function<bool(std::string& out)> stream;

  void set_header(std::string name, std::string value);
  void set_content(std::string content, std::string content_type);
};

// The head of a request (request line + headers, without the blank line) as parsed by parse_head.
struct Head {
  std::string method, target;
  int minor_version = 1;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Parses "METHOD SP target SP HTTP/1.x CRLF (name: value CRLF)*" (the head without its final blank line): 0 when
// well-formed, else the status to refuse it with (400 malformed, 505 not HTTP/1.x). Malformed includes a CR or LF
// that is not part of a CRLF, a NUL or any other control byte but a tab inside a field value, and a control byte,
// tab or DEL in the request line: a field that could be read two ways is never read at all. This is the entry
// point of the request-head fuzz target; it takes any bytes and never throws.
int parse_head(std::string_view text, Head& out);

// %XX and (when `plus_is_space`) '+' decoded; a malformed escape is kept as written.
std::string percent_decode(std::string_view text, bool plus_is_space);

// "a=1&b=x%20y" -> {{"a","1"},{"b","x y"}}; a key without '=' gets "".
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

std::string_view reason_phrase(int status);

struct Limits {
  std::size_t max_body_bytes = 64 * 1024;       // larger bodies: 413
  std::size_t max_head_bytes = 16 * 1024;       // larger heads: 431
  std::size_t max_connections = 24;             // open connections at once (see "Connection slots" below)
  std::size_t max_connections_per_client = 16;  // open connections from one peer address at once
  int idle_timeout_ms = 5000;                   // a connection waiting this long for a request's first byte is closed
  int request_timeout_ms = 10000;               // a request's head and body must arrive this soon after its first
                                                // byte, however it trickles in (a total deadline, not per read): 408
  int io_timeout_ms = 30000;                    // an answer not written within this (client not reading) is dropped
};

// Connection slots. One thread per connection, so a client that holds connections without finishing a request
// (slow loris: a header line a second) could lock everyone else out. Three rules keep a well-behaved client
// served: the request deadline above; at most max_connections_per_client per peer address; and when a cap is
// reached, the connection that has waited longest for its client (for a request's first byte, head or body) is
// answered 503 and closed to make room, taken from the peer holding the most connections when the total cap is
// the one reached. A connection the server is busy with (its handler, its answer, an open stream) is never taken:
// when every slot is busy, the new connection gets 503. A client sending its request at once is the youngest
// waiter, so the last to be taken.

// Answers every well-formed request.
using Handler = std::function<void(const Request&, Response&)>;
// Fills the answer to a request refused before the handler saw it (400, 408, 411, 413, 431, 503, 505), or to one
// whose handler threw (500).
using ErrorHandler = std::function<void(int status, Response&)>;

class Server {
public:
  Server(Limits limits, Handler handler, ErrorHandler on_error);
  ~Server();  // stop() and join every thread
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (port 0: any free one) and listens; returns the bound port. Throws simmer::Error(failure,
  // "cannot listen (<host>:<port>): <why>").
  int bind(const std::string& host, int port);

  // Accepts and serves connections until stop(). Blocks.
  void run();

  // Makes run() return, wakes every connection (open streams included) and closes it. Any thread, any number
  // of times.
  void stop();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace simmer::web::http
