// Benchmark of simmer's validator: parse + validate every line of a JSON Lines file against one schema.
//
// usage: bench_validate SCHEMA JSONL [ROUNDS]
//
// The file is read into memory first (not timed). Each round parses every line with nlohmann::json, checks each
// document with Validator::is_valid() and explains an invalid one with validate(), as a caller printing the errors
// would (ajv builds its error list the same way), then frees the documents. The best round is reported, as one
// line: `simmer documents=<n> invalid=<n> issues=<n> seconds=<parse+validate+free> docs_per_s=<n>
// validate_seconds=<validation alone> validate_docs_per_s=<n>`.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/schema.hpp"

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "bench_validate: cannot read " << path << "\n";
    std::exit(2);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_validate SCHEMA JSONL [ROUNDS]\n";
    return 64;
  }
  const int rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
  auto validator = simmer::schema::Validator::compile(nlohmann::json::parse(read_file(argv[1])));
  if (!validator) {
    std::cerr << "bench_validate: " << validator.failure().message << "\n";
    return 3;
  }
  const std::string text = read_file(argv[2]);
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end;
    if (end > start) {
      lines.emplace_back(text.data() + start, end - start);
    }
    start = end + 1;
  }

  // Two phases per round, so validation can also be compared alone: parse every line (and, at the end, free the
  // documents: nlohmann's tree is freed node by node, a real part of its cost), then validate every document.
  double best_total = 1e300;
  double best_validate = 1e300;
  std::size_t invalid = 0;
  std::size_t issues = 0;
  using Clock = std::chrono::steady_clock;
  for (int round = 0; round < rounds; ++round) {
    invalid = 0;
    issues = 0;
    std::vector<nlohmann::json> documents;
    documents.reserve(lines.size());
    auto started = Clock::now();
    for (std::string_view line : lines) {
      documents.push_back(nlohmann::json::parse(line));
    }
    auto parsed = Clock::now();
    for (const auto& document : documents) {
      if (!validator->is_valid(document)) {
        ++invalid;
        issues += validator->validate(document).size();
      }
    }
    auto validated = Clock::now();
    documents.clear();
    auto freed = Clock::now();
    best_total = std::min(best_total, std::chrono::duration<double>(freed - started).count());
    best_validate = std::min(best_validate, std::chrono::duration<double>(validated - parsed).count());
  }
  std::cout << "simmer documents=" << lines.size() << " invalid=" << invalid << " issues=" << issues
            << " seconds=" << best_total << " docs_per_s=" << static_cast<long long>(lines.size() / best_total)
            << " validate_seconds=" << best_validate
            << " validate_docs_per_s=" << static_cast<long long>(lines.size() / best_validate) << "\n";
  return 0;
}
