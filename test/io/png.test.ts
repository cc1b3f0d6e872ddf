import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { crc32, decodePng, encodePng, Image } from '../../src/io/png';

function randomImage(width: number, height: number, channels: 1 | 3 | 4, seed: number): Image {
  const pixels = new Uint8Array(width * height * channels);
  let s = seed;
  for (let i = 0; i < pixels.length; i++) pixels[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return { width, height, channels, pixels };
}

describe('PNG', () => {
  it('CRC-32 matches zlib.crc32 and the standard check value', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    const data = Buffer.from('IHDR and some bytes');
    if ('crc32' in zlib) assert.equal(crc32(data), (zlib as unknown as { crc32(b: Buffer): number }).crc32(data));
  });

  it('round-trips gray, RGB and RGBA images of odd sizes', () => {
    for (const [w, h, c] of [[1, 1, 1], [7, 3, 3], [13, 5, 4], [28, 28, 1]] as const) {
      const image = randomImage(w, h, c, w * h + c);
      assert.deepEqual(decodePng(encodePng(image)), image);
    }
  });

  it('decodes a PNG built byte by byte (2×2 gray, filter 2 rows), checking every structure', () => {
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const out = Buffer.alloc(12 + data.length);
      out.writeUInt32BE(data.length, 0);
      body.copy(out, 4);
      out.writeUInt32BE(crc32(body), 8 + data.length);
      return out;
    };
    const ihdr = Buffer.from([0, 0, 0, 2, 0, 0, 0, 2, 8, 0, 0, 0, 0]);
    // Row 0: filter 0 [10, 200]; row 1: filter 2 (Up) deltas [5, 5] → [15, 205].
    const raw = Buffer.from([0, 10, 200, 2, 5, 5]);
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
    ]);
    assert.deepEqual(decodePng(png), { width: 2, height: 2, channels: 1, pixels: Uint8Array.from([10, 200, 15, 205]) });
  });

  it('rejects a corrupt CRC, a truncated file and a non-PNG, naming the source', () => {
    const png = encodePng(randomImage(4, 4, 3, 1));
    const corrupt = Buffer.from(png);
    corrupt[20] ^= 0xff;
    assert.throws(() => decodePng(corrupt, 'a.png'), /a\.png: corrupt PNG \(CRC mismatch in chunk IHDR\)/);
    assert.throws(() => decodePng(png.subarray(0, png.length - 20), 'b.png'), /b\.png: truncated PNG/);
    assert.throws(() => decodePng(Buffer.from('GIF89a'), 'c.gif'), /c\.gif: not a PNG file/);
    assert.throws(() => encodePng({ width: 2, height: 2, channels: 3, pixels: new Uint8Array(5) }), /do not fit 2×2×3/);
  });
});
