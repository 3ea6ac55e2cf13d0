# Installs the built library into a scratch prefix, then, against that prefix only: configures,
# builds and runs a C++ consumer project that finds it with find_package(vkception); builds and
# runs a C program with `pkg-config --cflags --libs vkception`; checks the apps and assets are
# installed; and imports the installed Python module (when PYTHON is given). The consumers use
# the library's compilers (CC, CXX) and, in a sanitizer build, its sanitizers (SANITIZE): an
# instrumented static library needs the sanitizer runtime at link time.
file(REMOVE_RECURSE ${WORK_DIR})
set(PREFIX ${WORK_DIR}/prefix)
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "${what}: ${out}")
  if(rc)
    message(FATAL_ERROR "${what} failed (${rc}): ${err}")
  endif()
  set(OUT "${out}" PARENT_SCOPE)
endfunction()

run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX})
set(sanitize_flags "")
if(SANITIZE)
  set(sanitize_flags -fsanitize=${SANITIZE})
endif()
run("configuring the C++ consumer" ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build
    -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_CXX_COMPILER=${CXX} "-DCMAKE_CXX_FLAGS=${sanitize_flags}"
    "-DCMAKE_EXE_LINKER_FLAGS=${sanitize_flags}")
run("building the C++ consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run("the C++ consumer" ${WORK_DIR}/build/consumer)

file(GLOB_RECURSE pc_files ${PREFIX}/*/vkception.pc)
if(NOT pc_files)
  message(FATAL_ERROR "no vkception.pc installed under ${PREFIX}")
endif()
get_filename_component(pc_dir ${pc_files} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pc_dir})
run("pkg-config" pkg-config --cflags --libs vkception)
separate_arguments(flags UNIX_COMMAND "${OUT}")
# clang's C driver leaves out UBSan's C++ part (vptr checks), which the C++ library needs.
set(c_sanitize_flags ${sanitize_flags})
if(SANITIZE AND CC MATCHES "clang")
  list(APPEND c_sanitize_flags -fsanitize-link-c++-runtime)
endif()
run("building the C consumer" ${CC} ${c_sanitize_flags} -std=c11 -Wall -Werror ${SOURCE_DIR}/consumer.c -o
    ${WORK_DIR}/c_consumer ${flags})
run("the C consumer" ${WORK_DIR}/c_consumer)

foreach(installed bin/vkc-classify bin/vkc-info share/vkception/assets/fashion_mnist_irv2.safetensors
                  include/vkception/vkception.h include/vkception/vkception.hpp)
  if(NOT EXISTS ${PREFIX}/${installed})
    message(FATAL_ERROR "${installed} is not installed")
  endif()
endforeach()

if(PYTHON)
  file(GLOB_RECURSE init_files ${PREFIX}/lib/__init__.py)
  list(FILTER init_files INCLUDE REGEX "/vkception/__init__.py$")
  if(NOT init_files)
    message(FATAL_ERROR "the Python package is not installed under ${PREFIX}/lib")
  endif()
  get_filename_component(package_dir ${init_files} DIRECTORY)
  get_filename_component(python_path ${package_dir} DIRECTORY)
  set(ENV{PYTHONPATH} ${python_path})
  run("importing the installed module" ${PYTHON} -c
      "import vkception\nassert vkception.__file__.startswith('${PREFIX}'), vkception.__file__\nprint(vkception.__version__, len(vkception.devices()), 'device(s)')")
endif()
