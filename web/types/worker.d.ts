// SPDX-License-Identifier: MIT
// Types of kmq-decoder/worker (src/worker-client.js).
import type { DecodeOptions, DecodedImage } from './index.js';

export interface PoolDecodeOptions extends DecodeOptions {
  /** At most this many of the pool's workers for this file (methods 3 and 4 split). */
  workers?: number;
}

export interface DecoderPool {
  readonly size: number;
  decode(bytes: Uint8Array | ArrayBuffer, options?: PoolDecodeOptions): Promise<DecodedImage>;
  /** Decodes and draws into `canvas` (resized to the image); the workers draw in browsers. */
  decodeToCanvas(bytes: Uint8Array | ArrayBuffer, canvas: HTMLCanvasElement | OffscreenCanvas,
                 options?: PoolDecodeOptions): Promise<Omit<DecodedImage, 'data'>>;
  terminate(): Promise<void>;
}

/** A pool of `workers` (default: the machine's cores, at most 16) decoding workers. */
export function createDecoderPool(options?: { workers?: number }): DecoderPool;

/** The shared pool that decodeInWorker and <kmq-image> use. */
export function sharedDecoderPool(): DecoderPool;

/** Decodes on a shared pool as large as the machine's core count. */
export function decodeInWorker(bytes: Uint8Array | ArrayBuffer, options?: PoolDecodeOptions): Promise<DecodedImage>;
