import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import { crc32, decodePng, encodePng, Image } from '../../src/io/png';
import { tempDir } from '../helpers/fixtures';
import { python } from '../helpers/python';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A chunk whose CRC comes from zlib's own crc32, not from the module under test. */
function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
  return out;
}

function ihdr(width: number, height: number, colour: number, depth = 8, interlace = 0): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = depth;
  data[9] = colour;
  data[12] = interlace;
  return chunk('IHDR', data);
}

/** A PNG from filtered rows given as [filter byte, ...row bytes]. */
function handBuilt(width: number, height: number, colour: number, rows: number[][], extra: Buffer[] = []): Buffer {
  const idat = chunk('IDAT', zlib.deflateSync(Buffer.from(rows.flat())));
  return Buffer.concat([SIGNATURE, ihdr(width, height, colour), ...extra, idat, chunk('IEND', Buffer.alloc(0))]);
}

function randomImage(width: number, height: number, channels: 1 | 3 | 4, seed: number): Image {
  const pixels = new Uint8Array(width * height * channels);
  let s = seed;
  for (let i = 0; i < pixels.length; i++) pixels[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
  return { width, height, channels, pixels };
}

describe('PNG', () => {
  it('CRC-32 gives the standard check value and agrees with zlib.crc32', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(Buffer.from('IEND')), 0xae426082); // the CRC at the end of every PNG
    const bytes = randomImage(100, 1, 1, 7).pixels;
    assert.equal(crc32(bytes), zlib.crc32(bytes));
  });

  it('decodes a 1×1 RGB PNG written out byte by byte', () => {
    // Built with Python's struct + zlib (CRCs from zlib.crc32): IHDR 1×1 8-bit RGB, one row [filter 0, 255, 0, 128].
    const png = Buffer.from(
      '89504e470d0a1a0a' + '0000000d' + '49484452' + '00000001' + '00000001' + '0802000000' + '907753de' +
      '0000000c' + '49444154' + '78da63f8cfd0000003810180' + '9c50452d' +
      '00000000' + '49454e44' + 'ae426082', 'hex');
    assert.equal(zlib.crc32(png.subarray(12, 29)), 0x907753de);
    assert.deepEqual(decodePng(png), { width: 1, height: 1, channels: 3, pixels: Uint8Array.from([255, 0, 128]) });
  });

  it('undoes all five row filters (values worked by hand, checked with PIL)', () => {
    const png = handBuilt(3, 5, 0, [
      [0, 10, 20, 30], // None: as is
      [1, 5, 250, 10], // Sub: 5, 250+5, 10+255 (mod 256) → 5, 255, 9
      [2, 1, 2, 250], // Up: 1+5, 2+255, 250+9 → 6, 1, 3
      [3, 3, 4, 5], // Average: 3+⌊(0+6)/2⌋, 4+⌊(6+1)/2⌋, 5+⌊(7+3)/2⌋ → 6, 7, 10
      [4, 1, 1, 1], // Paeth: predictors b=6, a=7 (tie goes to a), b=10 → 7, 8, 11
    ]);
    assert.deepEqual(Array.from(decodePng(png).pixels), [10, 20, 30, 5, 255, 9, 6, 1, 3, 6, 7, 10, 7, 8, 11]);
    // Paeth's other tie, between above and above-left (a = 12, b = 6, c = 10: p = 8, |p-b| = |p-c| = 2), goes to b.
    assert.deepEqual(Array.from(decodePng(handBuilt(2, 2, 0, [[0, 10, 6], [4, 2, 0]])).pixels), [10, 6, 12, 6]);
  });

  it('uses the pixel to the left, not the byte, in RGB filters (worked by hand, checked with PIL)', () => {
    const png = handBuilt(2, 3, 2, [
      [1, 11, 22, 33, 1, 2, 3], // Sub: the second pixel adds the first one's channels
      [3, 1, 1, 1, 2, 2, 2], // Average: 1 + ⌊(0 + 11)/2⌋ = 6 …; then 2 + ⌊(6 + 12)/2⌋ = 11 …
      [4, 100, 100, 100, 1, 1, 1], // Paeth: first pixel predicts from above; second from the left (106 + 1)
    ]);
    assert.deepEqual(Array.from(decodePng(png).pixels), [11, 22, 33, 12, 24, 36, 6, 12, 17, 11, 20, 28, 106, 112, 117, 107, 113, 118]);
  });

  it('turns gray+alpha into RGBA and palette (+tRNS) into RGB(A)', () => {
    assert.deepEqual(Array.from(decodePng(handBuilt(1, 1, 4, [[0, 100, 50]])).pixels), [100, 100, 100, 50]);
    const plte = chunk('PLTE', Buffer.from([255, 0, 0, 0, 0, 255]));
    const rgb = decodePng(handBuilt(2, 1, 3, [[0, 1, 0]], [plte]));
    assert.deepEqual([rgb.channels, ...rgb.pixels], [3, 0, 0, 255, 255, 0, 0]);
    // tRNS lists alpha for entry 0 only: entry 1 stays opaque.
    const rgba = decodePng(handBuilt(2, 1, 3, [[0, 1, 0]], [plte, chunk('tRNS', Buffer.from([128]))]));
    assert.deepEqual([rgba.channels, ...rgba.pixels], [4, 0, 0, 255, 255, 255, 0, 0, 128]);
  });

  it('skips ancillary chunks it does not know (lower-case first letter)', () => {
    const text = chunk('tEXt', Buffer.from('Comment\0made by hand', 'latin1'));
    assert.deepEqual(Array.from(decodePng(handBuilt(1, 1, 0, [[0, 9]], [text])).pixels), [9]);
  });

  it('round-trips gray, RGB and RGBA images of odd sizes', () => {
    for (const [w, h, c] of [[1, 1, 1], [7, 3, 3], [13, 5, 4], [28, 28, 1], [1, 9, 3]] as const) {
      const image = randomImage(w, h, c, w * h + c);
      const png = encodePng(image);
      assert.deepEqual(png.subarray(0, 8), SIGNATURE);
      assert.equal(png.readUInt32BE(16), w);
      assert.equal(png.readUInt32BE(20), h);
      assert.equal(png[25], { 1: 0, 3: 2, 4: 6 }[c], 'colour type');
      assert.deepEqual(decodePng(png), image);
    }
  });

  it('refuses bad input with one line naming the source', () => {
    const png = encodePng(randomImage(4, 4, 3, 1));
    const corrupt = Buffer.from(png);
    corrupt[20] ^= 0xff; // inside IHDR's data
    assert.throws(() => decodePng(corrupt, 'a.png'), { message: 'a.png: corrupt PNG (CRC mismatch in chunk IHDR)' });
    assert.throws(() => decodePng(png.subarray(0, png.length - 20), 'b.png'), /^Error: b\.png: truncated PNG \(chunk IDAT is cut off\)$/);
    assert.throws(() => decodePng(png.subarray(0, png.length - 12), 'c.png'), /^Error: c\.png: truncated PNG/);
    assert.throws(() => decodePng(Buffer.from('GIF89a'), 'd.gif'), { message: 'd.gif: not a PNG file' });
    assert.throws(() => decodePng(handBuilt(2, 2, 0, [[0, 1, 2]]), 'e.png'), /^Error: e\.png: truncated PNG image data/);
    assert.throws(() => decodePng(handBuilt(1, 1, 0, [[5, 1]]), 'f.png'), /f\.png: corrupt PNG \(unknown filter 5 in row 0\)/);
    assert.throws(() => decodePng(handBuilt(2, 1, 3, [[0, 0, 2]], [chunk('PLTE', Buffer.from([1, 2, 3, 4, 5, 6]))]), 'g.png'), /g\.png: .*palette index 2/);
    const sixteenBit = Buffer.concat([SIGNATURE, ihdr(1, 1, 0, 16), chunk('IEND', Buffer.alloc(0))]);
    assert.throws(() => decodePng(sixteenBit, 'h.png'), /h\.png: 16-bit PNGs are not supported/);
    const interlaced = Buffer.concat([SIGNATURE, ihdr(1, 1, 0, 8, 1), chunk('IEND', Buffer.alloc(0))]);
    assert.throws(() => decodePng(interlaced, 'i.png'), /i\.png: interlaced/);
    const unknownCritical = handBuilt(1, 1, 0, [[0, 9]], [chunk('QQQQ', Buffer.from([1]))]);
    assert.throws(() => decodePng(unknownCritical, 'j.png'), { message: 'j.png: unsupported PNG (critical chunk QQQQ)' });
    for (const err of [() => decodePng(corrupt, 'x'), () => decodePng(png.subarray(0, 30), 'x')]) {
      assert.throws(err, (e: Error) => !e.message.includes('\n'));
    }
  });

  it('refuses sizes past 8192×8192 pixels from the header, before inflating: a small file cannot claim gigabytes', () => {
    // A valid 10,000×10,000 gray image of zeros in about 100 KB (its rows inflate to 100 MB).
    const side = 10000;
    const idat = chunk('IDAT', zlib.deflateSync(Buffer.alloc((side + 1) * side), { level: 9 }));
    const bomb = Buffer.concat([SIGNATURE, ihdr(side, side, 0), idat, chunk('IEND', Buffer.alloc(0))]);
    assert.ok(bomb.length < 1 << 20);
    const before = process.resourceUsage().maxRSS;
    assert.throws(() => decodePng(bomb, 'bomb.png'), { message: 'bomb.png: unsupported PNG size 10000×10000 (more than 8192×8192 pixels)' });
    assert.ok((process.resourceUsage().maxRSS - before) / 1024 < 32, 'the image data was inflated');
    // The limit itself decodes (a 1×8192 strip, cheap) and the next pixel over is refused.
    assert.equal(decodePng(handBuilt(8192, 1, 0, [[0, ...new Array(8192).fill(0)]])).width, 8192);
    assert.throws(() => decodePng(Buffer.concat([SIGNATURE, ihdr(8192, 8193, 0), idat, chunk('IEND', Buffer.alloc(0))]), 'x'), /unsupported PNG size 8192×8193/);
  });

  it('refuses images whose bytes do not fit their size', () => {
    assert.throws(() => encodePng({ width: 2, height: 2, channels: 3, pixels: new Uint8Array(5) }), /5 bytes do not fit 2×2×3/);
    assert.throws(() => encodePng({ width: 0, height: 2, channels: 1, pixels: new Uint8Array(0) }), /bad size 0×2/);
    assert.throws(() => encodePng({ width: 1, height: 1, channels: 2 as 1, pixels: new Uint8Array(2) }), /unsupported channel count 2/);
  });

  it('agrees with PIL both ways (skipped without python3 + PIL)', (t) => {
    const dir = tempDir('png');
    const ours = randomImage(29, 17, 4, 3);
    fs.writeFileSync(path.join(dir, 'ours.png'), encodePng(ours));
    const script = `
import sys, os, random
from PIL import Image
d = sys.argv[1]
im = Image.open(os.path.join(d, 'ours.png'))
print(im.mode, im.size, bytes(im.tobytes()).hex())
random.seed(5)
noise = lambda n: bytes(random.randrange(256) if i % 5 else (i * 3) % 256 for i in range(n))
for mode, n in [('L', 1), ('RGB', 3), ('RGBA', 4), ('LA', 2)]:
    Image.frombytes(mode, (23, 19), noise(23 * 19 * n)).save(os.path.join(d, mode + '.png'))
p = Image.frombytes('P', (23, 19), noise(23 * 19))
p.putpalette(noise(768))
p.save(os.path.join(d, 'P.png'))
for mode in ['L', 'RGB', 'RGBA', 'LA', 'P']:
    im = Image.open(os.path.join(d, mode + '.png')).convert({'L': 'L', 'RGB': 'RGB', 'P': 'RGB'}.get(mode, 'RGBA'))
    print(mode, bytes(im.tobytes()).hex())`;
    const out = python(t, 'PIL', script, [dir]);
    if (out === null) return;
    const [first, ...rest] = out.trim().split('\n');
    assert.equal(first, `RGBA (29, 17) ${Buffer.from(ours.pixels).toString('hex')}`);
    for (const line of rest) {
      const [mode, hex] = line.split(' ');
      const decoded = decodePng(fs.readFileSync(path.join(dir, `${mode}.png`)), `${mode}.png`);
      assert.equal(Buffer.from(decoded.pixels).toString('hex'), hex, mode);
    }
  });
});
