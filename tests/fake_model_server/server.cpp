// Implementation notes
// - Anthropic Messages (POST /v1/messages, streaming SSE or one JSON), OpenAI Responses (POST /v1/responses, SSE)
//   and Gemini (POST /v1beta/models/<model>:streamGenerateContent?alt=sse | :generateContent | :countTokens).
// - A "main" request is one that offers tools: the agent loop itself. Side requests (titles, topic checks, Gemini's
//   next-speaker check and model router) get a small generic answer so the CLIs carry on.
// - Every request, answered or not, is logged with its parsed body, so tests can check what a CLI sent (e.g. that a
//   resumed session's request carries the earlier conversation).

#include "server.hpp"

#include "usage_model.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

namespace fake {
namespace {

using nlohmann::json;

std::atomic<bool> g_stop{false};
httplib::Server* g_server = nullptr;

void on_signal(int) { g_stop = true; }

std::string sse(const std::string& event, const json& data) {
  std::string out;
  if (!event.empty()) {
    out += "event: " + event + "\n";
  }
  out += "data: " + data.dump() + "\n\n";
  return out;
}

std::string id_for(const std::string& prefix, int seq, std::size_t n = 0) {
  return prefix + std::to_string(seq) + "_" + std::to_string(n);
}

// The input of a tool call as the JSON text the APIs carry in their argument strings.
std::string arguments_text(const ToolCall& call) {
  return call.input.is_string() ? call.input.get<std::string>() : call.input.dump();
}

class Handler {
public:
  Handler(Scenario scenario, const std::string& log_path)
      : m_meter(scenario.usage_model), m_player(std::move(scenario)), m_log(log_path, std::ios::app) {}

  void handle(const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded()) {
      body = req.body;
    }
    std::string api = "other";
    const std::string& path = req.path;
    if (path.rfind("/v1/messages", 0) == 0) {
      api = "anthropic";
    } else if (path.find("/responses") != std::string::npos) {
      api = "openai";
    } else if (path.find(":streamGenerateContent") != std::string::npos ||
               path.find(":generateContent") != std::string::npos || path.find(":countTokens") != std::string::npos) {
      api = "gemini";
    }

    const bool main_request = has_tools(api, body) && path.find("count") == std::string::npos &&
                              path.find(":countTokens") == std::string::npos;
    const Conversation* conversation = nullptr;
    Step step;
    int seq = 0;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      seq = ++m_seq;
      if (main_request) {
        conversation = m_player.find(req.body);
        if (conversation != nullptr) {
          step = m_player.next(*conversation);
        }
      }
    }

    int status = 200;
    std::optional<Usage> usage;  // what an answer reported
    if (api == "anthropic" && path.find("count_tokens") != std::string::npos) {
      res.set_content(json{{"input_tokens", 100}}.dump(), "application/json");
    } else if (api == "gemini" && path.find(":countTokens") != std::string::npos) {
      res.set_content(json{{"totalTokens", 100}}.dump(), "application/json");
    } else if (api == "other") {
      status = 404;
      res.status = 404;
      res.set_content(json{{"error", {{"message", "not served by the fake model server"}}}}.dump(), "application/json");
    } else if (step.turn != nullptr && step.turn->error) {
      status = step.turn->error->status;
      answer_error(api, *step.turn->error, res);
    } else if (step.turn != nullptr && step.turn->hang) {
      res.set_chunked_content_provider("text/event-stream", [](std::size_t, httplib::DataSink&) {
        // Never answer: the CLI's (or simmer's) timeout must deal with it.
        while (!g_stop) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
      });
    } else {
      Turn answered;
      if (step.turn != nullptr) {
        answered = *step.turn;
      } else {
        answered.text = main_request ? "done" : side_text(api);
        answered.usage = m_player.scenario().side_usage;
      }
      if (m_meter.model().enabled) {
        std::lock_guard<std::mutex> lock(m_mutex);
        answered.usage = m_meter.input_usage(api, body);
        answered.usage.output = m_meter.output_tokens(answered);
      }
      usage = answered.usage;
      answer(api, path, body, answered, seq, res);
    }

