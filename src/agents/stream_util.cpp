#include "agents/stream_util.hpp"

namespace simmer::agents::detail {
namespace {

const nlohmann::json& null_json() {
  static const nlohmann::json k_null;
  return k_null;
}

const nlohmann::json* field(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) {
    return nullptr;
  }
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::size_t utf8_cut(std::string_view text, std::size_t max) {
  if (text.size() <= max) {
    return text.size();
  }
  std::size_t cut = max;
  // Step back over continuation bytes so a multi-byte character is never split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return cut;
}

}  // namespace

nlohmann::json parse_object(std::string_view line) {
  auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (!j.is_object()) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
  return j;
}

std::string get_string(const nlohmann::json& j, std::string_view key, std::string fallback) {
  const auto* v = field(j, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : fallback;
}

std::int64_t get_int(const nlohmann::json& j, std::string_view key, std::int64_t fallback) {
  const auto* v = field(j, key);
  if (v == nullptr || !v->is_number()) {
    return fallback;
  }
  return v->is_number_float() ? static_cast<std::int64_t>(v->get<double>()) : v->get<std::int64_t>();
}

double get_number(const nlohmann::json& j, std::string_view key, double fallback) {
  const auto* v = field(j, key);
  return v != nullptr && v->is_number() ? v->get<double>() : fallback;
}

bool get_bool(const nlohmann::json& j, std::string_view key, bool fallback) {
  const auto* v = field(j, key);
  return v != nullptr && v->is_boolean() ? v->get<bool>() : fallback;
}

const nlohmann::json& get_object(const nlohmann::json& j, std::string_view key) {
  const auto* v = field(j, key);
  return v != nullptr && v->is_object() ? *v : null_json();
}

const nlohmann::json& get_array(const nlohmann::json& j, std::string_view key) {
  const auto* v = field(j, key);
  return v != nullptr && v->is_array() ? *v : null_json();
}

std::string bounded(std::string_view text, std::size_t max) { return std::string(text.substr(0, utf8_cut(text, max))); }

std::string tail(std::string_view text, std::size_t max) {
  if (text.size() <= max) {
    return std::string(text);
  }
  std::size_t start = text.size() - max;
  // Step forward over continuation bytes so a multi-byte character is never split.
  while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
    ++start;
  }
  return std::string(text.substr(start));
}

std::string preview(std::string_view text, std::size_t max) {
  std::size_t cut = utf8_cut(text, max);
  std::string out(text.substr(0, cut));
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') {
      c = ' ';
    }
  }
  if (cut < text.size()) {
    out += "\xE2\x80\xA6";
  }
  return out;
}

std::string preview_tool_input(const nlohmann::json& input, std::size_t max) {
  // The keys the CLIs use for the thing a tool acts on, most telling first.
  for (const char* key :
       {"file_path", "path", "absolute_path", "command", "cmd", "pattern", "url", "query", "description"}) {
    const auto* v = field(input, key);
    if (v != nullptr && v->is_string()) {
      return preview(v->get<std::string>(), max);
    }
    if (v != nullptr && v->is_array()) {
      // codex passes its shell command as an argv array
      std::string joined;
      for (const auto& part : *v) {
        if (part.is_string()) {
          joined += (joined.empty() ? "" : " ") + part.get<std::string>();
        }
      }
      return preview(joined, max);
    }
  }
  if (input.is_null()) {
    return {};
  }
  return preview(input.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), max);
}

}  // namespace simmer::agents::detail
