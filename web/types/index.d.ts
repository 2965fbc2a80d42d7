// SPDX-License-Identifier: MIT
// Types of kmq-decoder's main entry (src/index.js).

/** The error categories of format-spec/kmq.md §9 (and `io` for the environment's faults). */
export type KmqErrorCategory = 'corrupt_file' | 'unsupported' | 'limit_exceeded' | 'io';

/** Every fault a caller can meet: a hostile or damaged file, or a limit it sets. */
export class KmqError extends Error {
  constructor(category: KmqErrorCategory, message: string);
  readonly name: 'KmqError';
  readonly category: KmqErrorCategory;
}

export interface DecodeOptions {
  /** Refuse images of more pixels, before allocating for them (default 2^28). */
  maxPixels?: number;
  /** Refuse files whose metadata unpacks to more bytes (default and maximum 2^26). */
  maxMetadataBytes?: number;
}

export interface TextEntry {
  keyword: string;
  language: string;
  translatedKeyword: string;
  text: string;
}

/** The metadata chunks of §2.7 that the file holds. */
export interface KmqMetadata {
  srgbIntent?: number;
  gamma?: number;
  chromaticities?: {
    whiteX: number; whiteY: number; redX: number; redY: number;
    greenX: number; greenY: number; blueX: number; blueY: number;
  };
  density?: { x: number; y: number; unit: number };
  iccProfileName?: string;
  iccProfile?: Uint8Array;
  exif?: Uint8Array;
  xmp?: string;
  text: TextEntry[];
}

export interface KmqHeader {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA): what the file stores. Decoded pixels are always RGBA. */
  channels: 3 | 4;
  paletteSize: number;
  /** The label coding method, 0 to 4. */
  labelCoding: number;
  metadata: KmqMetadata;
  /** The ICC profile, for a viewer to apply; null when the file has none. */
  iccProfile: Uint8Array | null;
}

export interface KmqInfo extends KmqHeader {
  labelCodingName: string;
  /** K × channels samples. */
  palette: Uint8Array;
  chunks: { type: string; offset: number; length: number }[];
  fileSize: number;
  bitsPerPixel: number;
}

export interface DecodedImage extends KmqHeader {
  /** width × height × 4 bytes, RGBA, ready for `new ImageData(data, width, height)`. */
  data: Uint8ClampedArray;
}

export interface IndexedImage extends KmqInfo {
  /** One index per pixel in raster order: Uint8Array when K <= 256, else Uint16Array. */
  labels: Uint8Array | Uint16Array;
}

export const DEFAULT_MAX_PIXELS: number;
export const METHOD_NAMES: readonly string[];

export function decode(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions): Promise<DecodedImage>;
export function decodeIndexed(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions): Promise<IndexedImage>;
export function inspect(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions): Promise<KmqInfo>;
