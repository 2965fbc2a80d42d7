// SPDX-License-Identifier: MIT
// Decoded pixels as a PAM file (P7, TUPLTYPE RGB or RGB_ALPHA), the output of kmqdec-js.

/** @param {{ width: number, height: number, channels: number, data: Uint8ClampedArray }} image */
export function pamBytes(image) {
  const { width, height, channels, data } = image;
  const header = `P7\nWIDTH ${width}\nHEIGHT ${height}\nDEPTH ${channels}\nMAXVAL 255\n` +
                 `TUPLTYPE ${channels === 4 ? 'RGB_ALPHA' : 'RGB'}\nENDHDR\n`;
  const head = new TextEncoder().encode(header);
  const out = new Uint8Array(head.length + width * height * channels);
  out.set(head, 0);
  if (channels === 4) {
    out.set(data, head.length);
  } else {
    for (let i = 0, o = head.length; i < width * height; i++, o += 3) {
      out[o] = data[4 * i];
      out[o + 1] = data[4 * i + 1];
      out[o + 2] = data[4 * i + 2];
    }
  }
  return out;
}

