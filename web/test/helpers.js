// SPDX-License-Identifier: MIT
// Shared by the tests: the vectors' PAM files, the C++ tools (KMQ_TOOLS_DIR, else ../build/tools)
// and a temporary folder.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = path.resolve(WEB_DIR, '..');
export const VECTORS_DIR = path.join(REPO_DIR, 'format-spec', 'vectors');
export const TOOLS_DIR = process.env.KMQ_TOOLS_DIR ?? path.join(REPO_DIR, 'build', 'tools');

/** @param {Uint8Array} bytes */
export function readPam(bytes) {
  const text = Buffer.from(bytes).toString('latin1');
  const end = text.indexOf('ENDHDR\n') + 'ENDHDR\n'.length;
  const fields = {};
  for (const line of text.slice(0, end).split('\n').slice(1)) {
    const [key, value] = line.split(' ');
    if (value !== undefined) fields[key] = value;
  }
  return { width: Number(fields.WIDTH), height: Number(fields.HEIGHT), depth: Number(fields.DEPTH),
           tupltype: fields.TUPLTYPE, data: bytes.subarray(end) };
}

/** Pixels of a decoded RGBA image in the file's own channel count, as a PAM body. */
export function packedSamples(image) {
  if (image.channels === 4) return Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length);
  const out = Buffer.alloc(image.width * image.height * 3);
  for (let i = 0; i < image.width * image.height; i++) {
    out[3 * i] = image.data[4 * i];
    out[3 * i + 1] = image.data[4 * i + 1];
    out[3 * i + 2] = image.data[4 * i + 2];
  }
  return out;
}

export function toolsAvailable() {
  return existsSync(path.join(TOOLS_DIR, 'kmqenc')) && existsSync(path.join(TOOLS_DIR, 'kmqdec'));
}

/** Runs a C++ tool; returns its status and output. */
export function tool(name, args, input) {
  const result = spawnSync(path.join(TOOLS_DIR, name), args, { input, maxBuffer: 1 << 30 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString() };
}

export function temporaryDir(t) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kmq-web-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function readVector(kind, name) {
  return readFileSync(path.join(VECTORS_DIR, kind, name));
}
