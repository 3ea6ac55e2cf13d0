# Every ctest entry runs validated: vkc_validate_directory_tests(), called last in a directory,
# appends to each test of that directory (those of the files it include()s too)
#   - VKC_VALIDATION=1 to its ENVIRONMENT: every Vulkan instance its processes make has the
#     Khronos validation layer, and the apps (vkc-classify, vkc-eval, vkc-bench, vkc-info) exit 1
#     on any validation message;
#   - VKC_SELF_TEST=off (see below);
#   - a FAIL_REGULAR_EXPRESSION on the line vk::Instance prints for each message, for programs
#     whose exit status does not show it (the examples, crop_dump, an app expected to exit 1).
# vkc-tests' own cases (gtest_discover_tests) are validated by tests/support/test_main.cpp.
# A test added after the call is not covered: keep the call last.
function(vkc_validate_directory_tests)
  get_directory_property(tests TESTS)
  foreach(test IN LISTS tests)
    set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT VKC_VALIDATION=1)
    # The load-time self-test is proven by its own tests (tests/selftest/, cli.selftest.*, which
    # set it themselves); elsewhere it would add its cases to every process.
    set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT VKC_SELF_TEST=off)
    set_property(TEST ${test} APPEND PROPERTY FAIL_REGULAR_EXPRESSION
                 "\\[vulkan validation (error|warning)\\]")
  endforeach()
endfunction()
