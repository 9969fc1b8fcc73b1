#pragma once
// `simmer dashboard`: an HTTP server (web/http.hpp) over one project's .simmer/ files. It serves one embedded page
// (templates/dashboard/index.html) and a read-only JSON API, pushes journal events to browsers with Server-Sent
// Events as soon as inotify says events.jsonl grew, and accepts two writes: a feedback note dropped atomically
// into .simmer/inbox/, and a steering request (pause, resume, stop, retry, skip) performed by running this binary's
// own steering command as a child.
//
// Routes (all GET but the two writes):
//   /                      the page
//   /api/state             state.json as written (or null) + the run as folded from the journal
//   /api/stories           prd.json's stories, each with its journal figures (status, attempts, cost)
//   /api/stories/<id>      one story: criteria with verifier results, summaries, commits (+diffstat), gates,
//                          sessions with transcript links
//   /api/transcript?path=  one session transcript (only files under .simmer/sessions/)
//   /api/activity          the running session (or null) and the last lines of its transcript as `simmer logs`
//                          renders them: {session, lines, truncated}
//   /api/events?after=SEQ  journal events with seq > SEQ (at most `limit`, default and max 1000)
//   /api/events/stream     SSE: replays seq > Last-Event-ID (or ?after=), then live events; `id:` is the seq
//   POST /api/feedback     {"text": "..."} (application/json) -> .simmer/inbox/<utc>-<n>.md
//   POST /api/steer        {"action": "pause", "storyId": null} (application/json) -> `simmer <action> [<id>]
//                          --by dashboard --json` run as a child; its JSON answer with 200, 409 refused, 423 locked
//
// Safety: binds 127.0.0.1 unless told otherwise; a non-loopback host requires a token, checked on every request
// (header `Authorization: Bearer <token>` or query `token=`; never a cookie, which a browser would attach to a
// cross-site request too). Every request needs exactly one well-formed Host (else 400); without a token it must
// name a loopback host, spelt exactly (else 403); an Origin, when sent, must be http:// + that same host and port,
// and Fetch Metadata, when sent, same-origin (else 403). Request bodies over 64 KiB are refused (413); a request
// not complete 10 s after its first byte gets 408; no file outside the project is served; at most `max_streams`
// event streams at once (503 beyond); at most 16 connections per client address (see http.hpp).

#include "store/project.hpp"
#include "web/authority.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace simmer::web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 4321;              // 0 = any free port (see Server::port())
  std::string token;            // "" = none; required (non-empty) when host is not loopback
  std::size_t max_streams = 8;  // concurrent /api/events/stream connections
  std::size_t max_body_bytes = 64 * 1024;
  // Renders complete transcript lines of agent `agent` as a person reads them (the lines `simmer logs` prints),
  // for /api/activity. The command sets it: the agents' stream formats are not the web layer's business. Unset:
  // the activity names the session and shows no lines.
  std::function<std::vector<std::string>(const std::string& agent, std::string_view lines)> render_transcript;
};

// Why `token` cannot be the dashboard's token, or "" when it can: it must be non-empty and use only URL-unreserved
// characters (A-Z a-z 0-9 - . _ ~), so the printed URL and a Bearer header carry it unescaped.
std::string token_problem(const std::string& token);

// A random 32-hex-digit token from the system's CSPRNG (getrandom). Throws simmer::Error(failure) if none.
std::string generate_token();

class Server {
public:
  // Nothing is bound or read yet. A token with a token_problem() throws simmer::Error(usage, "token refused
  // (--token): <problem>"); a non-loopback host with an empty token throws simmer::Error(usage, "refusing to
  // serve <host> without a token: ...").
  Server(store::ProjectPaths paths, ServerOptions options);
  ~Server();  // stops the server and joins its threads
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port and starts the journal watcher. A port in use or an unusable host is a Failure-like
  // simmer::Error(failure, "cannot listen (<host>:<port>): <why>").
  void bind();

  // The bound port (meaningful after bind(); the chosen one when options.port was 0).
  int port() const;

  // Serves until stop() is called from another thread or a signal handler's helper thread. Blocks.
  void run();

  // Makes run() return and closes every event stream. Safe from any thread, more than once.
  void stop();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace simmer::web
