/* SPDX-License-Identifier: MIT */
/* kmq version macros, shared by the C and C++ headers. CMake checks they match project(). */
#ifndef KMQ_VERSION_H
#define KMQ_VERSION_H

#define KMQ_VERSION_MAJOR 1
#define KMQ_VERSION_MINOR 0
#define KMQ_VERSION_PATCH 0
/** MAJOR * 10000 + MINOR * 100 + PATCH, as zstd does. */
#define KMQ_VERSION_NUMBER (KMQ_VERSION_MAJOR * 10000 + KMQ_VERSION_MINOR * 100 + KMQ_VERSION_PATCH)

#endif /* KMQ_VERSION_H */
