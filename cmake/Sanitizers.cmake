# VKC_SANITIZE builds everything (library, apps, tests, fuzzers) with the compiler's sanitizers:
#   -DVKC_SANITIZE=address,undefined   ASan + UBSan (any report aborts: -fno-sanitize-recover)
#   -DVKC_SANITIZE=thread              TSan (the concurrency tests)
# The run-time defaults (exit status 86 on a report) and the suppressions, which cover only the
# Vulkan loader, Mesa's lavapipe and the validation layer (not ours, not built with sanitizers),
# are compiled into every binary: src/vk/instance.cpp, VKC_SANITIZER_BUILD.
set(VKC_SANITIZE "" CACHE STRING "Sanitizers: address,undefined or thread (empty: none)")
if(VKC_SANITIZE)
  if(VKC_SANITIZE MATCHES "thread" AND VKC_SANITIZE MATCHES "address")
    message(FATAL_ERROR "VKC_SANITIZE: thread cannot be combined with address")
  endif()
  add_compile_options(-fsanitize=${VKC_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=${VKC_SANITIZE})
  add_compile_definitions(VKC_SANITIZER_BUILD)
  message(STATUS "vkception: sanitizers ${VKC_SANITIZE}")
endif()

# VKC_BUILD_FUZZERS: coverage instrumentation for everything, so the harnesses in fuzz/ see
# which branches of the library an input reached.
if(VKC_BUILD_FUZZERS)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
