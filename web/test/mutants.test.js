// SPDX-License-Identifier: MIT
// Structure-aware mutants on which this decoder and kmqdec must agree: both decode the same
// pixels, or both refuse with the same category. Mutations: bytes of a chunk's payload changed
// with the CRC repaired; stream and strip table sizes moved by one; label streams decompressed,
// changed and recompressed (zstd) with the table and CRC repaired; metadata fields changed;
// truncations and chunk reordering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, u32le } from '../src/bytes.js';
import { decode } from '../src/index.js';
import { decompressFrame, zstdReady } from '../src/zstd.js';
import { packedSamples, readPam, readVector, temporaryDir, tool, toolsAvailable } from './helpers.js';
import { glyphs, icon, photo, random, toPam } from './images.js';

const skip = toolsAvailable() ? false : 'kmqenc/kmqdec not built (set KMQ_TOOLS_DIR)';
const haveZstd = spawnSync('zstd', ['--version']).status === 0;
const CATEGORIES = { 'corrupt file': 'corrupt_file', unsupported: 'unsupported', 'limit exceeded': 'limit_exceeded' };

/** The chunks of a valid file: type, offset, payload offset and length. */
function chunks(file) {
  const out = [];
  for (let at = 8; at < file.length;) {
    const length = u32le(file, at);
    out.push({ type: String.fromCharCode(...file.subarray(at + 4, at + 8)), at, payload: at + 8, length });
    at += 12 + length;
  }
  return out;
}

function repairCrc(file, chunk) {
  const crc = crc32(file, chunk.at + 4, chunk.payload + chunk.length);
  file.writeUInt32LE(crc, chunk.payload + chunk.length);
}

/** Replaces a chunk's payload, with its length and CRC. */
function withPayload(file, chunk, payload) {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(payload.length, 0);
  file.copy(head, 4, chunk.at + 4, chunk.at + 8);
  const body = Buffer.concat([head, payload, Buffer.alloc(4)]);
  body.writeUInt32LE(crc32(body, 4, 8 + payload.length), 8 + payload.length);
  return Buffer.concat([file.subarray(0, chunk.at), body, file.subarray(chunk.payload + chunk.length + 4)]);
}

function compress(raw, dir) {
  const input = path.join(dir, 'stream.raw');
  writeFileSync(input, raw);
  return execFileSync('zstd', ['-q', '-c', '-3', '--no-check', input]);
}

/** Methods 1-3: the label chunk with stream `s` changed by `change` and recompressed. */
function mutateStream(file, labl, s, change, dir) {
  const data = file.subarray(labl.payload + 1, labl.payload + labl.length);
  const count = data[0];
  const tableAt = file[labl.payload] === 3 ? 2 : 1;
  const tiles = file[labl.payload] === 3 ? data[1] : 0;
  const framesAt = tableAt + 8 * count + 4 * count * tiles;
  const frames = [];
  let at = framesAt;
  for (let k = 0; k < count; k++) {
    const size = u32le(data, tableAt + 8 * k);
    frames.push(Buffer.from(data.subarray(at, at + size)));
    at += size;
  }
  const rawSize = u32le(data, tableAt + 8 * s + 4);
  if (rawSize === 0) return null;
  const raw = Buffer.from(decompressFrame(frames[s], rawSize, 'test'));
  const changed = change(raw);
  frames[s] = compress(changed, dir);
  const table = Buffer.from(data.subarray(0, framesAt));
  table.writeUInt32LE(frames[s].length, tableAt + 8 * s);
  table.writeUInt32LE(changed.length, tableAt + 8 * s + 4);
  return withPayload(file, labl, Buffer.concat([Buffer.from([file[labl.payload]]), table, ...frames]));
}

