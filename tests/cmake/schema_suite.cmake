# The JSON-Schema-Test-Suite runner (draft-07) and the validator benchmark executable.
# Included from tests/CMakeLists.txt; the suite itself is Debian's json-schema-test-suite package.

set(SIMMER_SCHEMA_SUITE_DIR "/usr/share/json-schema-test-suite/tests/draft7"
    CACHE PATH "draft7 directory of the official JSON-Schema-Test-Suite")

add_executable(schema_suite_runner "${CMAKE_SOURCE_DIR}/tests/schema_suite/runner.cpp")
target_link_libraries(schema_suite_runner PRIVATE simmer_lib simmer_warnings)
add_test(NAME schema_suite.draft7 COMMAND schema_suite_runner "${SIMMER_SCHEMA_SUITE_DIR}")
set_tests_properties(schema_suite.draft7 PROPERTIES LABELS schema_suite SKIP_RETURN_CODE 77)

# bench/validate/run.sh builds this in a Release tree of its own. It compiles the validator's sources (and the
# strict reader its slow path uses) directly rather than linking simmer_lib, so the benchmark needs only the
# validator to build. Not part of `all`.
file(GLOB SIMMER_SCHEMA_SOURCES CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/src/core/schema*.cpp")
add_executable(bench_validate EXCLUDE_FROM_ALL "${CMAKE_SOURCE_DIR}/bench/validate/bench_validate.cpp"
                                               ${SIMMER_SCHEMA_SOURCES} "${CMAKE_SOURCE_DIR}/src/core/jsonc.cpp")
target_compile_features(bench_validate PRIVATE cxx_std_20)
target_include_directories(bench_validate PRIVATE "${CMAKE_SOURCE_DIR}/src")
target_link_libraries(bench_validate PRIVATE nlohmann_json::nlohmann_json simdjson::simdjson fmt::fmt
                                             simmer_warnings)
