# Finds libheif (Debian: libheif-dev), whose own CMake package names its target `heif` with no
# include directories. Defines LibHeif_FOUND and the imported target LibHeif::heif.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_LIBHEIF QUIET libheif)
endif()
find_path(LibHeif_INCLUDE_DIR libheif/heif.h HINTS ${PC_LIBHEIF_INCLUDE_DIRS})
find_library(LibHeif_LIBRARY NAMES heif HINTS ${PC_LIBHEIF_LIBRARY_DIRS})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibHeif REQUIRED_VARS LibHeif_LIBRARY LibHeif_INCLUDE_DIR)
if(LibHeif_FOUND AND NOT TARGET LibHeif::heif)
  add_library(LibHeif::heif UNKNOWN IMPORTED)
  set_target_properties(LibHeif::heif PROPERTIES IMPORTED_LOCATION "${LibHeif_LIBRARY}"
                        INTERFACE_INCLUDE_DIRECTORIES "${LibHeif_INCLUDE_DIR}")
endif()
mark_as_advanced(LibHeif_INCLUDE_DIR LibHeif_LIBRARY)
