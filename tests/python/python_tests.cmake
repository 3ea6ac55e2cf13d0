# The Python module's pytest suite (Debian python3-pytest, python3-torch, python3-torchvision),
# against the package as built: <build>/python.
if(NOT VKC_BUILD_PYTHON OR NOT TARGET vkc-classify)
  return()
endif()
add_test(NAME python.pytest
         COMMAND ${Python3_EXECUTABLE} -m pytest -q -p no:cacheprovider ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(python.pytest PROPERTIES TIMEOUT 600 LABELS python ENVIRONMENT
  "PYTHONPATH=${PROJECT_BINARY_DIR}/python:${CMAKE_CURRENT_LIST_DIR};VKC_ASSETS=${PROJECT_SOURCE_DIR}/assets;VKC_CLASSIFY=$<TARGET_FILE:vkc-classify>")

# pip install .: the wheel built from the checkout with this build's extension, installed into a
# fresh venv, where the pytest suite runs again and `python -m vkception` is checked against
# vkc-classify (check_wheel.sh). The wheel's own library build is not repeated here.
add_test(NAME python.wheel
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check_wheel.sh ${PROJECT_SOURCE_DIR}
                 ${PROJECT_BINARY_DIR} $<TARGET_FILE:vkc-classify>)
set_tests_properties(python.wheel PROPERTIES TIMEOUT 600 LABELS python)
