// Implementation notes
// - One http::Server (web/http.hpp) with a thread per connection, at most max_streams + 16: an open event stream
//   holds its connection for as long as the browser stays, so the cap must outnumber the streams or the API
//   would starve.
// - Every request passes the guard first (web/authority.hpp parses exactly): one well-formed Host; the token
//   when one is set, else a Host naming a loopback host (a DNS-rebinding page reaches a 127.0.0.1 dashboard only
//   through a name of its own); an Origin, when sent, naming exactly the Host's authority; and Fetch Metadata, when
//   sent, saying same-origin (or a top-level navigation to the page). A cross-origin page can thus neither read
//   nor write, nor hold an event stream open: no CORS header is ever sent, so a preflight always fails.
// - /api/state and /api/stories are rendered once per change (state.json/prd.json/simmer.json stat or journal
//   seq) and served from that cache: a browser tab or `wrk` asking again costs a lock and a copy.
// - The writes are the feedback drop (an AtomicFile into .simmer/inbox/) and steering (below), both taking
//   `application/json` only, matched exactly (json_body()): a form, sendBeacon or no-cors fetch can only send
//   text/plain, urlencoded or multipart, and a cross-origin fetch of JSON needs a preflight this server never
//   grants. That is why a POST without an Origin (curl, a script; no current browser omits it on a POST) is safe
//   to take.
// - Steering runs this same binary as a child (`simmer pause --by dashboard --json --wait 5`, web/steer.hpp) in
//   the project root, with an argv built from the checked request and never a shell: the command owns the lock,
//   the signal to the cook and the journal, and the web layer stays out of src/run/. One child at a time (two
//   retries with no cook would only fight over the lock), each bounded in time and output, and cancelled when
//   the server stops.

#include "web/server.hpp"

#include "core/jsonc.hpp"
#include "core/lane_view.hpp"
#include "store/lane_states.hpp"
#include "store/resources.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/lock.hpp"
#include "util/journal.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"
#include "web/authority.hpp"
#include "web/http.hpp"
#include "web/journal_feed.hpp"
#include "web/steer.hpp"

#include <sys/random.h>
#include <sys/stat.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace simmer::web {

using nlohmann::json;

namespace {

constexpr std::size_t k_max_events_per_request = 1000;
constexpr std::size_t k_transcript_tail = 2u << 20;
constexpr std::size_t k_activity_tail = 256u << 10;  // /api/activity reads this much of a transcript's end
constexpr auto k_keepalive = std::chrono::seconds(15);
constexpr std::size_t k_max_head_bytes = 16 * 1024;
constexpr int k_request_timeout_ms = 10000;
constexpr std::size_t k_max_connections_per_client = 16;
// A running cook answers a steering request between two steps; past this the command answers "asked".
constexpr int k_steer_wait_s = 5;
// The command waits up to 5 s for the cook to take the request, then k_steer_wait_s for its answer; a retry or
// skip with no cook runs a short steer-only cook. Well past all of that, the child is stopped.
constexpr int k_steer_timeout_ms = 30000;
constexpr std::size_t k_steer_max_output = 64 * 1024;

void send_json(http::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, "application/json");
}

// A message may quote what a client sent (a Host, an Origin), which need not be UTF-8: replaced, never thrown on.
void send_error(http::Response& res, int status, const std::string& message) {
  send_json(res, status, json{{"error", message}}.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
}

// The values of every header of that name, in order.
std::vector<std::string> headers_named(const http::Request& req, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [key, value] : req.headers) {
    if (key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      out.push_back(value);
    }
  }
  return out;
}

// The media type of a Content-Type value, lower-cased, without parameters or spaces: "application/json".
std::string media_type(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
    type.pop_back();
  }
  for (char& c : type) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return type;
}

bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) {
    return false;
  }
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace

// A JSON file parsed once per change of its (inode, size, mtime). Outside the anonymous namespace: Server::Impl
// holds it, and a type with linkage may not hold one without (GCC's -Wsubobject-linkage, in the unity build).
struct CachedFile {
  std::filesystem::path path;
  core::JsonDialect dialect = core::JsonDialect::strict;
  std::string stamp;
  json value;         // null when absent or invalid
  std::string error;  // why value is null ("" when the file is simply absent)

