#include "scenario.hpp"

#include "usage_model.hpp"

#include <stdexcept>

namespace fake {
namespace {

Usage read_usage(const nlohmann::json& j) {
  Usage u;
  if (!j.is_object()) {
    return u;
  }
  u.input = j.value("input", std::int64_t{0});
  u.output = j.value("output", std::int64_t{0});
  u.cache_read = j.value("cacheRead", std::int64_t{0});
  u.cache_write = j.value("cacheWrite", std::int64_t{0});
  return u;
}

}  // namespace

Scenario parse_scenario(const nlohmann::json& doc) {
  Scenario s;
  if (!doc.is_object() || !doc.contains("conversations") || !doc["conversations"].is_array()) {
    throw std::runtime_error("scenario: expected an object with a \"conversations\" array");
  }
  if (doc.contains("sideUsage")) {
    s.side_usage = read_usage(doc["sideUsage"]);
  }
  if (doc.contains("usageModel")) {
    s.usage_model = parse_usage_model(doc["usageModel"]);
  }
  for (const auto& c : doc["conversations"]) {
    Conversation conv;
    conv.marker = c.value("marker", std::string());
    if (conv.marker.empty()) {
      throw std::runtime_error("scenario: every conversation needs a \"marker\"");
    }
    const nlohmann::json turns = c.value("turns", nlohmann::json::array());
    for (const auto& t : turns) {
      Turn turn;
      turn.text = t.value("text", std::string());
      turn.usage = read_usage(t.value("usage", nlohmann::json::object()));
      turn.hang = t.value("hang", false);
      const nlohmann::json calls = t.value("tool_calls", nlohmann::json::array());
      for (const auto& call : calls) {
        turn.tool_calls.push_back({call.value("name", std::string()), call.value("input", nlohmann::json::object())});
      }
      if (t.contains("error")) {
        const auto& e = t["error"];
        ErrorReply reply;
        reply.status = e.value("status", 500);
        reply.times = e.value("times", 1);
        reply.message = e.value("message", std::string("fake model server error"));
        const nlohmann::json headers = e.value("headers", nlohmann::json::object());
        for (const auto& [k, v] : headers.items()) {
          reply.headers[k] = v.is_string() ? v.get<std::string>() : v.dump();
        }
        turn.error = reply;
      }
      conv.turns.push_back(std::move(turn));
    }
    s.conversations.push_back(std::move(conv));
  }
  return s;
}

const Conversation* Player::find(const std::string& body) const {
  const Conversation* best = nullptr;
  std::size_t best_pos = std::string::npos;
  for (const auto& c : m_scenario.conversations) {
    auto pos = body.find(c.marker);
    if (pos != std::string::npos && pos < best_pos) {
      best = &c;
      best_pos = pos;
    }
  }
  return best;
}

Step Player::next(const Conversation& conversation) {
  int& cursor = m_cursor[conversation.marker];
  if (cursor >= static_cast<int>(conversation.turns.size())) {
    return {};
  }
  const Turn& turn = conversation.turns[static_cast<std::size_t>(cursor)];
  Step step{&turn, cursor};
  if (turn.error) {
    int& count = m_error_count[conversation.marker];
    if (++count >= turn.error->times) {
      count = 0;
      ++cursor;
    }
  } else {
    ++cursor;
  }
  return step;
}

}  // namespace fake
