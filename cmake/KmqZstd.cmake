# SPDX-License-Identifier: MIT
# Finds zstd (its CMake package when present, else pkg-config) as the imported target kmq_zstd.
# Used by the build and, installed next to kmqConfig.cmake, by consumers of a static kmq.
if(NOT TARGET kmq_zstd)
  find_package(zstd CONFIG QUIET)
  add_library(kmq_zstd INTERFACE IMPORTED)
  if(TARGET zstd::libzstd_shared)
    target_link_libraries(kmq_zstd INTERFACE zstd::libzstd_shared)
  elseif(TARGET zstd::libzstd_static)
    target_link_libraries(kmq_zstd INTERFACE zstd::libzstd_static)
  else()
    find_package(PkgConfig REQUIRED)
    pkg_check_modules(KMQ_ZSTD REQUIRED IMPORTED_TARGET libzstd>=1.4)
    target_link_libraries(kmq_zstd INTERFACE PkgConfig::KMQ_ZSTD)
  endif()
endif()
