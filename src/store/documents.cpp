// Implementation notes: every contract file is UTF-8 JSON (simmer.json: JSONC) holding one object with
// schemaVersion 1; events.jsonl holds one compact JSON object per line, each ending in "\n". Schemas are the
// embedded schemas/<kind>.json, compiled once per process. This module reads files and never writes one.
// Journal lines are checked through the validator's fast path first (simdjson, docs/validator.md "Fast path");
// a line that is refused there or invalid is re-read by core::parse_json and explained by the detailed validator,
// so the problems are those the detailed path alone gives.

#include "store/documents.hpp"

#include "core/jsonc.hpp"
#include "core/schema.hpp"
#include "core/schema_fast.hpp"
#include "store/resources.hpp"
#include "util/fs.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <map>
#include <mutex>

namespace simmer::store {
namespace {

// Whether a document read may follow a symlink at its path (hand-offs may not).
enum class Links { follow, refuse };

using core::Problem;
using nlohmann::json;

constexpr std::array<std::pair<DocKind, const char*>, 8> k_kinds = {{
    {DocKind::config, "config"},
    {DocKind::prd, "prd"},
    {DocKind::state, "state"},
    {DocKind::task, "task"},
    {DocKind::build, "build"},
    {DocKind::verdict, "verdict"},
    {DocKind::progress, "progress"},
    {DocKind::events, "events"},
}};

std::string schema_path(DocKind kind) {
  if (kind == DocKind::events) {
    return "schemas/event.json";
  }
  return fmt::format("schemas/{}.json", to_string(kind));
}

// A compiled embedded schema and its JSON (the unknown-key check walks the JSON).
using Compiled = core::CompiledSchema;

// Compiles an embedded schema once per process. A schema that is missing or does not compile is a packaging
// bug, reported as schema_unusable.
const Compiled* compiled_schema(const std::string& path, bool required) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Compiled>> cache;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto found = cache.find(path);
  if (found != cache.end()) {
    return found->second.get();
  }
  const auto text = resource(path);
  if (!text) {
    if (!required) {
      cache[path] = nullptr;
      return nullptr;
    }
    throw Error(ExitCode::schema_unusable, fmt::format("missing embedded schema ({}): the binary is incomplete", path));
  }
  const auto parsed = core::parse_json(*text);
  if (!parsed.ok) {
    throw Error(ExitCode::schema_unusable, fmt::format("embedded schema is not JSON ({}:{}:{}): {}", path,
                                                       parsed.error.line, parsed.error.column, parsed.error.message));
  }
  auto validator = schema::Validator::compile(parsed.value);
  if (!validator) {
    throw Error(ExitCode::schema_unusable,
                fmt::format("embedded schema unusable ({}): {}", path, validator.failure().message));
  }
  auto& slot = cache[path];
  slot = std::make_unique<Compiled>(Compiled{parsed.value, std::move(validator.value())});
  return slot.get();
}

Problem file_problem(const std::string& file, std::string message) {
  Problem p;
  p.file = file;
  p.line = -1;
  p.message = std::move(message);
  return p;
}

Problem parse_problem(const std::string& file, const core::ParseError& error) {
  Problem p;
  p.file = file;
  p.line = error.line;
  p.column = error.column;
  p.message = error.message;
  return p;
}

// The file's bytes, or the problem of reading it ("cannot read: <strerror>").
std::variant<std::string, Problem> read_bytes(const std::filesystem::path& path, const std::string& display,
                                              Links links = Links::follow) {
  if (links == Links::refuse) {
    // A hand-off is written by an untrusted agent: a symlink could point anywhere, a FIFO would block.
    auto text = util::read_regular_file(path);
    if (!text.ok()) {
      std::error_code ec;
      auto type = std::filesystem::symlink_status(path, ec).type();
      return file_problem(display, type == std::filesystem::file_type::symlink
                                       ? std::string("is a symbolic link; write the file itself, in place")
                                   : type == std::filesystem::file_type::not_found || ec
                                       ? "cannot read: " + util::errno_text(ENOENT)
                                       : std::string("is not a regular file; write a regular JSON file"));
    }
    return std::move(*text);
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return file_problem(display, "cannot read: " + util::errno_text(errno));
  }
  std::string out;
  const util::IoResult read = util::read_all(fd, [&](std::string_view chunk) { out.append(chunk); });
  ::close(fd);
  if (read.error != 0) {
    return file_problem(display, "cannot read: " + util::errno_text(read.error));
  }
  return out;
}

void append(std::vector<Problem>& to, std::vector<Problem> from) {
  for (auto& p : from) {
    to.push_back(std::move(p));
  }
}

// seq is contiguous across the whole journal: a gap or a repeat means lines were lost or duplicated.
void check_seq(std::int64_t seq, std::optional<std::int64_t>& previous_seq, const std::string& display, int line_number,
               std::vector<Problem>& problems) {
  if (previous_seq && seq != *previous_seq + 1) {
    Problem p;
    p.file = fmt::format("{}:{}", display, line_number);
    p.pointer = "/seq";
    p.message = fmt::format("expected {} (the previous line's seq + 1), found {}", *previous_seq + 1, seq);
    problems.push_back(std::move(p));
  }
  previous_seq = seq;
}

// The fast path for one terminated line (schema::FastReader already accepted it, so core::parse_json would read
// the same value): true when the line is valid against the envelope and its kind's data schema, after checking
// its seq. False sends the line down the detailed path, which then finds the problems; the seq has not been
// looked at in that case. When this returns true the detailed path would have found no schema problem either:
// core::check_schema reports unknown keys only where the validator also fails.
bool fast_line_ok(const simdjson::dom::element& event, const Compiled& envelope,
                  std::optional<std::int64_t>& previous_seq, const std::string& display, int line_number,
                  std::vector<Problem>& problems) {
  if (!envelope.validator.is_valid_simdjson(event)) {
    return false;
  }
  if (event.type() != simdjson::dom::element_type::OBJECT) {
    return true;
  }
  simdjson::dom::object object;
  if (event.get(object) != simdjson::SUCCESS) {
    return true;
  }
  simdjson::dom::element kind_value;
  simdjson::dom::element data;
  std::string_view kind;
  if (object.at_key("kind").get(kind_value) == simdjson::SUCCESS &&
      kind_value.get_string().get(kind) == simdjson::SUCCESS && object.at_key("data").get(data) == simdjson::SUCCESS) {
    const bool plain_name = kind.find_first_of("/.") == std::string_view::npos && !kind.empty();
    const Compiled* data_schema = plain_name ? compiled_schema(fmt::format("schemas/events/{}.json", kind), false)
                                             : nullptr;
    if (data_schema != nullptr && !data_schema->validator.is_valid_simdjson(data)) {
      return false;
    }
  }
  simdjson::dom::element seq_value;
  if (object.at_key("seq").get(seq_value) == simdjson::SUCCESS) {
    // As nlohmann's get<std::int64_t>() reads an integer: a uint64 beyond int64 wraps.
    std::optional<std::int64_t> seq;
    if (seq_value.type() == simdjson::dom::element_type::INT64) {
      std::int64_t number = 0;
      if (seq_value.get(number) == simdjson::SUCCESS) {
        seq = number;
      }
    } else if (seq_value.type() == simdjson::dom::element_type::UINT64) {
      std::uint64_t number = 0;
      if (seq_value.get(number) == simdjson::SUCCESS) {
        seq = static_cast<std::int64_t>(number);
      }
    }
    if (seq) {
      check_seq(*seq, previous_seq, display, line_number, problems);
    }
  }
  return true;
}

// The data schema of an event's kind (schemas/events/<kind>.json), or nullptr when the kind has none. A kind
// that could name another path ("../x", "a.b") has none.
const Compiled* data_schema_of(const json& event) {
  if (!event.is_object()) {
    return nullptr;
  }
  const auto kind = event.find("kind");
  if (kind == event.end() || !kind->is_string() || event.find("data") == event.end()) {
    return nullptr;
  }
  const auto& name = kind->get_ref<const std::string&>();
  const bool plain_name = name.find_first_of("/.") == std::string::npos && !name.empty();
  return plain_name ? compiled_schema(fmt::format("schemas/events/{}.json", name), false) : nullptr;
}

std::vector<Problem> check_events(std::string_view text, const std::string& display, JournalReader reader) {
  std::vector<Problem> problems;
  // Compiled on the first line that parses, so a journal of only torn lines is reported even by a build whose
  // event schema is missing.
  const Compiled* envelope = nullptr;
  std::size_t start = 0;
  int line_number = 0;
  std::optional<std::int64_t> previous_seq;
  std::optional<schema::FastReader> fast;
  if (reader == JournalReader::fast) {
    fast.emplace();
  }
  while (start < text.size() && problems.size() < 100) {
    ++line_number;
    const std::size_t newline = text.find('\n', start);
    const bool terminated = newline != std::string_view::npos;
    const std::string_view line = text.substr(start, terminated ? newline - start : std::string_view::npos);
    start = terminated ? newline + 1 : text.size();

    // Most lines are valid: read and check them without building an nlohmann tree. A torn last line always takes
    // the detailed path, which explains it.
    if (fast && terminated) {
      if (const auto event = fast->read(line)) {
        if (envelope == nullptr) {
          envelope = compiled_schema(schema_path(DocKind::events), true);
        }
        if (fast_line_ok(*event, *envelope, previous_seq, display, line_number, problems)) {
          continue;
        }
      }
    }

    const std::string where = fmt::format("{}:{}", display, line_number);

    const auto parsed = core::parse_json(line);
    if (!parsed.ok) {
      Problem p = parse_problem(display, parsed.error);
      p.line = line_number;
      if (!terminated) {
        p.message += " (a torn last line: `simmer cook` cuts it off)";
      }
      problems.push_back(std::move(p));
      continue;
    }
    if (!terminated) {
      problems.push_back(file_problem(where,
                                      "expected a newline at the end of the line, found end of file (a torn "
                                      "last line: `simmer cook` cuts it off)"));
    }
    const json& event = parsed.value;
    if (envelope == nullptr) {
      envelope = compiled_schema(schema_path(DocKind::events), true);
    }
    append(problems, check_event(event, where));
    if (event.is_object() && event.contains("seq") && event["seq"].is_number_integer()) {
      check_seq(event["seq"].get<std::int64_t>(), previous_seq, display, line_number, problems);
    }
  }
  return problems;
}

struct Checked {
  std::vector<Problem> problems;
  json doc;
};

Checked check_document(std::string_view text, DocKind kind, const std::string& display, const json& overrides = nullptr,
                       JournalReader reader = JournalReader::fast) {
  Checked out;
  if (kind == DocKind::events) {
    out.problems = check_events(text, display, reader);
    return out;
  }
  const auto parsed = core::parse_json(text,
                                       kind == DocKind::config ? core::JsonDialect::jsonc : core::JsonDialect::strict);
  if (!parsed.ok) {
    out.problems.push_back(parse_problem(display, parsed.error));
    return out;
  }
  out.doc = parsed.value;
  if (kind == DocKind::config) {
    out.problems = core::check_config_layers(config_schema(), out.doc, display, overrides);
    return out;
  }
  const Compiled* compiled = compiled_schema(schema_path(kind), true);
  out.problems = core::check_schema(out.doc, compiled->validator, compiled->schema, display);
  if (kind == DocKind::prd) {
    append(out.problems, core::check_prd(out.doc, display));
  }
  return out;
}

std::string display_of(const std::filesystem::path& path, const std::string& display) {
  return display.empty() ? path.string() : display;
}

template <class T>
Loaded<T> load_typed(const std::filesystem::path& path, DocKind kind, const std::string& display,
                     Links links = Links::follow) {
  const std::string name = display_of(path, display);
  auto bytes = read_bytes(path, name, links);
  if (std::holds_alternative<Problem>(bytes)) {
    return std::vector<Problem>{std::get<Problem>(std::move(bytes))};
  }
  Checked checked = check_document(std::get<std::string>(bytes), kind, name);
  if (!checked.problems.empty()) {
    return std::move(checked.problems);
  }
  return checked.doc.template get<T>();
}

}  // namespace