  // True when the file changed since the last call (and re-reads it).
  bool refresh() {
    struct stat st {};
    std::string now = "absent";
    if (::stat(path.c_str(), &st) == 0) {
      now = fmt::format("{}:{}:{}.{}", st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    }
    if (now == stamp) {
      return false;
    }
    stamp = now;
    value = nullptr;
    error.clear();
    if (now == "absent") {
      return true;
    }
    auto text = util::read_file(path);
    if (!text) {
      error = text.failure().message;
      return true;
    }
    auto parsed = core::parse_json(*text, dialect);
    if (parsed.ok) {
      value = std::move(parsed.value);
    } else {
      error = fmt::format("{}:{}: {}", path.filename().string(), parsed.error.line, parsed.error.message);
    }
    return true;
  }
};

namespace {

std::string utc_file_stamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%S", &tm);
  return fmt::format("{}{:03d}Z", buf, static_cast<int>(ms % 1000));
}

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  std::size_t got = 0;
  while (got < bytes) {
    ssize_t n = ::getrandom(raw.data() + got, bytes - got, 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw Error(ExitCode::failure, fmt::format("cannot generate a token (getrandom): {}", std::strerror(errno)));
    }
    got += static_cast<std::size_t>(n);
  }
  std::string out;
  for (unsigned char c : raw) {
    out += fmt::format("{:02x}", c);
  }
  return out;
}

}  // namespace

std::string token_problem(const std::string& token) {
  if (token.empty()) {
    return "an empty token would let any request in";
  }
  if (token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") !=
      std::string::npos) {
    return "use only A-Z a-z 0-9 - . _ ~, so the token fits a URL and a header as typed";
  }
  return "";
}

std::string generate_token() { return random_hex(16); }

namespace {

// The journal says "running" until run_finished; a killed cook never writes it. Whether a cook really runs is the
// project lock's liveness, read as `simmer status` reads it.
bool cook_alive(const store::ProjectPaths& paths) {
  return util::ProjectLock::inspect(paths.lock).state == util::LockState::held;
}

// A "running" run or story without a live cook is "interrupted": the next `simmer cook` resumes it.
void mark_interrupted(json& item, bool alive) {
  if (!alive && item.is_object() && item.value("status", "") == "running") {
    item["status"] = "interrupted";
  }
}

}  // namespace

struct Server::Impl {
  store::ProjectPaths paths;
  ServerOptions options;
  JournalFeed feed;
  http::Server http_server;  // after feed: destroyed (its threads joined) before it
  std::atomic<std::size_t> streams{0};
  std::atomic<bool> stopping{false};  // cancels a steering child
  std::mutex steer_mutex;
  int port = 0;

  std::mutex cache_mutex;
  CachedFile state{{}, core::JsonDialect::strict, {}, nullptr, {}};
  CachedFile prd{{}, core::JsonDialect::strict, {}, nullptr, {}};
  CachedFile config{{}, core::JsonDialect::jsonc, {}, nullptr, {}};
  std::string state_body, stories_body;
  std::int64_t state_seq = -1, stories_seq = -1;
  bool state_alive = false, stories_alive = false;  // the cook's liveness the cached bodies were made with
  std::map<std::string, json> diffstats;            // by commit sha

  Impl(store::ProjectPaths p, ServerOptions o)
      : paths(std::move(p)),
        options(std::move(o)),
        feed(paths.events),
        http_server(
            limits_for(options), [this](const http::Request& req, http::Response& res) { handle(req, res); },
            [this](int status, http::Response& res) { on_error(status, res); }) {
    state.path = paths.state;
    prd.path = paths.prd;
    config.path = paths.config;
  }

  static http::Limits limits_for(const ServerOptions& o) {
    http::Limits limits;
    limits.max_body_bytes = o.max_body_bytes;
    limits.max_head_bytes = k_max_head_bytes;
    limits.max_connections = o.max_streams + 16;
    limits.max_connections_per_client = k_max_connections_per_client;
    limits.request_timeout_ms = k_request_timeout_ms;
    return limits;
  }
  void handle(const http::Request& req, http::Response& res);
  void on_error(int status, http::Response& res) const;
  bool guard(const http::Request& req, http::Response& res);
  std::string state_json();
  std::string stories_json();
  json story_json(const std::string& id);
  json diffstat(const std::string& sha);
  void stream_events(const http::Request& req, http::Response& res);
  void feedback(const http::Request& req, http::Response& res);
  void steer(const http::Request& req, http::Response& res);
  void transcript(const http::Request& req, http::Response& res);
  void activity(const http::Request& req, http::Response& res);
  bool lane_in_flight(const std::string& id) const;
  void lanes(http::Response& res);
  std::optional<std::filesystem::path> session_file(const std::string& rel) const;
};

