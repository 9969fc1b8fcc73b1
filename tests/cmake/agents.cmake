# Test executables of the agents area: the fake model server the real agent CLIs talk to in end-to-end tests,
# and a small driver that runs one agent session through simmer's own supervisor (agents/session.hpp).
# cpp-httplib (Debian's libcpp-httplib, built with OpenSSL) serves the fake model only; simmer itself has its own
# small HTTP server (src/web/http.hpp) so its processes do not load libssl at every start.
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
add_executable(fake_model_server
  "${CMAKE_CURRENT_SOURCE_DIR}/fake_model_server/main.cpp"
  "${CMAKE_CURRENT_SOURCE_DIR}/fake_model_server/scenario.cpp"
  "${CMAKE_CURRENT_SOURCE_DIR}/fake_model_server/server.cpp"
  "${CMAKE_CURRENT_SOURCE_DIR}/fake_model_server/usage_model.cpp")
target_include_directories(fake_model_server PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}/fake_model_server")
target_link_libraries(fake_model_server PRIVATE PkgConfig::HTTPLIB nlohmann_json::nlohmann_json Threads::Threads
                                                simmer_warnings simmer_sanitize)
target_compile_features(fake_model_server PRIVATE cxx_std_20)

add_executable(agent_session_driver "${CMAKE_CURRENT_SOURCE_DIR}/fake_model_server/session_driver.cpp")
target_link_libraries(agent_session_driver PRIVATE simmer_lib simmer_warnings)
