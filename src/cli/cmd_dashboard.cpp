// `simmer dashboard [--port 4321] [--host 127.0.0.1] [--token T] [--open]`: serve the live dashboard of the
// project until SIGINT/SIGTERM (see web/server.hpp for routes and safety rules).

#include "cli/commands.hpp"
#include "run/logs.hpp"
#include "store/project.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "web/server.hpp"

#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>

extern char** environ;

namespace simmer::cli {

namespace {

// Starts the desktop's browser on `url` without waiting for it; a missing xdg-open is only a notice.
void open_browser(const std::string& url) {
  pid_t pid = 0;
  const char* argv[] = {"xdg-open", url.c_str(), nullptr};
  if (::posix_spawnp(&pid, "xdg-open", nullptr, nullptr, const_cast<char* const*>(argv), environ) != 0) {
    std::fprintf(stderr, "simmer: notice: could not start xdg-open; open %s yourself\n", url.c_str());
  }
}

}  // namespace

Runner setup_dashboard(CLI::App& sub) {
  struct Flags {
    int port = 4321;
    std::string host = "127.0.0.1";
    std::string token;
    bool open = false;
    std::size_t max_streams = 8;
  };
  auto flags = std::make_shared<Flags>();
  sub.add_option("--port", flags->port, "Port to listen on (0: any free port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  sub.add_option("--host", flags->host, "Address to bind; any but loopback requires a token")->capture_default_str();
  CLI::Option* token_flag = sub.add_option(
      "--token", flags->token,
      "Token every request must carry: A-Z a-z 0-9 - . _ ~ (generated when the host is not loopback)");
  sub.add_flag("--open", flags->open, "Open the dashboard in the desktop's browser");
  sub.add_option("--max-streams", flags->max_streams, "Most live event streams served at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));

  return [flags, token_flag] {
    // `--token ''` is a mistake, never "no token": a script that meant to pass a secret and passed nothing must
    // not get a dashboard that anyone can use.
    if (token_flag->count() > 0 && flags->token.empty()) {
      throw Error(ExitCode::usage, fmt::format("token refused (--token): {}", web::token_problem("")));
    }

    // The dashboard reads a project: without .simmer/ there is nothing to show or watch.
    auto paths = store::ProjectPaths::discover(std::filesystem::current_path());
    if (!util::exists(paths.dir)) {
      throw Error(ExitCode::invalid_input,
                  fmt::format("no simmer project here ({}): run `simmer init` first", paths.display(paths.dir)));
    }

    // A host other people can reach gets a token even when none was given.
    web::ServerOptions options;
    options.host = flags->host;
    options.port = flags->port;
    options.token = flags->token;
    options.max_streams = flags->max_streams;
    options.render_transcript = [prices = run::configured_prices(paths)](const std::string& agent,
                                                                         std::string_view lines) {
      return run::render_transcript_lines(agent, lines, prices);
    };
    if (options.token.empty() && !web::is_loopback_host(options.host)) {
      options.token = web::generate_token();
    }

    // Signals go to one waiting thread, not to the server's workers, so shutdown is an ordinary stop().
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    web::Server server(paths, options);
    server.bind();
    std::string shown_host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
    std::string url = fmt::format("http://{}:{}/", shown_host, server.port());
    if (!options.token.empty()) {
      url += "?token=" + options.token;
    }
    std::fprintf(stderr, "simmer dashboard: serving %s at %s (Ctrl-C to stop)\n",
                 paths.root.filename().string().c_str(), url.c_str());
    std::fflush(stderr);
    if (flags->open) {
      open_browser(url);
    }

    std::thread waiter([&server, set] {
      int sig = 0;
      sigwait(&set, &sig);
      server.stop();
    });
    server.run();
    // run() also returns when the server fails; wake the waiter so it can be joined.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    std::fputs("simmer dashboard: stopped\n", stderr);
    return to_int(ExitCode::ok);
  };
}

}  // namespace simmer::cli