bool Server::Impl::guard(const http::Request& req, http::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  // One Host, as HTTP/1.1 demands, and a well-formed one: two could be read differently by two readers.
  std::vector<std::string> hosts = headers_named(req, "Host");
  if (hosts.size() != 1) {
    send_error(res, 400,
               hosts.empty() ? std::string("refusing a request without a Host header")
                             : fmt::format("refusing a request with {} Host headers", hosts.size()));
    return false;
  }
  std::optional<Authority> host = parse_host_header(hosts[0]);
  if (!host) {
    send_error(res, 400, fmt::format("refusing Host \"{}\": not a host[:port]", hosts[0]));
    return false;
  }
  if (!options.token.empty()) {
    std::string given;
    std::string auth = req.header("Authorization");
    if (auth.rfind("Bearer ", 0) == 0) {
      given = auth.substr(7);
    } else if (req.has_param("token")) {
      given = req.param("token");
    }
    if (!constant_time_equal(given, options.token)) {
      send_error(res, 401, "missing or wrong token: open the URL `simmer dashboard` printed");
      return false;
    }
  } else if (!is_loopback_host(host->host)) {
    send_error(res, 403,
               fmt::format("refusing Host \"{}\": without a token this dashboard answers only to "
                           "127.0.0.1, localhost or [::1]",
                           host->host));
    return false;
  }
  // A browser names the page behind every cross-origin request (and every POST): only the dashboard's own page,
  // served under this very Host, may call it. "null" (a sandboxed frame, a file: page) is another origin too.
  std::vector<std::string> origins = headers_named(req, "Origin");
  if (!origins.empty()) {
    std::optional<Authority> origin = origins.size() == 1 ? parse_origin(origins[0]) : std::nullopt;
    if (!origin || !same_authority(*origin, *host)) {
      send_error(res, 403,
                 fmt::format("refusing a request from another origin ({}): only the dashboard's own "
                             "page may call it",
                             origins[0]));
      return false;
    }
  }
  // Fetch Metadata catches what carries no Origin: an <img> or <script> pointed at the event stream from another
  // site would hold a stream slot. A top-level navigation to the page from a link elsewhere is fine: it only
  // loads the page, whose own requests are then same-origin.
  std::string site = req.header("Sec-Fetch-Site");
  if (!site.empty() && site != "same-origin" && site != "none") {
    bool page = req.path == "/" || req.path == "/index.html";
    bool top_level = req.header("Sec-Fetch-Mode") == "navigate" && req.header("Sec-Fetch-Dest") == "document";
    if (!(page && top_level && req.method == "GET")) {
      send_error(res, 403, fmt::format("refusing a cross-site request (Sec-Fetch-Site: {})", site));
      return false;
    }
  }
  return true;
}

std::string Server::Impl::state_json() {
  std::int64_t seq = feed.last_seq();
  const bool alive = cook_alive(paths);
  std::lock_guard<std::mutex> lock(cache_mutex);
  bool changed = state.refresh();
  changed = config.refresh() || changed;
  changed = prd.refresh() || changed;
  if (!changed && seq == state_seq && alive == state_alive && !state_body.empty()) {
    return state_body;
  }
  json out;
  out["state"] = state.value;
  out["stateError"] = state.error.empty() ? json(nullptr) : json(state.error);
  feed.with_view([&](const RunView& view) { out["run"] = view.run_json(); });
  mark_interrupted(out["run"], alive);
  json budget = {{"totalUsd", nullptr}, {"perStoryUsd", nullptr}};
  if (config.value.is_object() && config.value.contains("budget") && config.value["budget"].is_object()) {
    const json& b = config.value["budget"];
    if (b.contains("total") && b["total"].is_number() && b["total"].get<double>() > 0) {
      budget["totalUsd"] = b["total"];
    }
    if (b.contains("perStory") && b["perStory"].is_number() && b["perStory"].get<double>() > 0) {
      budget["perStoryUsd"] = b["perStory"];
    }
  }
  out["budget"] = budget;
  out["project"] = prd.value.is_object() && prd.value.contains("project") ? prd.value["project"] : json(nullptr);
  out["root"] = paths.root.filename().string();
  state_body = out.dump() + "\n";
  state_seq = seq;
  state_alive = alive;
  return state_body;
}

