// Implementation notes
// - Sockets are non-blocking; every wait is a poll() on the socket and the stop eventfd, which stays readable
//   once written, so stop() wakes every thread at once and for good.
// - One thread per connection, joined by the accept loop once it is done (or by run() on the way out). The
//   thread closes its fd under conns_mutex, so the accept loop may shut down any fd it sees in the list (to take
//   a waiting connection, see "Connection slots" in http.hpp) without hitting a number already reused.
// - Every wait on a client has a deadline: 5 s for a request's first byte, then one total deadline for the rest
//   of its head and its body (not reset by each byte that trickles in), and one for writing each answer.
// - A refused request (413, 431, ...) is answered, then the connection is closed gracefully: write side shut,
//   what the client still sends drained for a moment, so it reads the answer instead of a reset.

#include "web/http.hpp"

#include "util/error.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <list>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>

namespace simmer::web::http {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

const std::string* find_in(const std::vector<std::pair<std::string, std::string>>& pairs, std::string_view name,
                           bool case_insensitive) {
  for (const auto& [key, value] : pairs) {
    if (case_insensitive ? iequals(key, name) : key == name) {
      return &value;
    }
  }
  return nullptr;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

}  // namespace

std::string Request::header(std::string_view name) const {
  const std::string* v = find_in(headers, name, true);
  return v ? *v : std::string();
}

bool Request::has_param(std::string_view name) const { return find_in(params, name, false) != nullptr; }

std::string Request::param(std::string_view name) const {
  const std::string* v = find_in(params, name, false);
  return v ? *v : std::string();
}

void Response::set_header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
}

void Response::set_content(std::string content, std::string content_type) {
  body = std::move(content);
  set_header("Content-Type", std::move(content_type));
}

int parse_head(std::string_view text, Head& out) {
  // Every CR must start a CRLF and no byte may be a control but a tab: a bare LF or CR is a line break to some
  // parsers and not to others, and a NUL ends a C string early, so either would let one head be read two ways.
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      return 400;
    }
  }
  auto eol = text.find("\r\n");
  std::string_view line = text.substr(0, eol);
  auto sp1 = line.find(' ');
  auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos || sp1 == 0 ||
      sp2 == sp1 + 1 || line.find('\t') != std::string_view::npos) {
    return 400;
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  for (char c : method) {
    if (!is_token_char(c)) {
      return 400;
    }
  }
  if (target.front() != '/' && target != "*") {
    return 400;
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      !std::isdigit(static_cast<unsigned char>(version[5])) || !std::isdigit(static_cast<unsigned char>(version[7]))) {
    return 400;
  }
  if (version[5] != '1') {
    return 505;
  }
  out.method = std::string(method);
  out.target = std::string(target);
  out.minor_version = version[7] - '0';
  out.headers.clear();
  while (eol != std::string_view::npos) {
    auto start = eol + 2;
    eol = text.find("\r\n", start);
    std::string_view field = text.substr(start, eol == std::string_view::npos ? std::string_view::npos : eol - start);
    if (field.empty()) {
      continue;
    }
    auto colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return 400;
    }
    std::string_view name = field.substr(0, colon);
    for (char c : name) {
      if (!is_token_char(c)) {
        return 400;  // also refuses obsolete line folding (a field starting with a space)
      }
    }
    out.headers.emplace_back(std::string(name), std::string(trim(field.substr(colon + 1))));
  }
  return 0;
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += plus_is_space && c == '+' ? ' ' : c;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) {
      continue;
    }
    auto eq = part.find('=');
    out.emplace_back(percent_decode(part.substr(0, eq), true),
                     eq == std::string_view::npos ? std::string() : percent_decode(part.substr(eq + 1), true));
  }
  return out;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

struct Server::Impl {
  Limits limits;
  Handler handler;
  ErrorHandler on_error;
  int listen_fd = -1;
  int stop_fd = -1;  // eventfd: readable once stop() was called
  std::atomic<bool> stopping{false};

