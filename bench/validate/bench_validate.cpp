// Benchmark of simmer's validator: parse + validate every line of a JSON Lines file against one schema.
//
// usage: bench_validate SCHEMA JSONL [ROUNDS]
//
// The file is read into memory first (not timed). Each round runs the product's path for many documents (the
// one `simmer validate` takes over .simmer/events.jsonl, docs/validator.md "Fast path"): every line is read with
// schema::FastReader (simdjson under the strict reader's rules) and checked with is_valid_simdjson(); a line refused
// there or invalid is parsed again by core::parse_json and explained with validate(), as a caller printing the errors
// would (ajv builds its error list the same way). The best round is reported, as one line:
// `simmer documents=<n> invalid=<n> issues=<n> seconds=<parse+validate> docs_per_s=<n>
// validate_seconds=<validation alone> validate_docs_per_s=<n>`.
//
// Validation alone is measured apart, over documents parsed beforehand (each simdjson document kept in its own
// dom::document; the invalid ones also as nlohmann trees, for validate()).

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "core/jsonc.hpp"
#include "core/schema.hpp"
#include "core/schema_fast.hpp"

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

// The issues of a document the fast path did not accept: read strictly, then explained.
std::size_t explain(const simmer::schema::Validator& validator, std::string_view line) {
  const auto parsed = simmer::core::parse_json(line);
  if (!parsed.ok) {
    return 1;  // a parse error is one problem
  }
  return validator.validate(parsed.value).size();
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

  using Clock = std::chrono::steady_clock;
  double best_total = 1e300;
  std::size_t invalid = 0;
  std::size_t issues = 0;
  simmer::schema::FastReader reader;
  for (int round = 0; round < rounds; ++round) {
    invalid = 0;
    issues = 0;
    auto started = Clock::now();
    for (std::string_view line : lines) {
      const auto document = reader.read(line);
      if (!document || !validator->is_valid_simdjson(*document)) {
        ++invalid;
        issues += explain(*validator, line);
      }
    }
    best_total = std::min(best_total, std::chrono::duration<double>(Clock::now() - started).count());
  }

  // Validation alone: the same checks over documents parsed beforehand.
  simdjson::dom::parser parser;
  std::vector<simdjson::dom::document> documents(lines.size());
  std::vector<simdjson::dom::element> roots(lines.size());
  std::vector<std::optional<nlohmann::json>> strict(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const simdjson::padded_string padded(lines[i]);
    if (parser.parse_into_document(documents[i], padded.data(), padded.size()).get(roots[i]) != simdjson::SUCCESS) {
      std::cerr << "bench_validate: line " << i + 1 << " is not JSON\n";
      return 2;
    }
    if (!validator->is_valid_simdjson(roots[i])) {
      strict[i] = nlohmann::json::parse(lines[i]);
    }
  }
  double best_validate = 1e300;
  std::size_t validate_invalid = 0;
  std::size_t validate_issues = 0;
  for (int round = 0; round < rounds; ++round) {
    validate_invalid = 0;
    validate_issues = 0;
    auto started = Clock::now();
    for (std::size_t i = 0; i < roots.size(); ++i) {
      if (!validator->is_valid_simdjson(roots[i])) {
        ++validate_invalid;
        validate_issues += validator->validate(*strict[i]).size();
      }
    }
    best_validate = std::min(best_validate, std::chrono::duration<double>(Clock::now() - started).count());
  }
  if (validate_invalid != invalid || validate_issues != issues) {
    std::cerr << "bench_validate: the two measures disagree (" << invalid << " / " << validate_invalid << " invalid, "
              << issues << " / " << validate_issues << " issues)\n";
    return 1;
  }
  std::cout << "simmer documents=" << lines.size() << " invalid=" << invalid << " issues=" << issues
            << " seconds=" << best_total << " docs_per_s=" << static_cast<long long>(lines.size() / best_total)
            << " validate_seconds=" << best_validate
            << " validate_docs_per_s=" << static_cast<long long>(lines.size() / best_validate) << "\n";
  return 0;
}