std::string Server::Impl::stories_json() {
  std::int64_t seq = feed.last_seq();
  const bool alive = cook_alive(paths);
  std::lock_guard<std::mutex> lock(cache_mutex);
  if (!prd.refresh() && seq == stories_seq && alive == stories_alive && !stories_body.empty()) {
    return stories_body;
  }
  json stories = json::array();
  json epics = json::array();
  std::set<std::string> seen;
  feed.with_view([&](const RunView& view) {
    if (prd.value.is_object()) {
      if (prd.value.contains("epics") && prd.value["epics"].is_array()) {
        epics = prd.value["epics"];
      }
      if (prd.value.contains("stories") && prd.value["stories"].is_array()) {
        for (const auto& s : prd.value["stories"]) {
          if (!s.is_object() || !s.contains("id") || !s["id"].is_string()) {
            continue;
          }
          std::string id = s["id"];
          seen.insert(id);
          json item = {{"id", id},
                       {"title", s.value("title", "")},
                       {"epic", s.value("epic", "")},
                       {"priority", s.value("priority", 0)},
                       {"dependencies", s.value("dependencies", json::array())},
                       {"prdStatus", s.value("status", "pending")},
                       {"status", s.value("status", "pending")},
                       {"attempts", 0},
                       {"costUsd", 0},
                       {"blockedReason", s.value("blockedReason", json(nullptr))},
                       {"verdict", ""}};
          json facts = view.story_summary(id);
          if (facts.is_object()) {
            // The journal is newer than prd.json while a run is going: its word wins, but a pending journal
            // status never hides a status prd.json already records.
            if (facts["status"] != "pending") {
              item["status"] = facts["status"];
            }
            item["attempts"] = facts["attempts"];
            item["costUsd"] = facts["costUsd"];
            item["verdict"] = facts["verdict"];
            if (!facts["blockedReason"].is_null()) {
              item["blockedReason"] = facts["blockedReason"];
            }
          }
          mark_interrupted(item, alive);
          stories.push_back(std::move(item));
        }
      }
    }
    for (const auto& id : view.story_ids()) {
      if (seen.count(id) == 0) {
        json facts = view.story_summary(id);
        facts["id"] = id;
        facts["title"] = "";
        facts["epic"] = "";
        facts["inPrd"] = false;
        mark_interrupted(facts, alive);
        stories.push_back(std::move(facts));
      }
    }
  });
  json out = {{"stories", stories},
              {"epics", epics},
              {"prdError", prd.error.empty() ? json(nullptr) : json(prd.error)},
              {"lastSeq", seq}};
  stories_body = out.dump() + "\n";
  stories_seq = seq;
  stories_alive = alive;
  return stories_body;
}

json Server::Impl::diffstat(const std::string& sha) {
  {
    std::lock_guard<std::mutex> lock(cache_mutex);
    auto it = diffstats.find(sha);
    if (it != diffstats.end()) {
      return it->second;
    }
  }
  util::ProcessSpec spec;
  spec.argv = {"git", "-C", paths.root.string(), "show", "--numstat", "--format=", "--no-color", sha};
  spec.timeout_ms = 5000;
  json files = json::array();
  std::int64_t added = 0, deleted = 0;
  auto result = util::run_process(spec, [&](util::StreamId stream, std::string_view line, bool) {
    if (stream != util::StreamId::out || line.empty()) {
      return;
    }
    std::string l(line);
    auto t1 = l.find('\t');
    auto t2 = t1 == std::string::npos ? t1 : l.find('\t', t1 + 1);
    if (t2 == std::string::npos) {
      return;
    }
    bool binary = l[0] == '-';
    std::int64_t a = binary ? 0 : std::atoll(l.substr(0, t1).c_str());
    std::int64_t d = binary ? 0 : std::atoll(l.substr(t1 + 1, t2 - t1 - 1).c_str());
    added += a;
    deleted += d;
    files.push_back({{"path", l.substr(t2 + 1)}, {"added", a}, {"deleted", d}, {"binary", binary}});
  });
  (void)result;
  json stat = {{"files", files}, {"added", added}, {"deleted", deleted}};
  std::lock_guard<std::mutex> lock(cache_mutex);
  diffstats[sha] = stat;
  return stat;
}

