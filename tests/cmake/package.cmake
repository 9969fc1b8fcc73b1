# tests/package/: the packages installed for real (label `package`, `ctest -L package`). Outside the e2e glob so
# that a quick `ctest -L e2e` does not build a Debian root. Not in the sanitizer build: a package holds the
# optimised binary (scripts/test.sh runs it on build/).
if(SIMMER_SANITIZE)
  return()
endif()
file(GLOB scripts CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/package/test_*.sh")
foreach(script IN LISTS scripts)
  get_filename_component(name "${script}" NAME_WE)
  string(REGEX REPLACE "^test_" "" name "${name}")
  add_test(NAME "package.${name}" COMMAND bash "${script}")
  set_tests_properties("package.${name}" PROPERTIES
    LABELS package
    TIMEOUT 900
    RUN_SERIAL ON
    ENVIRONMENT "SIMMER=$<TARGET_FILE:simmer>;SIMMER_SOURCE_DIR=${CMAKE_SOURCE_DIR};SIMMER_BUILD_DIR=${CMAKE_BINARY_DIR}")
endforeach()
