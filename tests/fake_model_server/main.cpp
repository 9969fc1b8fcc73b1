// fake_model_server --scenario FILE --log FILE [--port N]
// A loopback stand-in for the model APIs of Claude Code, Codex and Gemini CLI, for simmer's end-to-end tests.
#include "server.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

int main(int argc, char** argv) {
  std::string scenario_path;
  std::string log_path = "/dev/null";
  int port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--scenario") == 0) {
      scenario_path = argv[i + 1];
    } else if (std::strcmp(argv[i], "--log") == 0) {
      log_path = argv[i + 1];
    } else if (std::strcmp(argv[i], "--port") == 0) {
      port = std::atoi(argv[i + 1]);
    }
  }
  if (scenario_path.empty()) {
    std::fputs("usage: fake_model_server --scenario FILE [--log FILE] [--port N]\n", stderr);
    return 64;
  }
  try {
    std::ifstream in(scenario_path);
    if (!in) {
      throw std::runtime_error("cannot read scenario " + scenario_path);
    }
    auto doc = nlohmann::json::parse(in);
    return fake::serve(fake::parse_scenario(doc), log_path, port);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fake_model_server: %s\n", e.what());
    return 1;
  }
}
