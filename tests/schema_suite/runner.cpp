// Runs the official JSON-Schema-Test-Suite (draft-07) against simmer's validator.
//
// Usage: schema_suite_runner <suite>/tests/draft7
//
// Every file of the directory is either covered (every case run, through both the fast path is_valid() and the
// collecting validate(), which must agree with each other and with the suite) or listed as out of scope with its
// reason. Inside covered files, a schema group simmer refuses at load must be listed in k_expected_refusals with
// its reason: it is reported and counted apart, never counted as passed. Exit 0 when everything matches, 1 on any
// mismatch (including a file the lists do not know), 77 when the suite is not installed.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/schema.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct OutOfScope {
  const char* file;
  const char* reason;
};

// Suite files simmer does not run, and why. docs/validator.md carries the same list.
constexpr OutOfScope k_out_of_scope[] = {
    {"refRemote.json", "remote $refs (http://localhost:1234/...) are refused by design"},
    {"definitions.json", "validates against the remote draft-07 metaschema ($ref to http://json-schema.org/...)"},
    {"optional/content.json", "contentMediaType/contentEncoding are not implemented (refused at load)"},
    {"optional/ecmascript-regex.json", "format \"regex\" is not implemented (refused at load)"},
    {"optional/format/date.json", "format \"date\" is not implemented (refused at load)"},
    {"optional/format/email.json", "format \"email\" is not implemented (refused at load)"},
    {"optional/format/hostname.json", "format \"hostname\" is not implemented (refused at load)"},
    {"optional/format/idn-email.json", "format \"idn-email\" is not implemented (refused at load)"},
    {"optional/format/idn-hostname.json", "format \"idn-hostname\" is not implemented (refused at load)"},
    {"optional/format/ipv4.json", "format \"ipv4\" is not implemented (refused at load)"},
    {"optional/format/ipv6.json", "format \"ipv6\" is not implemented (refused at load)"},
    {"optional/format/iri-reference.json", "format \"iri-reference\" is not implemented (refused at load)"},
    {"optional/format/iri.json", "format \"iri\" is not implemented (refused at load)"},
    {"optional/format/json-pointer.json", "format \"json-pointer\" is not implemented (refused at load)"},
    {"optional/format/regex.json", "format \"regex\" is not implemented (refused at load)"},
    {"optional/format/relative-json-pointer.json",
     "format \"relative-json-pointer\" is not implemented (refused at load)"},
    {"optional/format/time.json", "format \"time\" is not implemented (refused at load)"},
    {"optional/format/uri-reference.json", "format \"uri-reference\" is not implemented (refused at load)"},
    {"optional/format/uri-template.json", "format \"uri-template\" is not implemented (refused at load)"},
    {"optional/format/uri.json", "format \"uri\" is not implemented (refused at load)"},
};

struct ExpectedRefusal {
  const char* file;
  const char* group;  // the suite's "description" of the schema group
  const char* reason;
};

// Groups of covered files whose schema simmer refuses at load, on purpose.
constexpr ExpectedRefusal k_expected_refusals[] = {
    {"ref.json", "remote ref, containing refs itself", "remote $ref to the draft-07 metaschema"},
    {"ref.json", "Recursive references between schemas", "relative $refs resolved against nested $ids"},
};

const OutOfScope* out_of_scope(const std::string& file) {
  for (const auto& entry : k_out_of_scope) {
    if (file == entry.file) {
      return &entry;
    }
  }
  return nullptr;
}

const ExpectedRefusal* expected_refusal(const std::string& file, const std::string& group) {
  for (const auto& entry : k_expected_refusals) {
    if (file == entry.file && group == entry.group) {
      return &entry;
    }
  }
  return nullptr;
}

struct Totals {
  std::size_t passed = 0;
  std::size_t run = 0;
  std::size_t refused_groups = 0;
  std::size_t refused_cases = 0;
  std::size_t files = 0;
  std::size_t mismatches = 0;
};