json Server::Impl::story_json(const std::string& id) {
  json prd_story;
  {
    std::lock_guard<std::mutex> lock(cache_mutex);
    prd.refresh();
    if (prd.value.is_object() && prd.value.contains("stories") && prd.value["stories"].is_array()) {
      for (const auto& s : prd.value["stories"]) {
        if (s.is_object() && s.value("id", "") == id) {
          prd_story = s;
        }
      }
    }
  }
  json detail;
  feed.with_view([&](const RunView& view) { detail = view.story_detail(id); });
  mark_interrupted(detail, cook_alive(paths));
  if (prd_story.is_null() && detail.is_null()) {
    return nullptr;
  }
  json out = prd_story.is_null() ? json{{"id", id}, {"inPrd", false}} : prd_story;
  out["journal"] = detail;
  // Criteria with the verifier's results: matched by text, else by position.
  json criteria = json::array();
  json results = detail.is_object() && detail["lastVerdict"].is_object()
                     ? detail["lastVerdict"].value("criteria", json::array())
                     : json::array();
  json wanted = prd_story.is_object() ? prd_story.value("acceptanceCriteria", json::array()) : json::array();
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    json passed = nullptr;
    for (const auto& r : results) {
      if (r.is_object() && r.value("criterion", "") == wanted[i]) {
        passed = r.value("passed", json(nullptr));
      }
    }
    if (passed.is_null() && i < results.size() && results[i].is_object()) {
      passed = results[i].value("passed", json(nullptr));
    }
    criteria.push_back({{"criterion", wanted[i]}, {"passed", passed}});
  }
  out["criteria"] = criteria;
  if (detail.is_object()) {
    for (auto& commit : out["journal"]["commits"]) {
      std::string sha = commit.value("sha", "");
      bool is_sha = sha.size() >= 7 && sha.size() <= 64 &&
                    sha.find_first_not_of("0123456789abcdef") == std::string::npos;
      commit["diffstat"] = is_sha ? diffstat(sha) : json(nullptr);
    }
  }
  return out;
}

void Server::Impl::stream_events(const http::Request& req, http::Response& res) {
  // Count first, then check: two racing requests can never both take the last slot.
  if (streams.fetch_add(1) >= options.max_streams) {
    streams.fetch_sub(1);
    send_error(res, 503,
               fmt::format("too many event streams ({} open): close a dashboard tab and retry", options.max_streams));
    return;
  }
  std::int64_t after = feed.last_seq();
  std::string resume = req.header("Last-Event-ID");
  if (resume.empty() && req.has_param("after")) {
    resume = req.param("after");
  }
  if (!resume.empty()) {
    after = std::max<std::int64_t>(0, std::atoll(resume.c_str()));
  }
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Accel-Buffering", "no");
  res.set_header("Content-Type", "text/event-stream");
  // The slot is given back when the stream function (and so this guard) is destroyed, however the stream ends.
  struct Slot {
    explicit Slot(std::atomic<std::size_t>& n) : count(n) {}
    ~Slot() { count.fetch_sub(1); }
    std::atomic<std::size_t>& count;
  };
  auto slot = std::make_shared<Slot>(streams);
  res.stream = [this, sent = after, first = true, slot](std::string& out) mutable {
    if (first) {
      first = false;
      out = "retry: 1000\n\n";
    }
    auto batch = feed.wait_after(sent,
                                 out.empty() ? std::chrono::milliseconds(k_keepalive) : std::chrono::milliseconds(0));
    if (batch.stopped) {
      return false;
    }
    std::vector<JournalLine> lines = batch.gap ? feed.read_after(sent, k_max_events_per_request)
                                               : std::move(batch.lines);
    for (const auto& line : lines) {
      out += fmt::format("id: {}\ndata: {}\n\n", line.seq, line.text);
      sent = line.seq;
    }
    if (out.empty()) {
      out = ": keepalive\n\n";  // also how a closed connection is noticed
    }
    return true;
  };
}

namespace {

// Whether a write's body is sent as exactly application/json, else answers 415 with `what` and its `shape`. The
// guard has checked Origin and Fetch Metadata; the exact media type is what keeps a browser that sends neither
// from posting here (see the implementation notes).
bool json_body(const http::Request& req, http::Response& res, std::string_view what, std::string_view shape) {
  if (media_type(req.header("Content-Type")) != "application/json") {
    send_error(res, 415, fmt::format("{} must be sent as application/json: {}", what, shape));
    return false;
  }
  return true;
}

}  // namespace