    json entry = {
        {"seq", seq},           {"api", api},
        {"method", req.method}, {"path", path},
        {"main", main_request}, {"conversation", conversation != nullptr ? json(conversation->marker) : json(nullptr)},
        {"turn", step.index},   {"status", status},
        {"body", body}};
    if (usage) {
      entry["usage"] = {{"input", usage->input},
                        {"output", usage->output},
                        {"cacheRead", usage->cache_read},
                        {"cacheWrite", usage->cache_write}};
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    m_log << entry.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    m_log.flush();
  }

private:
  static bool has_tools(const std::string& api, const json& body) {
    if (!body.is_object()) {
      return false;
    }
    if (api == "gemini") {
      auto tools = body.find("tools");
      if (tools == body.end() || !tools->is_array()) {
        return false;
      }
      for (const auto& t : *tools) {
        if (t.contains("functionDeclarations") && !t["functionDeclarations"].empty()) {
          return true;
        }
      }
      return false;
    }
    auto tools = body.find("tools");
    return tools != body.end() && tools->is_array() && !tools->empty();
  }

  static std::string side_text(const std::string& api) {
    if (api == "gemini") {
      // Gemini CLI's side calls ask for JSON: the next-speaker check and the model router.
      return R"({"reasoning":"fake model server","next_speaker":"user","model_choice":"flash"})";
    }
    return "ok";
  }

  static void answer_error(const std::string& api, const ErrorReply& error, httplib::Response& res) {
    res.status = error.status;
    for (const auto& [k, v] : error.headers) {
      res.set_header(k, v);
    }
    json body;
    if (api == "anthropic") {
      std::string type = error.status == 529   ? "overloaded_error"
                         : error.status == 429 ? "rate_limit_error"
                         : error.status == 401 ? "authentication_error"
                         : error.status >= 500 ? "api_error"
                                               : "invalid_request_error";
      body = {{"type", "error"}, {"error", {{"type", type}, {"message", error.message}}}};
    } else if (api == "openai") {
      std::string type = error.status == 429   ? "rate_limit_exceeded"
                         : error.status >= 500 ? "server_error"
                                               : "invalid_request_error";
      body = {{"error", {{"message", error.message}, {"type", type}, {"code", type}}}};
    } else {
      std::string status = error.status == 429   ? "RESOURCE_EXHAUSTED"
                           : error.status == 503 ? "UNAVAILABLE"
                           : error.status >= 500 ? "INTERNAL"
                                                 : "INVALID_ARGUMENT";
      body = {{"error", {{"code", error.status}, {"message", error.message}, {"status", status}}}};
    }
    res.set_content(body.dump(), "application/json");
  }

