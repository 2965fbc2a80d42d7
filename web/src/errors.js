// SPDX-License-Identifier: MIT
// One error class for every fault a caller can meet, with the categories of
// format-spec/kmq.md §9 so that this decoder and the C++ one can be compared file by file.

/** @typedef {'corrupt_file' | 'unsupported' | 'limit_exceeded' | 'io'} KmqErrorCategory */

export class KmqError extends Error {
  /**
   * @param {KmqErrorCategory} category
   * @param {string} message
   */
  constructor(category, message) {
    super(message);
    this.name = 'KmqError';
    this.category = category;
  }
}

/** @param {string} message @returns {never} */
export function corrupt(message) {
  throw new KmqError('corrupt_file', message);
}

/** @param {string} message @returns {never} */
export function unsupported(message) {
  throw new KmqError('unsupported', message);
}

/** @param {string} message @returns {never} */
export function limitExceeded(message) {
  throw new KmqError('limit_exceeded', message);
}

/**
 * Runs `work`, turning the engine's refusal to allocate (RangeError: the typed arrays of a very
 * large image) into a KmqError that says so, rather than an error of another kind.
 * @template T @param {() => T} work @param {string} what
 * @returns {T}
 */
export function withMemory(work, what) {
  try {
    return work();
  } catch (error) {
    if (error instanceof RangeError) {
      throw new KmqError('limit_exceeded', `${what}: not enough memory (${error.message})`);
    }
    throw error;
  }
}