void Server::Impl::feedback(const http::Request& req, http::Response& res) {
  if (!json_body(req, res, "feedback", "{\"text\": \"...\"}")) {
    return;
  }
  auto body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("text") || !body["text"].is_string()) {
    send_error(res, 400, "feedback must be a JSON object with a string \"text\"");
    return;
  }
  std::string text = body["text"];
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    send_error(res, 400, "feedback is empty");
    return;
  }
  if (text.back() != '\n') {
    text += '\n';
  }
  util::ensure_dir(paths.inbox);
  auto target = paths.inbox / (utc_file_stamp() + "-" + random_hex(4) + ".md");
  util::write_file_atomic(target, text);
  send_json(res, 201, json{{"file", paths.display(target)}, {"bytes", text.size()}}.dump() + "\n");
}

void Server::Impl::steer(const http::Request& req, http::Response& res) {
  if (!json_body(req, res, "steering", "{\"action\": \"pause\", \"storyId\": null}")) {
    return;
  }
  Result<SteerCall> call = parse_steer_body(req.body);
  if (!call) {
    return send_error(res, 400, call.failure().message);
  }
  util::ProcessSpec spec;
  spec.argv = steer_argv(util::self_exe(), *call, k_steer_wait_s);
  spec.cwd = paths.root;
  spec.timeout_ms = k_steer_timeout_ms;
  spec.max_line_bytes = k_steer_max_output;
  spec.tail_bytes = k_steer_max_output;
  std::string out;
  std::lock_guard<std::mutex> one_at_a_time(steer_mutex);
  auto result = util::run_process(
      spec,
      [&](util::StreamId stream, std::string_view line, bool) {
        if (stream == util::StreamId::out && out.size() + line.size() < k_steer_max_output) {
          out.append(line).push_back('\n');
        }
      },
      &stopping);
  SteerReply reply = steer_reply(result, out, k_steer_timeout_ms);
  send_json(res, reply.status, reply.body);
}

namespace {

// `file` resolved, when it lies under `dir` once every link is followed.
std::optional<std::filesystem::path> file_under(const std::filesystem::path& dir, const std::filesystem::path& file) {
  std::error_code ec;
  auto inside = std::filesystem::weakly_canonical(dir, ec);
  auto wanted = ec ? std::filesystem::path() : std::filesystem::weakly_canonical(file, ec);
  if (ec || wanted.string().rfind(inside.string() + "/", 0) != 0) {
    return std::nullopt;
  }
  return wanted;
}

}  // namespace

// `rel` (relative to the project root) resolved, when it lies under .simmer/sessions/ once every link is followed.
std::optional<std::filesystem::path> Server::Impl::session_file(const std::string& rel) const {
  if (rel.empty() || std::filesystem::path(rel).is_absolute()) {
    return std::nullopt;
  }
  return file_under(paths.sessions, paths.root / rel);
}

// Whether `id` is a story in flight in a lane of the run state.json describes: only such an id names a folder.
bool Server::Impl::lane_in_flight(const std::string& id) const {
  auto text = util::read_file(paths.state);
  if (!text.ok()) {
    return false;
  }
  auto folded = core::state_from_json(json::parse(*text, nullptr, false));
  return folded.ok() && folded->lanes.count(id) != 0;
}

