/* SPDX-License-Identifier: MIT */
/* KMQ_EXPORT marks the public API: a shared libkmq (built with hidden visibility) exports these
 * names and nothing else, so kmq::detail stays inside the library. */
#ifndef KMQ_EXPORT_H
#define KMQ_EXPORT_H

#if defined(_WIN32) && defined(KMQ_SHARED)
#ifdef KMQ_BUILDING
#define KMQ_EXPORT __declspec(dllexport)
#else
#define KMQ_EXPORT __declspec(dllimport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define KMQ_EXPORT __attribute__((visibility("default")))
#else
#define KMQ_EXPORT
#endif

#endif /* KMQ_EXPORT_H */
