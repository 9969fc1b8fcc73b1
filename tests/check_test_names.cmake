# simmer_check_test_names(<sources>): fails configuration when a Catch2 TEST_CASE name in <sources> would not run
# as its own ctest. catch_discover_tests passes each name to the test binary as a filter, through CMake lists:
# - ';' splits the name into several arguments, so the filter matches nothing and Catch2 exits 0 ("No tests ran");
# - '\' and '"' are read as escapes and quotes by Catch2's filter parser, '*' as a wildcard;
# - a leading '~', '#', '[' or space makes the filter a negation, a file-name filter, a tag or a trimmed name;
# - an empty name cannot be selected at all.
# ',' '[' ']' inside a name are escaped by CatchAddTests.cmake and are fine.
function(simmer_check_test_names sources)
  set(problems "")
  foreach(source IN LISTS sources)
    file(READ "${source}" text)
    # Semicolons inside the file would be read as list separators below: swap them for a marker first.
    string(REPLACE ";" "<SEMICOLON>" text "${text}")
    string(REGEX MATCHALL "TEST_CASE[ \t\r\n]*\\([ \t\r\n]*\"([^\"\\\\]|\\\\.)*\"" cases "${text}")
    foreach(case IN LISTS cases)
      string(REGEX REPLACE "^TEST_CASE[ \t\r\n]*\\([ \t\r\n]*\"" "" name "${case}")
      string(REGEX REPLACE "\"$" "" name "${name}")
      set(why "")
      if(name STREQUAL "")
        set(why "an empty name")
      elseif(name MATCHES "<SEMICOLON>")
        set(why "';' splits it into several CMake arguments")
      elseif(name MATCHES "[\\\\\"*]")
        set(why "'\\\\', '\"' or '*' is read by Catch2's filter parser")
      elseif(name MATCHES "^[~#[ ]")
        set(why "a leading '~', '#', '[' or space changes what the filter means")
      elseif(name MATCHES " $")
        set(why "a trailing space is trimmed from the filter")
      endif()
      if(why)
        string(REPLACE "<SEMICOLON>" ";" shown "${name}")
        file(RELATIVE_PATH rel "${CMAKE_SOURCE_DIR}" "${source}")
        string(APPEND problems "\n  ${rel}: \"${shown}\": ${why}")
      endif()
    endforeach()
  endforeach()
  if(problems)
    message(FATAL_ERROR "simmer: error: Catch2 test names that would run no test (tests/unit): rename them:${problems}")
  endif()
endfunction()
