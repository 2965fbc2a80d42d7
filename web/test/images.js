// SPDX-License-Identifier: MIT
// Test images the tests draw themselves, of the kinds kmq is used on: a photo-like gradient
// with noise, a graphic of repeated glyphs on a flat ground (method 4's copies and runs), an
// RGBA icon with translucent and fully transparent pixels, and one where every pixel has its
// own colour (K = 65536).

/** A small deterministic generator (xorshift32). */
export function random(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

export function photo(width, height, seed = 1) {
  const next = random(seed);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      const u = x / width, v = y / height;
      data[i] = Math.min(255, 255 * u * (1 - v) + 40 * Math.sin(9 * v) + 30 * next());
      data[i + 1] = Math.min(255, 200 * v + 30 * Math.cos(7 * u) + 30 + 20 * next());
      data[i + 2] = Math.min(255, 120 + 100 * Math.sin(3 * (u + v)) + 25 * next());
    }
  }
  return { width, height, channels: 3, data };
}

export function glyphs(width, height, seed = 2) {
  const next = random(seed);
  const data = new Uint8Array(width * height * 3).fill(250);
  const shapes = Array.from({ length: 6 }, () => Array.from({ length: 8 * 12 }, () => next() < 0.35));
  const inks = [[20, 20, 30], [200, 30, 40], [30, 90, 200]];
  for (let row = 0; row + 14 <= height; row += 15) {
    for (let col = 4; col + 9 <= width; col += 9) {
      if (next() < 0.15) continue;
      const shape = shapes[Math.floor(next() * shapes.length)];
      const ink = inks[(row / 15) % inks.length];
      for (let j = 0; j < 12; j++) {
        for (let i = 0; i < 8; i++) {
          if (!shape[j * 8 + i]) continue;
          const o = 3 * ((row + j) * width + col + i);
          data.set(ink, o);
        }
      }
    }
  }
  for (let x = 0; x < width; x++) data.set([120, 120, 120], 3 * ((height - 1) * width + x));
  return { width, height, channels: 3, data };
}

export function icon(width, height, seed = 3) {
  const next = random(seed);
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = 4 * (y * width + x);
      const dx = x - width / 2, dy = y - height / 2;
      const r = Math.sqrt(dx * dx + dy * dy) / (Math.min(width, height) / 2);
      if (r > 1) continue;  // fully transparent
      data[o] = 40 + 200 * (x / width);
      data[o + 1] = 60 + 150 * (y / height);
      data[o + 2] = 200 - 100 * r + 20 * next();
      data[o + 3] = r > 0.8 ? Math.round(255 * (1 - r) / 0.2) : 255;
    }
  }
  return { width, height, channels: 4, data };
}

/** 256 × 256 pixels, every one a colour of its own. */
export function everyColour() {
  const data = new Uint8Array(256 * 256 * 3);
  for (let i = 0; i < 65536; i++) data.set([i & 255, i >> 8, (i * 7) & 255], 3 * i);
  return { width: 256, height: 256, channels: 3, data };
}

/** @param {{ width: number, height: number, channels: number, data: Uint8Array }} image */
export function toPam(image) {
  const header = `P7\nWIDTH ${image.width}\nHEIGHT ${image.height}\nDEPTH ${image.channels}\nMAXVAL 255\n` +
                 `TUPLTYPE ${image.channels === 4 ? 'RGB_ALPHA' : 'RGB'}\nENDHDR\n`;
  return Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from(image.data)]);
}