  // One connection. fd is closed by its own thread under conns_mutex (then -1), so the accept loop can shut down
  // an fd it finds there without racing a close and a reuse of the number.
  struct Conn {
    std::thread thread;
    int fd = -1;
    std::string client;  // the peer's address bytes: the key of the per-client cap
    std::atomic<bool> done{false};
    std::atomic<bool> evicted{false};
    // Steady-clock ms since which this connection waits for its client (a request's first byte, head or body);
    // 0 while the server is busy with it. Only a waiting connection may be taken to make room.
    std::atomic<std::int64_t> waiting_since{0};
    std::atomic<bool> writing{false};  // waiting to write an answer, not to read a request
  };
  std::mutex conns_mutex;
  std::list<Conn> conns;

  enum class ReadResult { data, closed, timed_out, failed };

  static std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  // Waits until fd is ready for `events` (true), or the timeout passes or stop() is called (false).
  bool wait_for(int fd, short events, int timeout_ms) const {
    pollfd fds[2] = {{fd, events, 0}, {stop_fd, POLLIN, 0}};
    while (true) {
      int n = ::poll(fds, 2, timeout_ms);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      return n > 0 && fds[1].revents == 0 && fds[0].revents != 0;
    }
  }

  // Appends what arrives before `deadline_ms` (steady clock) to buf.
  ReadResult read_some(int fd, std::string& buf, std::int64_t deadline_ms) const {
    char chunk[16384];
    while (true) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n > 0) {
        buf.append(chunk, static_cast<std::size_t>(n));
        return ReadResult::data;
      }
      if (n == 0) {
        return ReadResult::closed;
      }
      if (errno == EINTR) {
        continue;
      }
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        return ReadResult::failed;
      }
      std::int64_t left = deadline_ms - now_ms();
      if (left <= 0) {
        return ReadResult::timed_out;
      }
      if (!wait_for(fd, POLLIN, static_cast<int>(left))) {
        return stopping ? ReadResult::failed : ReadResult::timed_out;
      }
    }
  }

  // Writes all of data within io_timeout_ms in total: a client that reads a byte now and then cannot hold the
  // connection by keeping each single write alive.
  bool write_all(int fd, std::string_view data) const {
    std::int64_t deadline = now_ms() + limits.io_timeout_ms;
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n >= 0) {
        data.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      if (errno == EINTR) {
        continue;
      }
      std::int64_t left = deadline - now_ms();
      if ((errno != EAGAIN && errno != EWOULDBLOCK) || left <= 0 || !wait_for(fd, POLLOUT, static_cast<int>(left))) {
        return false;
      }
    }
    return true;
  }

  static std::string head_of(const Response& res, bool keep_alive) {
    std::string out = fmt::format("HTTP/1.1 {} {}\r\n", res.status, reason_phrase(res.status));
    for (const auto& [name, value] : res.headers) {
      out += fmt::format("{}: {}\r\n", name, value);
    }
    if (res.stream) {
      out += "Transfer-Encoding: chunked\r\n";
    } else {
      out += fmt::format("Content-Length: {}\r\n", res.body.size());
    }
    out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    return out;
  }

  // Answers a request refused before the handler, then closes gracefully.
  void refuse(int fd, int status) const {
    Response res;
    res.status = status;
    on_error(status, res);
    res.stream = nullptr;
    write_all(fd, head_of(res, false) + res.body);
    ::shutdown(fd, SHUT_WR);
    std::string sink;
    std::int64_t deadline = now_ms() + 500;
    for (std::size_t drained = 0; drained < (1u << 20);) {
      sink.clear();
      if (read_some(fd, sink, deadline) != ReadResult::data) {
        break;
      }
      drained += sink.size();
    }
  }

  // A read for a request ended without data. Mid-request, the client hears why (503 taken to make room, 408 too
  // slow); between requests the connection just closes, as an idle keep-alive connection does.
  void end_read(const Conn& conn, ReadResult result, bool mid_request) const {
    if (!mid_request) {
      return;
    }
    if (conn.evicted) {
      refuse(conn.fd, 503);
    } else if (result == ReadResult::timed_out) {
      refuse(conn.fd, 408);
    }
  }

  // The first bare LF or NUL in buf from `from` on, else npos: a head holding one is refused at once instead of
  // waiting for a CRLF CRLF that a client speaking bare LFs never sends.
  static std::size_t find_bad_head_byte(const std::string& buf, std::size_t from) {
    for (std::size_t i = from; i < buf.size(); ++i) {
      if (buf[i] == '\0' || (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r'))) {
        return i;
      }
    }
    return std::string::npos;
  }

  void serve(Conn& conn) {
    int fd = conn.fd;
    std::string buf;
    while (!stopping) {
      if (conn.waiting_since == 0) {
        conn.waiting_since = now_ms();
      }
      if (buf.empty()) {
        if (auto r = read_some(fd, buf, now_ms() + limits.idle_timeout_ms); r != ReadResult::data) {
          return end_read(conn, r, false);
        }
      }
      // From its first byte on, the whole request (head and body) has one deadline however slowly it trickles.
      std::int64_t deadline = now_ms() + limits.request_timeout_ms;
      std::size_t end;
      std::size_t scanned = 0;
      while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
        if (find_bad_head_byte(buf, scanned) != std::string::npos) {
          return refuse(fd, 400);
        }
        scanned = buf.size();
        if (buf.size() > limits.max_head_bytes) {
          return refuse(fd, 431);
        }
        if (auto r = read_some(fd, buf, deadline); r != ReadResult::data) {
          return end_read(conn, r, true);
        }
      }
      if (end > limits.max_head_bytes) {
        return refuse(fd, 431);
      }
      Head head;
      if (int status = parse_head(std::string_view(buf).substr(0, end), head); status != 0) {
        return refuse(fd, status);
      }
      buf.erase(0, end + 4);

      Request req;
      req.method = std::move(head.method);
      req.target = std::move(head.target);
      req.minor_version = head.minor_version;
      req.headers = std::move(head.headers);
      auto q = req.target.find('?');
      req.path = percent_decode(std::string_view(req.target).substr(0, q), false);
      if (q != std::string::npos) {
        req.params = parse_query(std::string_view(req.target).substr(q + 1));
      }
      if (!req.header("Transfer-Encoding").empty()) {
        return refuse(fd, 411);
      }
      std::size_t length = 0;
      std::size_t length_fields = 0;
      for (const auto& [name, value] : req.headers) {
        length_fields += iequals(name, "Content-Length") ? 1 : 0;
      }
      if (length_fields > 1) {
        return refuse(fd, 400);  // two lengths: which one a proxy in front would use is anyone's guess
      }
      if (std::string cl = req.header("Content-Length"); length_fields == 1) {
        auto [ptr, ec] = std::from_chars(cl.data(), cl.data() + cl.size(), length);
        if (ec == std::errc::result_out_of_range) {
          return refuse(fd, 413);
        }
        if (cl.empty() || ec != std::errc() || ptr != cl.data() + cl.size()) {
          return refuse(fd, 400);
        }
      }
      if (length > limits.max_body_bytes) {
        return refuse(fd, 413);
      }
      if (length > buf.size() && iequals(req.header("Expect"), "100-continue") &&
          !write_all(fd, "HTTP/1.1 100 Continue\r\n\r\n")) {
        return;
      }
      while (buf.size() < length) {
        if (auto r = read_some(fd, buf, deadline); r != ReadResult::data) {
          return end_read(conn, r, true);
        }
      }
      conn.waiting_since = 0;
      if (conn.evicted) {
        return refuse(fd, 503);  // taken while its last bytes were on the way
      }
      req.body = buf.substr(0, length);
      buf.erase(0, length);

      std::string connection = req.header("Connection");
      bool keep_alive = req.minor_version >= 1 ? !iequals(connection, "close") : iequals(connection, "keep-alive");
      bool head_only = req.method == "HEAD";
      if (head_only) {
        req.method = "GET";
      }
      Response res;
      try {
        handler(req, res);
      } catch (const std::exception&) {
        // A handler that throws (a failed write, a bug) answers 500 instead of taking the whole server down.
        res = Response();
        res.status = 500;
        on_error(500, res);
        keep_alive = false;
      }
      if (res.stream) {
        if (head_only) {
          res.stream = nullptr;
          write_all(fd, head_of(res, false));
          return;
        }
        stream(fd, res);
        return;
      }
      std::string out = head_of(res, keep_alive);
      if (!head_only) {
        out += res.body;
      }
      // From here the connection waits on its client again (to read this answer, then to send the next
      // request), so it may be taken to make room; shut down both ways then, or a client that never reads
      // would keep this thread until the write deadline.
      conn.writing = true;
      conn.waiting_since = now_ms();
      bool written = write_all(fd, out);
      conn.writing = false;
      if (!written || !keep_alive) {
        return;
      }
    }
  }

  void stream(int fd, Response& res) {
    if (!write_all(fd, head_of(res, false))) {
      return;
    }
    std::string out;
    while (!stopping) {
      out.clear();
      try {
        if (!res.stream(out)) {
          break;
        }
      } catch (const std::exception&) {
        return;  // the head is sent: all that is left is to end the stream
      }
      // A stream's client sends nothing more, so a closed or reset connection shows as readable: stop there
      // rather than at the second write after it (the first into a closed connection still succeeds).
      pollfd p{fd, POLLRDHUP, 0};
      if (::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
        return;
      }
      if (!out.empty() && !write_all(fd, fmt::format("{:x}\r\n{}\r\n", out.size(), out))) {
        return;
      }
    }
    write_all(fd, "0\r\n\r\n");
  }

  // Joins the connections that are done (with `all`, every one: stop() has woken them).
  void reap(bool all) {
    std::list<Conn> finished;
    {
      std::lock_guard<std::mutex> lock(conns_mutex);
      for (auto it = conns.begin(); it != conns.end();) {
        auto next = std::next(it);
        if (all || it->done) {
          finished.splice(finished.end(), conns, it);
        }
        it = next;
      }
    }
    for (auto& conn : finished) {
      conn.thread.join();
    }
  }

  // Takes the open connection that has waited longest for its client, among those of `only_client` (or, when
  // empty, of the peer holding the most connections): it answers 503 and closes. False when none is waiting.
  // Called with conns_mutex held.
  bool evict(const std::string& only_client, const std::map<std::string, std::size_t>& open_by_client) {
    Conn* victim = nullptr;
    std::size_t victim_load = 0;
    for (auto& conn : conns) {
      std::int64_t since = conn.waiting_since;
      if (conn.done || conn.evicted || conn.fd < 0 || since == 0 ||
          (!only_client.empty() && conn.client != only_client)) {
        continue;
      }
      std::size_t load = open_by_client.at(conn.client);
      if (victim == nullptr || load > victim_load || (load == victim_load && since < victim->waiting_since)) {
        victim = &conn;
        victim_load = load;
      }
    }
    if (victim == nullptr) {
      return false;
    }
    victim->evicted = true;
    // Ends the victim's wait for more bytes (its recv returns 0), so its thread answers 503 and exits; one
    // stuck writing an answer its client does not read is cut off both ways (its send fails at once).
    ::shutdown(victim->fd, victim->writing ? SHUT_RDWR : SHUT_RD);
    return true;
  }

  void refuse_at_accept(int fd) const {
    Response res;
    res.status = 503;
    on_error(503, res);
    std::string answer = head_of(res, false) + res.body;
    (void)::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
  }

  void accept_one() {
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof peer;
    int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &peer_len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      return;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::string client = client_key(peer);
    std::lock_guard<std::mutex> lock(conns_mutex);
    std::map<std::string, std::size_t> open_by_client;
    std::size_t open = 0;
    for (const auto& conn : conns) {
      if (!conn.done && !conn.evicted) {
        ++open;
        ++open_by_client[conn.client];
      }
    }
    std::size_t mine = open_by_client.count(client) ? open_by_client[client] : 0;
    if (mine >= limits.max_connections_per_client) {
      if (!evict(client, open_by_client)) {
        return refuse_at_accept(fd);
      }
    } else if (open >= limits.max_connections && !evict("", open_by_client)) {
      return refuse_at_accept(fd);
    }
    Conn& conn = conns.emplace_back();
    conn.fd = fd;
    conn.client = std::move(client);
    conn.waiting_since = now_ms();
    try {
      conn.thread = std::thread([this, &conn] {
        try {
          serve(conn);
        } catch (const std::exception&) {  // e.g. no memory for a buffer: this connection ends, the server stays
        }
        std::lock_guard<std::mutex> guard(conns_mutex);
        ::close(conn.fd);
        conn.fd = -1;
        conn.done = true;
      });
    } catch (const std::system_error&) {  // no thread to be had: drop this connection, keep serving
      ::close(fd);
      conns.pop_back();
    }
  }

  // The peer's address without its port: every connection from one host counts against one cap.
  static std::string client_key(const sockaddr_storage& peer) {
    if (peer.ss_family == AF_INET) {
      const auto& in = reinterpret_cast<const sockaddr_in&>(peer);
      return std::string(reinterpret_cast<const char*>(&in.sin_addr), sizeof in.sin_addr);
    }
    if (peer.ss_family == AF_INET6) {
      const auto& in6 = reinterpret_cast<const sockaddr_in6&>(peer);
      return std::string(reinterpret_cast<const char*>(&in6.sin6_addr), sizeof in6.sin6_addr);
    }
    return "other";
  }
};

