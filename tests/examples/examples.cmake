# examples/: each example on the sample images prints vkc-classify's top-5.
if(NOT TARGET vkc-classify)
  return()
endif()
set(VKC_COMPARE ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/compare_with_vkc_classify.py
    $<TARGET_FILE:vkc-classify> ${PROJECT_SOURCE_DIR}/assets/fashion_mnist_irv2.safetensors
    ${PROJECT_SOURCE_DIR}/assets/samples --)
add_test(NAME examples.classify_cpp COMMAND ${VKC_COMPARE} $<TARGET_FILE:vkc-example-classify>)
add_test(NAME examples.classify_c COMMAND ${VKC_COMPARE} $<TARGET_FILE:vkc-example-classify-c>)
set_tests_properties(examples.classify_cpp examples.classify_c PROPERTIES TIMEOUT 300
                     LABELS examples)
if(VKC_BUILD_PYTHON)
  add_test(NAME examples.classify_py
           COMMAND ${VKC_COMPARE} ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/examples/classify.py)
  set_tests_properties(examples.classify_py PROPERTIES TIMEOUT 300 LABELS examples
                       ENVIRONMENT PYTHONPATH=${PROJECT_BINARY_DIR}/python)
endif()

# examples/dask_classify.py on 2 local workers: vkc-eval's accuracy on Fashion-MNIST's test set
# (about 30 s on 2 cores for both runs).
if(VKC_BUILD_PYTHON AND TARGET vkc-eval)
  add_test(NAME examples.dask_fashion_mnist
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/check_dask_accuracy.py
                   $<TARGET_FILE:vkc-eval> ${PROJECT_SOURCE_DIR}/examples/dask_classify.py
                   ${PROJECT_BINARY_DIR}/dask-test)
  set_tests_properties(examples.dask_fashion_mnist PROPERTIES TIMEOUT 900 LABELS examples
                       ENVIRONMENT PYTHONPATH=${PROJECT_BINARY_DIR}/python)
endif()
