# The dashboard's browser test (tests/browser/): headless Debian chromium driven by playwright-core, watching a
# real `simmer cook` of the todo demo. Exit 77 (skipped) when chromium, node or playwright-core is missing.
add_test(NAME browser.dashboard_live COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/browser/run.sh")
set_tests_properties(browser.dashboard_live PROPERTIES
  LABELS browser
  SKIP_RETURN_CODE 77
  TIMEOUT 300
  ENVIRONMENT "SIMMER=$<TARGET_FILE:simmer>;SIMMER_SOURCE_DIR=${CMAKE_SOURCE_DIR};SIMMER_TEST_OUT=${CMAKE_BINARY_DIR}/test-out")
