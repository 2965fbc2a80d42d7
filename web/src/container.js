// SPDX-License-Identifier: MIT
// The container of format-spec/kmq.md §2-3, read in the order of §9.1: signature, then each
// chunk's count, frame, place and contents, then trailing bytes. The label method data is only
// located here; it is decoded once the whole container has been checked.
import { corrupt, limitExceeded, unsupported } from './errors.js';
import { crc32, u32le } from './bytes.js';
import { MetadataReader, MAX_METADATA_BYTES } from './metadata.js';

export const SIGNATURE = [0x8b, 0x4b, 0x4d, 0x51, 0x0d, 0x0a, 0x1a, 0x0a];
export const MAX_CHUNKS = 1024;
export const MAX_DIMENSION = 2 ** 24;
export const MAX_COLORS = 65536;
export const MAX_PIXEL_COUNT = 2 ** 30;
export const DEFAULT_MAX_PIXELS = 2 ** 28;
export const METHOD_NAMES = ['zstd-raw', 'neighbour-contexts', 'neighbour-partitions',
                             'partition-tiles', 'adaptive-copies'];
const CRITICAL_ORDER = ['HEAD', 'PALT', 'LABL', 'ENDF'];

/** @param {number} c */
function isLetter(c) {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * @typedef {object} Container
 * @property {number} width
 * @property {number} height
 * @property {number} channels
 * @property {number} paletteSize
 * @property {number} labelCoding
 * @property {Uint8Array} palette  K × channels samples
 * @property {Uint8Array} labelData  the method data (LABL after its method byte)
 * @property {number} labelDataOffset  its offset in the file, for messages
 * @property {{ type: string, offset: number, length: number }[]} chunks
 * @property {import('../types/index').KmqMetadata} metadata
 */

/**
 * @param {Uint8Array} payload @param {string} where @param {number} maxPixels
 */
function readHeader(payload, where, maxPixels) {
  if (payload.length !== 16) corrupt(`${where}: header must be 16 bytes, not ${payload.length}`);
  if (payload[0] !== 1) {
    unsupported(`${where}: format version ${payload[0]} is not supported (this decoder reads version 1)`);
  }
  const channels = payload[1];
  const labelCoding = payload[2];
  if (channels !== 3 && channels !== 4) corrupt(`${where}: channels must be 3 or 4, not ${channels}`);
  if (labelCoding >= METHOD_NAMES.length) {
    unsupported(`${where}: label coding method ${labelCoding} is not supported`);
  }
  if (payload[3] !== 0) corrupt(`${where}: reserved flags must be 0`);
  const width = u32le(payload, 4);
  const height = u32le(payload, 8);
  const paletteSize = u32le(payload, 12);
  if (width < 1 || width > MAX_DIMENSION || height < 1 || height > MAX_DIMENSION) {
    corrupt(`${where}: image size ${width}x${height} is outside 1..16777216`);
  }
  if (paletteSize < 1 || paletteSize > MAX_COLORS) {
    corrupt(`${where}: palette size ${paletteSize} is outside 1..65536`);
  }
  const pixels = width * height;
  if (pixels > MAX_PIXEL_COUNT) corrupt(`${where}: ${pixels} pixels exceed the format limit of 2^30`);
  if (pixels > maxPixels) {
    limitExceeded(`${where}: image of ${pixels} pixels exceeds the limit of ${maxPixels}`);
  }
  return { width, height, channels, paletteSize, labelCoding };
}

/**
 * @param {Uint8Array} file
 * @param {{ maxPixels?: number, maxMetadataBytes?: number }} [options]
 * @returns {Container}
 */
export function readContainer(file, options = {}) {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (file.length < 8 || SIGNATURE.some((b, i) => file[i] !== b)) {
    corrupt('not a .kmq file (signature missing or damaged)');
  }
  const metadata = new MetadataReader(options.maxMetadataBytes ?? MAX_METADATA_BYTES);
  /** @type {any} */
  const out = { chunks: [] };
  let stage = 0;
  let offset = 8;
  while (stage < CRITICAL_ORDER.length) {
    if (out.chunks.length >= MAX_CHUNKS) corrupt(`more than ${MAX_CHUNKS} chunks`);
    const left = file.length - offset;
    if (left < 12) {
      corrupt(`file truncated at offset ${offset}: expected chunk '${CRITICAL_ORDER[stage]}'`);
    }
    const length = u32le(file, offset);
    const typeBytes = file.subarray(offset + 4, offset + 8);
    if (!typeBytes.every(isLetter)) corrupt(`chunk at offset ${offset} has an invalid type`);
    const type = String.fromCharCode(...typeBytes);
    const where = `chunk '${type}' at offset ${offset}`;
    if (length > left - 12) corrupt(`${where}: length ${length} runs past the end of the file`);
    const payload = file.subarray(offset + 8, offset + 8 + length);
    if (crc32(file, offset + 4, offset + 8 + length) !== u32le(file, offset + 8 + length)) {
      corrupt(`${where}: CRC mismatch (the file is damaged)`);
    }
    out.chunks.push({ type, offset, length });
    const payloadOffset = offset + 8;
    offset += 12 + length;

    const critical = (typeBytes[0] & 0x20) === 0;
    if (!critical) {
      if (stage === 0) corrupt(`${where}: the first chunk must be 'HEAD'`);
      metadata.read(type, payload, where);
      continue;
    }
    if (type !== CRITICAL_ORDER[stage]) {
      if (CRITICAL_ORDER.includes(type)) {
        corrupt(`${where}: critical chunk out of order, repeated or missing before it ` +
                `(expected '${CRITICAL_ORDER[stage]}')`);
      }
      if (stage === 0) corrupt(`${where}: the first chunk must be 'HEAD'`);
      unsupported(`${where}: unknown critical chunk type; this decoder cannot read the file`);
    }
    switch (stage) {
      case 0:
        Object.assign(out, readHeader(payload, where, maxPixels));
        break;
      case 1: {
        if (payload.length === 0) corrupt(`${where}: empty palette chunk`);
        if (payload[0] !== 0) unsupported(`${where}: palette coding ${payload[0]} is not supported`);
        const expected = 1 + out.paletteSize * out.channels;
        if (payload.length !== expected) {
          corrupt(`${where}: palette chunk holds ${payload.length} bytes; K = ${out.paletteSize} ` +
                  `needs ${expected}`);
        }
        out.palette = payload.subarray(1);
        break;
      }
      case 2:
        if (payload.length === 0) corrupt(`${where}: empty label chunk`);
        if (payload[0] !== out.labelCoding) {
          corrupt(`${where}: label coding ${payload[0]} differs from the header's ${out.labelCoding}`);
        }
        out.labelData = payload.subarray(1);
        out.labelDataOffset = payloadOffset + 1;
        break;
      case 3:
        if (length !== 0) corrupt(`${where}: end chunk must be empty`);
        break;
    }
    ++stage;
  }
  if (offset !== file.length) {
    corrupt(`${file.length - offset} bytes of trailing data after 'ENDF' (offset ${offset})`);
  }
  out.metadata = metadata.take();
  return out;
}
