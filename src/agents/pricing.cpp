// Implementation notes: the built-in prices are list prices in USD per million tokens (standard tier, prompts
// under 200k tokens) as published by each vendor when this table was written. They only matter for CLIs that do
// not report a cost; a user with other prices overrides them under `pricing` in simmer.json.

#include "agents/pricing.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

namespace simmer::agents {

const PriceTable& builtin_prices() {
  static const PriceTable k_prices = {
      // Anthropic (Claude Code reports its own cost; these serve `command` agents and overrides)
      {"claude-opus-4-5", {5.0, 25.0, 0.50, 6.25}},
      {"claude-opus-4-6", {5.0, 25.0, 0.50, 6.25}},
      {"claude-opus-4-7", {5.0, 25.0, 0.50, 6.25}},
      {"claude-opus-4-8", {5.0, 25.0, 0.50, 6.25}},
      {"claude-opus-4", {15.0, 75.0, 1.50, 18.75}},
      {"claude-sonnet-4", {3.0, 15.0, 0.30, 3.75}},
      {"claude-haiku-4", {1.0, 5.0, 0.10, 1.25}},
      {"claude-3-7-sonnet", {3.0, 15.0, 0.30, 3.75}},
      {"claude-3-5-haiku", {0.80, 4.0, 0.08, 1.0}},
      // OpenAI (Codex): cached input is billed at the cache-read price; no cache-write charge
      {"gpt-5", {1.25, 10.0, 0.125, 0.0}},
      {"gpt-5-mini", {0.25, 2.0, 0.025, 0.0}},
      {"gpt-5-nano", {0.05, 0.40, 0.005, 0.0}},
      {"gpt-5.1", {1.25, 10.0, 0.125, 0.0}},
      {"gpt-5.2", {1.75, 14.0, 0.175, 0.0}},
      {"gpt-4.1", {2.0, 8.0, 0.50, 0.0}},
      {"o4-mini", {1.10, 4.40, 0.275, 0.0}},
      {"o3", {2.0, 8.0, 0.50, 0.0}},
      // Google (Gemini CLI)
      {"gemini-2.5-pro", {1.25, 10.0, 0.31, 0.0}},
      {"gemini-2.5-flash", {0.30, 2.50, 0.075, 0.0}},
      {"gemini-2.5-flash-lite", {0.10, 0.40, 0.025, 0.0}},
      {"gemini-3-pro", {2.0, 12.0, 0.20, 0.0}},
      {"gemini-3-flash", {0.50, 3.0, 0.05, 0.0}},
  };
  return k_prices;
}

Result<PriceTable> parse_pricing(const nlohmann::json& pricing) {
  PriceTable table;
  if (pricing.is_null()) {
    return table;
  }
  if (!pricing.is_object()) {
    return Failure{fmt::format("pricing (simmer.json#/pricing): expected an object, found {}", pricing.dump())};
  }
  for (const auto& [model, entry] : pricing.items()) {
    const std::string where = "simmer.json#/pricing/" + model;
    if (!entry.is_object()) {
      return Failure{fmt::format("pricing ({}): expected an object, found {}", where, entry.dump())};
    }
    ModelPrice price;
    const std::pair<const char*, double*> fields[] = {{"input", &price.input},
                                                      {"output", &price.output},
                                                      {"cacheRead", &price.cache_read},
                                                      {"cacheWrite", &price.cache_write}};
    for (const auto& [key, target] : fields) {
      auto it = entry.find(key);
      if (it == entry.end()) {
        continue;
      }
      if (!it->is_number() || it->get<double>() < 0) {
        return Failure{
            fmt::format("pricing ({}/{}): expected a non-negative number, found {}", where, key, it->dump())};
      }
      *target = it->get<double>();
    }
    table[model] = price;
  }
  return table;
}

namespace {

std::optional<ModelPrice> lookup(const PriceTable& table, std::string_view model) {
  if (auto exact = table.find(std::string(model)); exact != table.end()) {
    return exact->second;
  }
  const ModelPrice* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& [key, price] : table) {
    if (!key.empty() && model.substr(0, key.size()) == key && key.size() > best_length) {
      best = &price;
      best_length = key.size();
    }
  }
  return best != nullptr ? std::optional<ModelPrice>(*best) : std::nullopt;
}

}  // namespace

std::optional<ModelPrice> find_price(const PriceTable& overrides, std::string_view model) {
  if (model.empty()) {
    return std::nullopt;
  }
  if (auto price = lookup(overrides, model)) {
    return price;
  }
  return lookup(builtin_prices(), model);
}

double cost_usd(const ModelPrice& price, const Tokens& tokens) {
  return (static_cast<double>(tokens.input) * price.input + static_cast<double>(tokens.output) * price.output +
          static_cast<double>(tokens.cache_read) * price.cache_read +
          static_cast<double>(tokens.cache_write) * price.cache_write) /
         1e6;
}

}  // namespace simmer::agents
