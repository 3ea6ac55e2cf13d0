# Finds libwebp and its demuxer (Debian: libwebp-dev), which ship no CMake package.
# Defines WebP_FOUND and the imported targets WebP::webp and WebP::webpdemux.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_WEBP QUIET libwebp libwebpdemux)
endif()
find_path(WebP_INCLUDE_DIR webp/demux.h HINTS ${PC_WEBP_INCLUDE_DIRS})
find_library(WebP_LIBRARY NAMES webp HINTS ${PC_WEBP_LIBRARY_DIRS})
find_library(WebP_DEMUX_LIBRARY NAMES webpdemux HINTS ${PC_WEBP_LIBRARY_DIRS})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(WebP REQUIRED_VARS WebP_LIBRARY WebP_DEMUX_LIBRARY
                                  WebP_INCLUDE_DIR)
if(WebP_FOUND AND NOT TARGET WebP::webp)
  add_library(WebP::webp UNKNOWN IMPORTED)
  set_target_properties(WebP::webp PROPERTIES IMPORTED_LOCATION "${WebP_LIBRARY}"
                        INTERFACE_INCLUDE_DIRECTORIES "${WebP_INCLUDE_DIR}")
  add_library(WebP::webpdemux UNKNOWN IMPORTED)
  set_target_properties(WebP::webpdemux PROPERTIES IMPORTED_LOCATION "${WebP_DEMUX_LIBRARY}"
                        INTERFACE_LINK_LIBRARIES WebP::webp)
endif()
mark_as_advanced(WebP_INCLUDE_DIR WebP_LIBRARY WebP_DEMUX_LIBRARY)
