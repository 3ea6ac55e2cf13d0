# Multi-crop geometry and pixels against an independent PIL implementation (python3-pil).
add_executable(crop_dump ${CMAKE_CURRENT_LIST_DIR}/crop_dump.cpp)
target_link_libraries(crop_dump PRIVATE vkception)
target_compile_options(crop_dump PRIVATE -Wall -Wextra)
add_test(NAME crops.match_pil
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/check_crops_pil.py
                 $<TARGET_FILE:crop_dump> ${CMAKE_BINARY_DIR}/crops-pil)
set_tests_properties(crops.match_pil PROPERTIES TIMEOUT 300)
# The single crop (timm's centre crop, the bundled models' squash) against torchvision on PIL
# images (python3-torchvision).
add_test(NAME crops.single_crop_torchvision
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/check_single_crop.py
                 $<TARGET_FILE:crop_dump> ${CMAKE_BINARY_DIR}/single-crop)
set_tests_properties(crops.single_crop_torchvision PROPERTIES TIMEOUT 120)

# The app's tests (builds without apps, e.g. CI's TSan stage, have none).
if(TARGET vkc-eval)
  # vkc-eval's protocol options (lists, CSV, --exclude, --save-probs, errors) on the samples.
  add_test(NAME crops.eval_protocol
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/check_eval_protocol.py
                   $<TARGET_FILE:vkc-eval> ${PROJECT_SOURCE_DIR}/assets ${CMAKE_BINARY_DIR}/eval-protocol)
  set_tests_properties(crops.eval_protocol PROPERTIES TIMEOUT 300 LABELS cli)

  # The outside check on 2 test images: crops rebuilt with PIL, the three members in PyTorch,
  # vkc-eval --crops 144 --save-probs within 1e-5 (python3-torch).
  add_test(NAME crops.match_torch
           COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tools/check_multicrop_torch.py
                   $<TARGET_FILE:vkc-eval> --images 2 --crops 144)
  set_tests_properties(crops.match_torch PROPERTIES TIMEOUT 300 LABELS cli)
endif()