void Server::Impl::activity(const http::Request& req, http::Response& res) {
  json session;
  std::optional<std::filesystem::path> file;
  json out = {{"session", nullptr}, {"lines", json::array()}, {"truncated", false}};
  if (req.has_param("lane")) {
    // A lane's session: the one its own journal has open, its transcript under the lane's sessions folder.
    const std::string id = req.param("lane");
    if (!lane_in_flight(id)) {
      return send_error(res, 404, fmt::format("no lane {} in flight", util::preview(id, 80)));
    }
    out["lane"] = id;
    const std::filesystem::path dir = paths.lane_dir(id);
    RunView lane_view;
    try {
      util::Journal::for_each_line(dir / "events.jsonl",
                                   [&](const util::JournalLine& line) { lane_view.apply(line.event); });
    } catch (const Error&) {
      // A damaged lane journal shows no session; its run refuses it and says so.
    }
    session = lane_view.current_session();
    if (!session.is_null()) {
      file = file_under(dir / "sessions", session.value("transcript", std::string()));
    }
  } else {
    feed.with_view([&](const RunView& view) { session = view.current_session(); });
    if (!session.is_null()) {
      file = session_file(session.value("transcript", std::string()));
    }
  }
  // A session of a killed cook is not running, whatever the journal's last launch says.
  if (session.is_null() || !cook_alive(paths)) {
    return send_json(res, 200, out.dump() + "\n");
  }
  out["session"] = session;
  std::ifstream in;
  std::error_code ec;
  if (file && !std::filesystem::is_directory(*file, ec)) {
    in.open(*file, std::ios::binary | std::ios::ate);
  }
  if (!in) {
    return send_json(res, 200, out.dump() + "\n");  // not written yet
  }
  // The tail only, from its first whole line, up to its last: what is still being written waits.
  const auto size = static_cast<std::size_t>(in.tellg());
  const std::size_t from = size > k_activity_tail ? size - k_activity_tail : 0;
  in.seekg(static_cast<std::streamoff>(from));
  std::string text(size - from, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  std::size_t begin = 0;
  if (from > 0) {
    const auto nl = text.find('\n');
    begin = nl == std::string::npos ? text.size() : nl + 1;
  }
  const auto last = text.rfind('\n');
  const std::string_view lines = last == std::string::npos || last < begin
                                     ? std::string_view()
                                     : std::string_view(text).substr(begin, last + 1 - begin);
  std::vector<std::string> rendered;
  if (options.render_transcript) {
    rendered = options.render_transcript(session.value("agent", std::string()), lines);
  }
  constexpr std::size_t k_activity_lines = 200;
  const std::size_t skip = rendered.size() > k_activity_lines ? rendered.size() - k_activity_lines : 0;
  for (std::size_t i = skip; i < rendered.size(); ++i) {
    out["lines"].push_back(std::move(rendered[i]));
  }
  out["truncated"] = from > 0 || skip > 0;
  res.set_header("Cache-Control", "no-store");
  send_json(res, 200, out.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
}

// Read afresh at every request, not through the cache: a lane's phase moves in its own state.json, which no
// change of the coordinator's files announces.
void Server::Impl::lanes(http::Response& res) {
  json out = {{"lanes", nullptr}};
  auto text = util::read_file(paths.state);
  if (text.ok()) {
    auto folded = core::state_from_json(json::parse(*text, nullptr, false));
    if (folded.ok() && folded->limits.parallel && folded->limits.parallel->lanes > 1) {
      out["lanes"] = core::lanes_view_json(
          core::lanes_view(*folded, store::read_lane_states(paths, *folded), util::now_unix_ms()));
    }
  }
  res.set_header("Cache-Control", "no-store");
  send_json(res, 200, out.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
}

void Server::Impl::transcript(const http::Request& req, http::Response& res) {
  std::string rel = req.param("path");
  auto file = session_file(rel);
  if (!file) {
    send_error(res, 403, "only transcripts under .simmer/sessions/ are served");
    return;
  }
  const std::filesystem::path& wanted = *file;
  std::ifstream in(wanted, std::ios::binary | std::ios::ate);
  if (!in || std::filesystem::is_directory(wanted)) {
    send_error(res, 404, fmt::format("no transcript at {}", rel));
    return;
  }
  auto size = static_cast<std::size_t>(in.tellg());
  std::size_t from = size > k_transcript_tail ? size - k_transcript_tail : 0;
  in.seekg(static_cast<std::streamoff>(from));
  std::string text(size - from, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Simmer-Truncated", from > 0 ? "true" : "false");
  res.set_content(text, "text/plain; charset=utf-8");
}

void Server::Impl::on_error(int status, http::Response& res) const {
  res.set_header("X-Content-Type-Options", "nosniff");
  switch (status) {
    case 413:
      return send_error(res, 413, fmt::format("request body over {} bytes refused", options.max_body_bytes));
    case 431:
      return send_error(res, 431, fmt::format("request head over {} KiB refused", k_max_head_bytes / 1024));
    case 411:
      return send_error(res, 411, "chunked request bodies are not accepted: send a Content-Length");
    case 503:
      return send_error(res, 503, "too many connections: close a dashboard tab and retry");
    case 408:
      return send_error(res, 408,
                        fmt::format("request not complete within {} s of its first byte: send it at once",
                                    k_request_timeout_ms / 1000));
    case 500:
      return send_error(res, 500, "internal error: the dashboard could not answer this request");
    default:
      return send_error(res, status, fmt::format("HTTP {} {}", status, http::reason_phrase(status)));
  }
}

void Server::Impl::handle(const http::Request& req, http::Response& res) {
  if (!guard(req, res)) {
    return;
  }
  const std::string& path = req.path;
  bool get = req.method == "GET";
  if (path == "/" || path == "/index.html") {
    if (!get) {
      return send_error(res, 405, fmt::format("{} {}: only GET", req.method, path));
    }
    auto html = store::resource("templates/dashboard/index.html");
    if (!html) {
      return send_error(res, 500, "the dashboard page was not embedded in this build");
    }
    res.set_header("Cache-Control", "no-store");
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                   "img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    return res.set_content(std::string(*html), "text/html; charset=utf-8");
  }
  if (path == "/api/feedback" || path == "/api/steer") {
    if (req.method != "POST") {
      return send_error(res, 405, fmt::format("{} {}: only POST", req.method, path));
    }
    return path == "/api/feedback" ? feedback(req, res) : steer(req, res);
  }
  bool known = path == "/api/state" || path == "/api/stories" || path.rfind("/api/stories/", 0) == 0 ||
               path == "/api/events" || path == "/api/events/stream" || path == "/api/transcript" ||
               path == "/api/activity" || path == "/api/lanes";
  if (!known) {
    return send_error(res, 404, "no such page or API route");
  }
  if (!get) {
    return send_error(res, 405, fmt::format("{} {}: only GET", req.method, path));
  }
  if (path == "/api/state") {
    return send_json(res, 200, state_json());
  }
  if (path == "/api/stories") {
    return send_json(res, 200, stories_json());
  }
  if (path == "/api/events/stream") {
    return stream_events(req, res);
  }
  if (path == "/api/transcript") {
    return transcript(req, res);
  }
  if (path == "/api/activity") {
    return activity(req, res);
  }
  if (path == "/api/lanes") {
    return lanes(res);
  }
  if (path == "/api/events") {
    std::int64_t after = req.has_param("after") ? std::atoll(req.param("after").c_str()) : 0;
    std::size_t limit = k_max_events_per_request;
    if (req.has_param("limit")) {
      limit = std::clamp<std::size_t>(std::strtoull(req.param("limit").c_str(), nullptr, 10), 1,
                                      k_max_events_per_request);
    }
    auto lines = feed.read_after(after, limit);
    std::string body = "{\"events\":[";
    for (std::size_t i = 0; i < lines.size(); ++i) {
      body += (i ? "," : "") + lines[i].text;
    }
    body += fmt::format("],\"lastSeq\":{},\"more\":{}}}\n", feed.last_seq(),
                        !lines.empty() && lines.back().seq < feed.last_seq() ? "true" : "false");
    return send_json(res, 200, body);
  }
  // /api/stories/<id>
  std::string id = path.substr(std::strlen("/api/stories/"));
  bool valid = !id.empty() && std::isalpha(static_cast<unsigned char>(id[0])) &&
               id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") ==
                   std::string::npos;
  json story = valid ? story_json(id) : json(nullptr);
  if (story.is_null()) {
    return send_error(res, 404, fmt::format("no story \"{}\" in prd.json or the journal", id));
  }
  send_json(res, 200, story.dump() + "\n");
}

Server::Server(store::ProjectPaths paths, ServerOptions options)
    : m_impl(std::make_unique<Impl>(std::move(paths), std::move(options))) {
  if (const std::string& token = m_impl->options.token; !token.empty() && !token_problem(token).empty()) {
    throw Error(ExitCode::usage, fmt::format("token refused (--token): {}", token_problem(token)));
  }
  if (!is_loopback_host(m_impl->options.host) && m_impl->options.token.empty()) {
    throw Error(ExitCode::usage, fmt::format("refusing to serve {} without a token: pass --token or let simmer "
                                             "generate one",
                                             m_impl->options.host));
  }
}

Server::~Server() { stop(); }

void Server::bind() {
  m_impl->port = m_impl->http_server.bind(m_impl->options.host, m_impl->options.port);
  m_impl->feed.start();
}

int Server::port() const { return m_impl->port; }

void Server::run() { m_impl->http_server.run(); }

void Server::stop() {
  m_impl->stopping = true;
  m_impl->feed.stop();
  m_impl->http_server.stop();
}

}  // namespace simmer::web