function mutants(file, next, dir) {
  const out = [];
  const list = chunks(file);
  const pick = (n) => Math.floor(next() * n);
  for (const chunk of list) {
    // Payload bytes changed, CRC repaired: every chunk, a few times.
    for (let k = 0; k < 12 && chunk.length > 0; k++) {
      const m = Buffer.from(file);
      const where = chunk.payload + (k < 4 ? k % chunk.length : pick(chunk.length));
      m[where] = k % 3 === 0 ? m[where] ^ (1 << pick(8)) : pick(256);
      repairCrc(m, chunk);
      out.push(m);
    }
  }
  const labl = list.find((c) => c.type === 'LABL');
  const method = file[labl.payload];
  // Table sizes moved by one (methods 1-4), CRC repaired.
  const tableAt = labl.payload + 1 + (method === 3 ? 2 : 1);
  const entries = method === 4 ? 2 * file[labl.payload + 1] : method === 0 ? 0 : 2 * file[labl.payload + 1];
  for (let e = 0; e < Math.min(entries, 40); e++) {
    for (const delta of [1, -1]) {
      const m = Buffer.from(file);
      const value = m.readUInt32LE(tableAt + 4 * e) + delta;
      if (value < 0) continue;
      m.writeUInt32LE(value, tableAt + 4 * e);
      repairCrc(m, labl);
      out.push(m);
    }
  }
  // Streams rewritten (methods 1-3), recompressed so that the zstd layer is valid.
  if (haveZstd && method >= 1 && method <= 3) {
    const count = file[labl.payload + 1];
    for (let k = 0; k < 24; k++) {
      const s = pick(count);
      const m = mutateStream(file, labl, s, (raw) => {
        const c = Buffer.from(raw);
        const kind = k % 4;
        if (kind === 0 && c.length) c[pick(c.length)] = pick(256);
        if (kind === 1 && c.length) c[pick(c.length)] = pick(6);
        if (kind === 2) return Buffer.concat([c, Buffer.from([pick(5)])]);
        if (kind === 3) return c.subarray(0, Math.max(0, c.length - 1));
        return c;
      }, dir);
      if (m) out.push(m);
    }
  }
  // Truncations and a trailing byte.
  for (const cut of [1, 4, 12, 13, Math.floor(file.length / 2)]) out.push(file.subarray(0, file.length - cut));
  out.push(Buffer.concat([file, Buffer.from([0])]));
  // Two chunks swapped.
  if (list.length >= 3) {
    const [a, b] = [list[0], list[1]];
    const end = b.payload + b.length + 4;
    out.push(Buffer.concat([file.subarray(0, 8), file.subarray(b.at, end), file.subarray(a.at, b.at), file.subarray(end)]));
  }
  return out;
}

/** kmqdec's verdict on one file: pixels, or a category. */
function reference(file, dir) {
  const input = path.join(dir, 'mutant.kmq');
  const output = path.join(dir, 'mutant.pam');
  writeFileSync(input, file);
  const result = tool('kmqdec', [input, '-o', output, '-f', '-q']);
  if (result.status === 0) return { pixels: readPam(readFileSync(output)).data };
  const found = Object.keys(CATEGORIES).find((name) => result.stderr.includes(`: ${name}: `));
  assert.ok(found, `kmqdec's message names no category: ${result.stderr}`);
  return { category: CATEGORIES[found], message: result.stderr };
}

test('structure-aware mutants: both decoders agree', { skip, timeout: 600000 }, async (t) => {
  await zstdReady();
  const dir = temporaryDir(t);
  const seeds = [];
  const encode = (name, image, args) => {
    const input = path.join(dir, `${name}.pam`);
    const output = path.join(dir, `${name}.kmq`);
    writeFileSync(input, toPam(image));
    const result = tool('kmqenc', [input, '-o', output, '-f', '-q', ...args]);
    assert.equal(result.status, 0, result.stderr);
    seeds.push([name, readFileSync(output)]);
  };
  encode('m0', photo(40, 30), ['-k', '12', '--label-coding', 'raw']);
  encode('m1', photo(40, 30, 5), ['-k', '300', '--label-coding', 'contexts']);
  encode('m2', photo(40, 30, 6), ['-k', '20', '--label-coding', 'partitions']);
  encode('m3', icon(40, 30), ['-k', '9', '--label-coding', 'tiles', '--tiles', '3']);
  encode('m4', glyphs(90, 45), ['-k', '6', '--label-coding', 'copies', '--tiles', '2']);
  encode('m4wide', photo(30, 20, 7), ['-k', '400', '--label-coding', 'copies']);
  seeds.push(['meta', readVector('valid', 'meta_every_chunk.kmq')]);
  let agreed = 0;
  const verdicts = new Map();
  for (const [name, file] of seeds) {
    const next = random(name.length * 7919 + 17);
    for (const mutant of mutants(file, next, dir)) {
      const expected = reference(mutant, dir);
      let actual;
      try {
        const image = await decode(mutant);
        actual = { pixels: packedSamples(image) };
      } catch (error) {
        actual = { category: error.category, message: error.message };
      }
      const label = `${name} mutant ${agreed}`;
      if (expected.pixels) {
        assert.ok(actual.pixels, `${label}: kmqdec decodes it, this decoder refuses: ${actual.message}`);
        assert.ok(Buffer.from(actual.pixels).equals(Buffer.from(expected.pixels)), `${label}: pixels differ`);
      } else {
        assert.equal(actual.category, expected.category,
          `${label}: kmqdec says ${expected.message.trim()}; this decoder says ${actual.message ?? 'nothing (decoded)'}`);
      }
      const key = expected.category ?? 'decoded';
      verdicts.set(key, (verdicts.get(key) ?? 0) + 1);
      agreed++;
    }
  }
  t.diagnostic(`${agreed} mutants agreed: ${JSON.stringify(Object.fromEntries(verdicts))}`);
  assert.ok(agreed > 500, `${agreed} mutants`);
  assert.ok((verdicts.get('decoded') ?? 0) > 0 && (verdicts.get('corrupt_file') ?? 0) > 0);
});
