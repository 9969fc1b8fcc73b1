#include "usage_model.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <vector>

namespace fake {
namespace {

using nlohmann::json;

struct Block {
  std::string bytes;  // compact JSON, cache_control left out
  bool breakpoint = false;
};

json without_cache_control(json block, bool& had) {
  if (block.is_object() && block.contains("cache_control")) {
    had = true;
    block.erase("cache_control");
  }
  return block;
}

void add(std::vector<Block>& out, const json& block, bool automatic) {
  bool had = false;
  json clean = without_cache_control(block, had);
  out.push_back({clean.dump(), automatic || had});
}

std::vector<Block> anthropic_blocks(const json& body) {
  std::vector<Block> out;
  for (const auto& tool : body.value("tools", json::array())) {
    add(out, tool, false);
  }
  const json system = body.value("system", json());
  if (system.is_string()) {
    add(out, json{{"type", "text"}, {"text", system}}, false);
  } else if (system.is_array()) {
    for (const auto& block : system) {
      add(out, block, false);
    }
  }
  for (const auto& message : body.value("messages", json::array())) {
    const std::string role = message.value("role", std::string());
    const json content = message.value("content", json());
    const json blocks = content.is_string() ? json::array({{{"type", "text"}, {"text", content}}}) : content;
    for (const auto& block : blocks) {
      bool had = false;
      json clean = without_cache_control(block, had);
      out.push_back({json{{"role", role}, {"block", clean}}.dump(), had});
    }
  }
  return out;
}

// OpenAI Responses and Gemini: every block a cache point, as their automatic prefix caching works.
std::vector<Block> automatic_blocks(const std::string& api, const json& body) {
  std::vector<Block> out;
  const char* instructions = api == "openai" ? "instructions" : "systemInstruction";
  const char* items = api == "openai" ? "input" : "contents";
  if (body.contains(instructions)) {
    add(out, body[instructions], true);
  }
  for (const auto& tool : body.value("tools", json::array())) {
    add(out, tool, true);
  }
  const json input = body.value(items, json());
  if (input.is_array()) {
    for (const auto& item : input) {
      add(out, item, true);
    }
  } else if (!input.is_null()) {
    add(out, input, true);
  }
  return out;
}

}  // namespace

UsageModel parse_usage_model(const json& value) {
  UsageModel model;
  if (value.is_boolean()) {
    model.enabled = value.get<bool>();
    return model;
  }
  if (!value.is_object()) {
    throw std::runtime_error("scenario: \"usageModel\" must be true or an object");
  }
  model.enabled = true;
  for (const auto& [key, v] : value.items()) {
    if (key == "bytesPerToken" && v.is_number_integer() && v.get<std::int64_t>() > 0) {
      model.bytes_per_token = v.get<std::int64_t>();
    } else if (key == "minCacheTokens" && v.is_number_integer() && v.get<std::int64_t>() >= 0) {
      model.min_cache_tokens = v.get<std::int64_t>();
    } else if (key == "cache" && v.is_boolean()) {
      model.cache = v.get<bool>();
    } else {
      throw std::runtime_error("scenario: \"usageModel\"/" + key +
                               ": expected bytesPerToken (integer > 0), minCacheTokens (integer >= 0) or cache "
                               "(boolean)");
    }
  }
  return model;
}

std::int64_t UsageMeter::tokens_of(const std::string& bytes) const {
  const auto n = static_cast<std::int64_t>(bytes.size());
  return (n + m_model.bytes_per_token - 1) / m_model.bytes_per_token;
}

Usage UsageMeter::input_usage(const std::string& api, const json& body) {
  Usage usage;
  if (!body.is_object()) {
    return usage;
  }
  const std::vector<Block> blocks = api == "anthropic" ? anthropic_blocks(body) : automatic_blocks(api, body);
  std::int64_t total = 0;
  std::int64_t read = 0;
  std::size_t digest = 0;
  std::vector<std::pair<std::size_t, std::int64_t>> writes;  // digest, tokens of the prefix it names
  for (const Block& block : blocks) {
    total += tokens_of(block.bytes);
    // A chain: each prefix's digest covers every block before it.
    digest = std::hash<std::string>{}(std::to_string(digest) + '\x1f' + block.bytes);
    if (m_model.cache && m_written.count(digest) != 0) {
      read = total;
    }
    if (block.breakpoint) {
      if (total >= m_model.min_cache_tokens) {
        writes.emplace_back(digest, total);
      }
    }
  }
  if (m_model.cache) {
    for (const auto& [d, tokens] : writes) {
      m_written.insert(d);
    }
  }
  usage.cache_read = read;
  if (m_model.cache && api == "anthropic" && !writes.empty()) {
    usage.cache_write = std::max<std::int64_t>(0, writes.back().second - read);
  }
  usage.input = total - usage.cache_read - usage.cache_write;
  return usage;
}

std::int64_t UsageMeter::output_tokens(const Turn& turn) const {
  std::string bytes = turn.text;
  for (const auto& call : turn.tool_calls) {
    bytes += call.name;
    bytes += call.input.is_string() ? call.input.get<std::string>() : call.input.dump();
  }
  return std::max<std::int64_t>(1, tokens_of(bytes));
}

}  // namespace fake