Server::Server(Limits limits, Handler handler, ErrorHandler on_error) : m_impl(std::make_unique<Impl>()) {
  m_impl->limits = limits;
  m_impl->handler = std::move(handler);
  m_impl->on_error = std::move(on_error);
  m_impl->stop_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (m_impl->stop_fd < 0) {
    throw Error(ExitCode::failure, fmt::format("cannot create an eventfd: {}", std::strerror(errno)));
  }
}

Server::~Server() {
  stop();
  m_impl->reap(true);
  if (m_impl->listen_fd >= 0) {
    ::close(m_impl->listen_fd);
  }
  ::close(m_impl->stop_fd);
}

int Server::bind(const std::string& host, int port) {
  std::string name = host.size() > 2 && host.front() == '[' && host.back() == ']' ? host.substr(1, host.size() - 2)
                                                                                  : host;
  auto fail = [&](const std::string& why) {
    std::string shown = name.find(':') != std::string::npos ? "[" + name + "]" : name;
    return Error(ExitCode::failure, fmt::format("cannot listen ({}:{}): {}", shown, port, why));
  };
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(name.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
    throw fail(::gai_strerror(rc));
  }
  std::string why = "no address";
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) {
      why = std::strerror(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 128) == 0) {
      m_impl->listen_fd = fd;
      break;
    }
    why = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  if (m_impl->listen_fd < 0) {
    throw fail(why);
  }
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ::getsockname(m_impl->listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                          : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

void Server::run() {
  auto& impl = *m_impl;
  while (!impl.stopping) {
    if (impl.wait_for(impl.listen_fd, POLLIN, 1000)) {
      impl.accept_one();
    }
    impl.reap(false);
  }
  impl.reap(true);
}

void Server::stop() {
  m_impl->stopping = true;
  std::uint64_t one = 1;
  (void)!::write(m_impl->stop_fd, &one, sizeof one);
}

}  // namespace simmer::web::http