std::string_view to_string(DocKind kind) {
  for (const auto& [value, name] : k_kinds) {
    if (value == kind) {
      return name;
    }
  }
  return "config";
}

std::optional<DocKind> kind_from_name(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  if (name == "simmer.json") {
    return DocKind::config;
  }
  if (name == "events.jsonl") {
    return DocKind::events;
  }
  for (const auto& [kind, stem] : k_kinds) {
    if (kind != DocKind::config && kind != DocKind::events && name == fmt::format("{}.json", stem)) {
      return kind;
    }
  }
  return std::nullopt;
}

std::string_view schema_text(DocKind kind) {
  const std::string path = schema_path(kind);
  const auto text = resource(path);
  if (!text) {
    throw Error(ExitCode::schema_unusable, fmt::format("missing embedded schema ({}): the binary is incomplete", path));
  }
  return *text;
}

std::vector<core::Problem> check_text(std::string_view text, DocKind kind, const std::string& display,
                                      JournalReader reader) {
  return check_document(text, kind, display, nullptr, reader).problems;
}

std::vector<core::Problem> check_file(const std::filesystem::path& path, DocKind kind, const std::string& display) {
  const std::string name = display_of(path, display);
  auto bytes = read_bytes(path, name);
  if (std::holds_alternative<Problem>(bytes)) {
    return {std::get<Problem>(std::move(bytes))};
  }
  return check_text(std::get<std::string>(bytes), kind, name);
}

