# The dashboard's browser tests (tests/browser/): headless Debian chromium driven by playwright-core, watching a
# real `simmer cook` (the todo demo; a scripted run steered from the page's buttons). Exit 77 (skipped) when
# chromium, node or playwright-core is missing.
foreach(name IN ITEMS dashboard_live dashboard_steer dashboard_activity dashboard_lanes_activity)
  add_test(NAME browser.${name} COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/browser/run.sh" ${name})
  set_tests_properties(browser.${name} PROPERTIES
    LABELS browser
    SKIP_RETURN_CODE 77
    TIMEOUT 300
    ENVIRONMENT "SIMMER=$<TARGET_FILE:simmer>;SIMMER_SOURCE_DIR=${CMAKE_SOURCE_DIR};SIMMER_TEST_OUT=${CMAKE_BINARY_DIR}/test-out")
endforeach()
