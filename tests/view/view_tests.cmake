# vkc-view under a virtual X server (Debian xvfb, xauth): tests/view/check_view.py's cases,
# about 5, 3, 8 and 6 s on 2 cores. GSK_RENDERER=cairo (set by the script): no GL needed.
if(NOT TARGET vkc-view)
  return()  # GTK 4 missing or VKC_BUILD_VIEW=OFF
endif()
find_program(XVFB_RUN xvfb-run)
if(NOT XVFB_RUN)
  message(STATUS "vkc-view tests: xvfb-run not found (Debian: apt-get install xvfb xauth), not run")
  return()
endif()
foreach(case samples good_and_bad settings keyboard)
  add_test(NAME view.${case}
           COMMAND ${XVFB_RUN} -a -s "-screen 0 1280x800x24" /usr/bin/python3
                   ${CMAKE_CURRENT_LIST_DIR}/check_view.py $<TARGET_FILE:vkc-view>
                   ${PROJECT_SOURCE_DIR}/assets ${case})
  set_tests_properties(view.${case} PROPERTIES TIMEOUT 300 LABELS view SKIP_RETURN_CODE 77
                       ENVIRONMENT LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_LIST_DIR}/lsan-toolkit.supp)
endforeach()

# A user's photo folder (tests/cli/check_photo_folder.py, about 2 s): the same top-1 as
# vkc-classify for every good image, each broken one failed, the files that are not images
# under Problems.
if(TARGET vkc-classify)
  add_test(NAME view.photo_folder
           COMMAND ${XVFB_RUN} -a -s "-screen 0 1280x800x24" /usr/bin/python3
                   ${PROJECT_SOURCE_DIR}/tests/cli/check_photo_folder.py view
                   $<TARGET_FILE:vkc-view> $<TARGET_FILE:vkc-classify> ${PROJECT_SOURCE_DIR}/assets)
  set_tests_properties(view.photo_folder PROPERTIES TIMEOUT 300 LABELS view
                       ENVIRONMENT LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_LIST_DIR}/lsan-toolkit.supp)
endif()

# Usage errors and no display: no X server needed (tests/cli's runner).
if(COMMAND vkc_cli_test)
  set(VIEW $<TARGET_FILE:vkc-view>)
  vkc_cli_test(view.bad_flag --rc 2 --stderr "--bogus" -- ${VIEW} --bogus)
  vkc_cli_test(view.weights_without_model --rc 2 --stderr "--weights needs --model"
               -- ${VIEW} --weights @T@/not_weights.safetensors)
  vkc_cli_test(view.model_without_weights --rc 2 --stderr "--model inception_v4 needs --weights"
               -- ${VIEW} --model inception_v4)
  vkc_cli_test(view.no_display --rc 1 --stderr "cannot open a display"
               --env DISPLAY= --env WAYLAND_DISPLAY= -- ${VIEW} @T@/good.png)
endif()