Loaded<core::Prd> load_prd(const std::filesystem::path& path, const std::string& display) {
  return load_typed<core::Prd>(path, DocKind::prd, display);
}

Loaded<core::Task> load_task(const std::filesystem::path& path, const std::string& display) {
  return load_typed<core::Task>(path, DocKind::task, display, Links::refuse);
}

Loaded<core::Build> load_build(const std::filesystem::path& path, const std::string& display) {
  return load_typed<core::Build>(path, DocKind::build, display, Links::refuse);
}

Loaded<core::Verdict> load_verdict(const std::filesystem::path& path, const std::string& display) {
  return load_typed<core::Verdict>(path, DocKind::verdict, display, Links::refuse);
}

Loaded<core::Progress> load_progress(const std::filesystem::path& path, const std::string& display) {
  return load_typed<core::Progress>(path, DocKind::progress, display);
}

Loaded<json> load_state(const std::filesystem::path& path, const std::string& display) {
  return load_typed<json>(path, DocKind::state, display);
}

const core::CompiledSchema& config_schema() { return *compiled_schema(schema_path(DocKind::config), true); }

Loaded<core::Config> load_config(const std::filesystem::path& path, const nlohmann::json& overrides,
                                 const std::string& display) {
  const std::string name = display_of(path, display);
  json doc = nullptr;
  if (util::exists(path)) {
    auto bytes = read_bytes(path, name);
    if (std::holds_alternative<Problem>(bytes)) {
      return std::vector<Problem>{std::get<Problem>(std::move(bytes))};
    }
    Checked checked = check_document(std::get<std::string>(bytes), DocKind::config, name, overrides);
    if (!checked.problems.empty()) {
      return std::move(checked.problems);
    }
    doc = std::move(checked.doc);
  } else {
    std::vector<Problem> problems = core::check_config_layers(config_schema(), doc, name, overrides);
    if (!problems.empty()) {
      return problems;
    }
  }
  auto resolved = core::resolve_config(config_schema(), doc, name, overrides);
  if (!resolved) {
    // check_config_layers said yes above, so this is a disagreement between the checks and the reader.
    throw Error(ExitCode::failure, resolved.failure().message);
  }
  return std::move(resolved.value());
}