void run_file(const fs::path& path, const std::string& name, Totals& totals) {
  std::ifstream in(path);
  json groups = json::parse(in);
  std::size_t passed = 0;
  std::size_t run = 0;
  std::size_t refused = 0;
  std::set<std::string> refusals_seen;
  for (const auto& group : groups) {
    const std::string description = group.at("description").get<std::string>();
    auto validator = simmer::schema::Validator::compile(group.at("schema"));
    const ExpectedRefusal* refusal = expected_refusal(name, description);
    if (!validator) {
      if (refusal == nullptr) {
        std::cout << "  MISMATCH " << name << " / " << description
                  << ": refused at load: " << validator.failure().message << "\n";
        ++totals.mismatches;
      } else {
        std::cout << "  refused (expected) " << name << " / " << description << " (" << group.at("tests").size()
                  << " cases): " << refusal->reason << " — " << validator.failure().message << "\n";
        ++totals.refused_groups;
        totals.refused_cases += group.at("tests").size();
        refused += group.at("tests").size();
      }
      continue;
    }
    if (refusal != nullptr) {
      std::cout << "  MISMATCH " << name << " / " << description
                << ": listed as refused, but it compiled; update k_expected_refusals\n";
      ++totals.mismatches;
    }
    for (const auto& test : group.at("tests")) {
      const bool expected = test.at("valid").get<bool>();
      const bool fast = validator->is_valid(test.at("data"));
      const auto issues = validator->validate(test.at("data"));
      ++run;
      if (fast == expected && issues.empty() == expected) {
        ++passed;
        continue;
      }
      ++totals.mismatches;
      std::cout << "  MISMATCH " << name << " / " << description << " / " << test.at("description").get<std::string>()
                << ": expected " << (expected ? "valid" : "invalid") << ", is_valid() said "
                << (fast ? "valid" : "invalid") << ", validate() gave " << issues.size() << " issue(s)";
      if (!issues.empty()) {
        std::cout << " (first: #" << issues.front().instance_pointer << ": " << issues.front().message() << ")";
      }
      std::cout << "\n";
    }
  }
  std::cout << name << ": " << passed << "/" << run << " cases passed";
  if (refused > 0) {
    std::cout << ", " << refused << " refused at load (listed)";
  }
  std::cout << "\n";
  totals.passed += passed;
  totals.run += run;
  ++totals.files;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: schema_suite_runner <JSON-Schema-Test-Suite>/tests/draft7\n";
    return 64;
  }
  const fs::path root = argv[1];
  if (!fs::is_directory(root)) {
    std::cout << "skipped: the JSON-Schema-Test-Suite is not installed at " << root.string()
              << " (Debian package json-schema-test-suite)\n";
    return 77;
  }
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(fs::relative(entry.path(), root).generic_string());
    }
  }
  std::sort(files.begin(), files.end());

  Totals totals;
  std::vector<std::string> skipped;
  for (const auto& name : files) {
    if (const OutOfScope* entry = out_of_scope(name)) {
      skipped.push_back(name + ": " + entry->reason);
      continue;
    }
    try {
      run_file(root / name, name, totals);
    } catch (const std::exception& error) {
      std::cout << "  MISMATCH " << name << ": " << error.what() << "\n";
      ++totals.mismatches;
    }
  }
  for (const auto& entry : k_out_of_scope) {
    if (std::find(files.begin(), files.end(), entry.file) == files.end()) {
      std::cout << "note: out-of-scope file " << entry.file << " is not in this suite version\n";
    }
  }

  std::cout << "\nout of scope (" << skipped.size() << " files):\n";
  for (const auto& line : skipped) {
    std::cout << "  " << line << "\n";
  }
  std::cout << "\ndraft7: " << totals.passed << " cases passed / " << totals.run << " cases run / " << totals.files
            << " files covered; " << totals.refused_cases << " cases in " << totals.refused_groups
            << " schema groups refused at load (listed above); " << skipped.size() << " files out of scope\n";
  if (totals.mismatches > 0) {
    std::cout << totals.mismatches << " mismatch(es)\n";
    return 1;
  }
  return 0;
}
