# SPDX-License-Identifier: MIT
# What the build needs: zstd and threads always; libpng and libjpeg-turbo for kmq_io.
include(KmqZstd)
find_package(Threads REQUIRED)
if(KMQ_BUILD_IO)
  find_package(PNG REQUIRED)
  find_package(JPEG REQUIRED)
endif()

function(kmq_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                         -Wno-sign-conversion)
  # GCC 12's -Wrestrict misfires inside libstdc++'s std::string (GCC bug 105651: "." + str,
  # str = "-"), with no overlap possible; GCC 13 fixed it. Silenced there only.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
     AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(KMQ_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