  static void answer(const std::string& api, const std::string& path, const json& body, const Turn& turn, int seq,
                     httplib::Response& res) {
    const bool stream = api == "openai" || path.find(":streamGenerateContent") != std::string::npos ||
                        (body.is_object() && body.value("stream", false));
    std::string model = body.is_object() ? body.value("model", std::string("fake-model")) : "fake-model";
    if (api == "gemini") {
      auto start = path.find("/models/");
      auto colon = path.rfind(':');
      if (start != std::string::npos && colon != std::string::npos && colon > start + 8) {
        model = path.substr(start + 8, colon - start - 8);
      }
    }
    std::string payload;
    std::string content_type = "text/event-stream";
    if (api == "anthropic") {
      if (stream) {
        payload = anthropic_stream(turn, model, seq);
      } else {
        payload = anthropic_message(turn, model, seq).dump();
        content_type = "application/json";
      }
    } else if (api == "openai") {
      payload = openai_stream(turn, model, seq);
    } else {
      json chunk = gemini_chunk(turn, model);
      if (stream) {
        payload = "data: " + chunk.dump() + "\r\n\r\n";
      } else {
        payload = chunk.dump();
        content_type = "application/json";
      }
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_content(payload, content_type);
  }

  static json anthropic_usage(const Usage& u) {
    return {{"input_tokens", u.input},
            {"output_tokens", u.output},
            {"cache_read_input_tokens", u.cache_read},
            {"cache_creation_input_tokens", u.cache_write}};
  }

  static json anthropic_content(const Turn& turn, int seq) {
    json content = json::array();
    if (!turn.text.empty()) {
      content.push_back({{"type", "text"}, {"text", turn.text}});
    }
    for (std::size_t i = 0; i < turn.tool_calls.size(); ++i) {
      content.push_back({{"type", "tool_use"},
                         {"id", id_for("toolu_fake", seq, i)},
                         {"name", turn.tool_calls[i].name},
                         {"input", turn.tool_calls[i].input}});
    }
    return content;
  }

  static json anthropic_message(const Turn& turn, const std::string& model, int seq) {
    return {{"id", id_for("msg_fake", seq)},
            {"type", "message"},
            {"role", "assistant"},
            {"model", model},
            {"content", anthropic_content(turn, seq)},
            {"stop_reason", turn.tool_calls.empty() ? "end_turn" : "tool_use"},
            {"stop_sequence", nullptr},
            {"usage", anthropic_usage(turn.usage)}};
  }

  static std::string anthropic_stream(const Turn& turn, const std::string& model, int seq) {
    std::string out;
    json start_usage = anthropic_usage(turn.usage);
    start_usage["output_tokens"] = 1;
    out += sse("message_start", {{"type", "message_start"},
                                 {"message",
                                  {{"id", id_for("msg_fake", seq)},
                                   {"type", "message"},
                                   {"role", "assistant"},
                                   {"model", model},
                                   {"content", json::array()},
                                   {"stop_reason", nullptr},
                                   {"stop_sequence", nullptr},
                                   {"usage", start_usage}}}});
    int index = 0;
    if (!turn.text.empty()) {
      out += sse("content_block_start", {{"type", "content_block_start"},
                                         {"index", index},
                                         {"content_block", {{"type", "text"}, {"text", ""}}}});
      // Two deltas, as a real stream splits text.
      const std::size_t half = turn.text.size() / 2;
      for (const auto& piece : {turn.text.substr(0, half), turn.text.substr(half)}) {
        out += sse("content_block_delta", {{"type", "content_block_delta"},
                                           {"index", index},
                                           {"delta", {{"type", "text_delta"}, {"text", piece}}}});
      }
      out += sse("content_block_stop", {{"type", "content_block_stop"}, {"index", index}});
      ++index;
    }
    for (std::size_t i = 0; i < turn.tool_calls.size(); ++i) {
      const auto& call = turn.tool_calls[i];
      out += sse("content_block_start", {{"type", "content_block_start"},
                                         {"index", index},
                                         {"content_block",
                                          {{"type", "tool_use"},
                                           {"id", id_for("toolu_fake", seq, i)},
                                           {"name", call.name},
                                           {"input", json::object()}}}});
      const std::string args = arguments_text(call);
      const std::size_t half = args.size() / 2;
      for (const auto& piece : {args.substr(0, half), args.substr(half)}) {
        out += sse("content_block_delta", {{"type", "content_block_delta"},
                                           {"index", index},
                                           {"delta", {{"type", "input_json_delta"}, {"partial_json", piece}}}});
      }
      out += sse("content_block_stop", {{"type", "content_block_stop"}, {"index", index}});
      ++index;
    }
    out += sse("message_delta",
               {{"type", "message_delta"},
                {"delta",
                 {{"stop_reason", turn.tool_calls.empty() ? "end_turn" : "tool_use"}, {"stop_sequence", nullptr}}},
                {"usage", anthropic_usage(turn.usage)}});
    out += sse("message_stop", {{"type", "message_stop"}});
    return out;
  }

  static std::string openai_stream(const Turn& turn, const std::string& model, int seq) {
    std::string out;
    const std::string response_id = id_for("resp_fake", seq);
    json response = {{"id", response_id},
                     {"object", "response"},
                     {"model", model},
                     {"status", "in_progress"},
                     {"output", json::array()}};
    out += sse("response.created", {{"type", "response.created"}, {"response", response}});
    int index = 0;
    json output = json::array();
    if (!turn.text.empty()) {
      const std::string item_id = id_for("msg_fake", seq);
      json added = {{"type", "message"},
                    {"id", item_id},
                    {"role", "assistant"},
                    {"status", "in_progress"},
                    {"content", json::array()}};
      out += sse("response.output_item.added",
                 {{"type", "response.output_item.added"}, {"output_index", index}, {"item", added}});
      out += sse("response.output_text.delta", {{"type", "response.output_text.delta"},
                                                {"item_id", item_id},
                                                {"output_index", index},
                                                {"content_index", 0},
                                                {"delta", turn.text}});
      json item = {{"type", "message"},
                   {"id", item_id},
                   {"role", "assistant"},
                   {"status", "completed"},
                   {"content",
                    json::array({{{"type", "output_text"}, {"text", turn.text}, {"annotations", json::array()}}})}};
      out += sse("response.output_item.done",
                 {{"type", "response.output_item.done"}, {"output_index", index}, {"item", item}});
      output.push_back(item);
      ++index;
    }
    for (std::size_t i = 0; i < turn.tool_calls.size(); ++i) {
      const auto& call = turn.tool_calls[i];
      json item;
      if (call.input.is_string()) {
        item = {{"type", "custom_tool_call"},
                {"id", id_for("ctc_fake", seq, i)},
                {"call_id", id_for("call_fake", seq, i)},
                {"name", call.name},
                {"input", call.input.get<std::string>()},
                {"status", "completed"}};
      } else {
        item = {{"type", "function_call"}, {"id", id_for("fc_fake", seq, i)}, {"call_id", id_for("call_fake", seq, i)},
                {"name", call.name},       {"arguments", call.input.dump()},  {"status", "completed"}};
      }
      out += sse("response.output_item.added",
                 {{"type", "response.output_item.added"}, {"output_index", index}, {"item", item}});
      out += sse("response.output_item.done",
                 {{"type", "response.output_item.done"}, {"output_index", index}, {"item", item}});
      output.push_back(item);
      ++index;
    }
    const Usage& u = turn.usage;
    response["status"] = "completed";
    response["output"] = output;
    response["usage"] = {{"input_tokens", u.input + u.cache_read},
                         {"input_tokens_details", {{"cached_tokens", u.cache_read}}},
                         {"output_tokens", u.output},
                         {"output_tokens_details", {{"reasoning_tokens", 0}}},
                         {"total_tokens", u.input + u.cache_read + u.output}};
    out += sse("response.completed", {{"type", "response.completed"}, {"response", response}});
    return out;
  }

  static json gemini_chunk(const Turn& turn, const std::string& model) {
    json parts = json::array();
    if (!turn.text.empty()) {
      parts.push_back({{"text", turn.text}});
    }
    for (const auto& call : turn.tool_calls) {
      parts.push_back({{"functionCall", {{"name", call.name}, {"args", call.input}}}});
    }
    const Usage& u = turn.usage;
    return {{"candidates",
             json::array(
                 {{{"content", {{"role", "model"}, {"parts", parts}}}, {"finishReason", "STOP"}, {"index", 0}}})},
            {"usageMetadata",
             {{"promptTokenCount", u.input + u.cache_read},
              {"cachedContentTokenCount", u.cache_read},
              {"candidatesTokenCount", u.output},
              {"totalTokenCount", u.input + u.cache_read + u.output}}},
            {"modelVersion", model}};
  }

  UsageMeter m_meter;
  Player m_player;
  std::ofstream m_log;
  std::mutex m_mutex;
  int m_seq = 0;
};

}  // namespace

int serve(Scenario scenario, const std::string& log_path, int port) {
  Handler handler(std::move(scenario), log_path);
  httplib::Server server;
  g_server = &server;
  auto route = [&](const httplib::Request& req, httplib::Response& res) { handler.handle(req, res); };
  server.Post(".*", route);
  server.Get(".*", route);
  server.Put(".*", route);
  server.Delete(".*", route);
  server.set_read_timeout(600, 0);
  server.set_write_timeout(600, 0);

  int bound = port;
  if (port == 0) {
    bound = server.bind_to_any_port("127.0.0.1");
  } else if (!server.bind_to_port("127.0.0.1", port)) {
    bound = -1;
  }
  if (bound <= 0) {
    throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port));
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  std::printf("%d\n", bound);
  std::fflush(stdout);

  std::thread watcher([&] {
    while (!g_stop) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    server.stop();
  });
  server.listen_after_bind();
  g_stop = true;
  watcher.join();
  return 0;
}

}  // namespace fake