bool event_valid(const nlohmann::json& event) {
  const Compiled* envelope = compiled_schema(schema_path(DocKind::events), true);
  if (!envelope->validator.is_valid(event)) {
    return false;
  }
  const Compiled* data_schema = data_schema_of(event);
  return data_schema == nullptr || data_schema->validator.is_valid(event["data"]);
}

bool event_valid_simdjson(const simdjson::dom::element& event) {
  const Compiled* envelope = compiled_schema(schema_path(DocKind::events), true);
  if (!envelope->validator.is_valid_simdjson(event)) {
    return false;
  }
  simdjson::dom::object object;
  simdjson::dom::element kind_value;
  simdjson::dom::element data;
  std::string_view kind;
  // The envelope passed: an object with a string kind and an object data.
  if (event.get(object) != simdjson::SUCCESS || object.at_key("kind").get(kind_value) != simdjson::SUCCESS ||
      kind_value.get_string().get(kind) != simdjson::SUCCESS || object.at_key("data").get(data) != simdjson::SUCCESS) {
    return false;
  }
  const bool plain_name = kind.find_first_of("/.") == std::string_view::npos && !kind.empty();
  const Compiled* data_schema = plain_name ? compiled_schema(fmt::format("schemas/events/{}.json", kind), false)
                                           : nullptr;
  return data_schema == nullptr || data_schema->validator.is_valid_simdjson(data);
}

std::vector<core::Problem> check_event(const nlohmann::json& event, const std::string& where) {
  const Compiled* envelope = compiled_schema(schema_path(DocKind::events), true);
  std::vector<Problem> problems = core::check_schema(event, envelope->validator, envelope->schema, where);
  if (const Compiled* data_schema = data_schema_of(event)) {
    for (auto& p : core::check_schema(event["data"], data_schema->validator, data_schema->schema, where)) {
      p.pointer = "/data" + p.pointer;
      problems.push_back(std::move(p));
    }
  }
  return problems;
}

Failure to_failure(const std::vector<core::Problem>& problems) {
  Failure failure;
  failure.code = ExitCode::invalid_input;
  if (problems.empty()) {
    failure.message = "invalid document: no details";
    return failure;
  }
  failure.message = problems.front().to_error();
  for (std::size_t i = 1; i < problems.size(); ++i) {
    failure.message += "\n" + problems[i].to_line();
  }
  return failure;
}

}  // namespace simmer::store
