# The include layering of src/ (ARCHITECTURE.md): a ctest that fails on an include that breaks it.
add_test(NAME layering.includes
         COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR}/src -P ${CMAKE_SOURCE_DIR}/tests/layering/check.cmake)
set_tests_properties(layering.includes PROPERTIES LABELS layering)
