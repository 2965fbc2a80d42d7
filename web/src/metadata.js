// SPDX-License-Identifier: MIT
// The metadata chunks of format-spec/kmq.md §2.7, checked field by field in the order of §9.1 so
// that a file's verdict matches the C++ decoder's.
import { corrupt, limitExceeded } from './errors.js';
import { u32be, u32le } from './bytes.js';
import { declaredFrameSize, decompressFrame } from './zstd.js';

export const MAX_METADATA_ITEM_BYTES = 2 ** 24;
export const MAX_METADATA_BYTES = 2 ** 26;
const MAX_FIELD_BYTES = 79;
const ONCE_ONLY = ['srgb', 'gama', 'chrm', 'phys', 'iccp', 'exif', 'xmpp'];
const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** @param {Uint8Array} b */
function nameProblem(b, what) {
  if (b.length < 1 || b.length > MAX_FIELD_BYTES) {
    return `${what} must be 1..79 bytes long, not ${b.length}`;
  }
  for (const c of b) if (c < 0x20 || c > 0x7e) return `${what} holds a byte that is not printable ASCII`;
  return '';
}

/** @param {Uint8Array} b */
function languageProblem(b) {
  if (b.length > MAX_FIELD_BYTES) return 'language tag longer than 79 bytes';
  for (const c of b) {
    const fits = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
    if (!fits) return "language tag holds a byte other than a letter, digit or '-'";
  }
  return '';
}

/** @param {Uint8Array} p */
function iccProblem(p) {
  if (p.length < 132) return `ICC profile of ${p.length} bytes is shorter than 132`;
  if (u32be(p, 0) !== p.length) {
    return `ICC profile's header gives ${u32be(p, 0)} bytes, but it holds ${p.length}`;
  }
  if (p[36] !== 0x61 || p[37] !== 0x63 || p[38] !== 0x73 || p[39] !== 0x70) {
    return "ICC profile lacks the 'acsp' signature";
  }
  return '';
}

/** @param {Uint8Array} e */
function exifProblem(e) {
  if (e.length < 8) return 'Exif data shorter than 8 bytes';
  const intel = e[0] === 0x49 && e[1] === 0x49 && e[2] === 0x2a && e[3] === 0;
  const motorola = e[0] === 0x4d && e[1] === 0x4d && e[2] === 0 && e[3] === 0x2a;
  if (!intel && !motorola) return 'Exif data does not begin with a TIFF header (II*\\0 or MM\\0*)';
  return '';
}

/** Reads the §2.7 chunks of one file; `take()` gives what they carried. */
export class MetadataReader {
  /** @param {number} maxBytes the caller's limit on all unpacked metadata */
  constructor(maxBytes = MAX_METADATA_BYTES) {
    this.maxBytes = Math.min(maxBytes, MAX_METADATA_BYTES);
    this.unpackedBytes = 0;
    /** @type {Set<string>} */
    this.seen = new Set();
    /** @type {import('../types/index').KmqMetadata} */
    this.metadata = { text: [] };
  }

  /**
   * @param {string} type @param {Uint8Array} payload @param {string} where
   * @returns {boolean} whether the type is one of §2.7's
   */
  read(type, payload, where) {
    const known = ONCE_ONLY.includes(type) || type === 'text';
    if (!known) return false;
    if (type !== 'text') {
      if (this.seen.has(type)) corrupt(`${where}: this metadata chunk may appear only once`);
      this.seen.add(type);
    }
    const requireLength = (n) => {
      if (payload.length !== n) corrupt(`${where}: payload must be ${n} bytes, not ${payload.length}`);
    };
    let rest = payload;
    const takeField = (what) => {
      const end = rest.indexOf(0);
      if (end < 0) corrupt(`${where}: no 0 byte after the ${what}`);
      const field = rest.subarray(0, end);
      rest = rest.subarray(end + 1);
      return field;
    };
    const check = (problem) => {
      if (problem) corrupt(`${where}: ${problem}`);
    };
    const m = this.metadata;
    switch (type) {
      case 'srgb':
        requireLength(1);
        if (payload[0] > 3) corrupt(`${where}: sRGB rendering intent ${payload[0]}`);
        m.srgbIntent = payload[0];
        break;
      case 'gama':
        requireLength(4);
        if (u32le(payload, 0) === 0) corrupt(`${where}: gamma is 0`);
        m.gamma = u32le(payload, 0);
        break;
      case 'chrm': {
        requireLength(32);
        const v = [];
        for (let i = 0; i < 8; i++) v.push(u32le(payload, 4 * i));
        m.chromaticities = { whiteX: v[0], whiteY: v[1], redX: v[2], redY: v[3],
                             greenX: v[4], greenY: v[5], blueX: v[6], blueY: v[7] };
        break;
      }
      case 'phys': {
        requireLength(9);
        const x = u32le(payload, 0);
        const y = u32le(payload, 4);
        if (x === 0 || y === 0) corrupt(`${where}: pixel density is 0`);
        if (payload[8] > 1) corrupt(`${where}: pixel density unit ${payload[8]}`);
        m.density = { x, y, unit: payload[8] };
        break;
      }
      case 'iccp': {
        const name = takeField('profile name');
        check(nameProblem(name, 'profile name'));
        const profile = this.unpack(rest, where);
        check(iccProblem(profile));
        m.iccProfileName = latin1.decode(name);
        m.iccProfile = profile;
        break;
      }
      case 'exif': {
        const exif = this.unpack(rest, where);
        check(exifProblem(exif));
        m.exif = exif;
        break;
      }
      case 'xmpp':
        m.xmp = utf8.decode(this.unpack(rest, where));
        break;
      case 'text': {
        const keyword = takeField('keyword');
        check(nameProblem(keyword, 'keyword'));
        const language = takeField('language tag');
        check(languageProblem(language));
        const translated = takeField('translated keyword');
        if (translated.length > MAX_FIELD_BYTES) check('translated keyword longer than 79 bytes');
        const text = this.unpack(rest, where);
        m.text.push({ keyword: latin1.decode(keyword), language: latin1.decode(language),
                      translatedKeyword: utf8.decode(translated), text: utf8.decode(text) });
        break;
      }
    }
    return true;
  }

  /** Packed data: the coding byte, the unpacked size against both limits, then the data. */
  unpack(packed, where) {
    if (packed.length === 0) corrupt(`${where}: packed data lacks its coding byte`);
    const coding = packed[0];
    const data = packed.subarray(1);
    if (coding !== 0 && coding !== 1) corrupt(`${where}: packed data coding ${coding} is not 0 or 1`);
    const size = coding === 0 ? data.length : declaredFrameSize(data, where);
    if (size > MAX_METADATA_ITEM_BYTES) {
      limitExceeded(`${where}: ${size} bytes of metadata exceed 16 MiB`);
    }
    if (size > this.maxBytes - this.unpackedBytes) {
      limitExceeded(`${where}: the file's metadata exceeds ${this.maxBytes} bytes`);
    }
    this.unpackedBytes += size;
    return coding === 0 ? data.slice() : decompressFrame(data, size, where);
  }

  take() {
    return this.metadata;
  }
}
