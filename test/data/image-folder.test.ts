import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { drawFace, generateFaces, seededRandom } from '../../src/data/faces';
import { loadImageFolder, MAX_INPUT_PIXELS } from '../../src/data/image-folder';
import { loadDataset } from '../../src/data/select';
import { crc32, encodePng } from '../../src/io/png';
import { tempDir } from '../helpers/fixtures';

/** A w×h RGB image: left half red, right half blue. */
function halves(w: number, h: number): Uint8Array {
  const px = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px.set(x < w / 2 ? [255, 0, 0] : [0, 0, 255], (y * w + x) * 3);
  return px;
}

describe('image folders', () => {
  it('reads PNG and JPEG, resizes and center-crops, gives C×H×W RGB or gray', async () => {
    const dir = tempDir('images');
    fs.writeFileSync(path.join(dir, 'a.png'), encodePng({ width: 40, height: 20, channels: 3, pixels: halves(40, 20) }));
    await sharp(Buffer.from(halves(20, 40)), { raw: { width: 20, height: 40, channels: 3 } }).jpeg({ quality: 95 }).toFile(path.join(dir, 'b.jpg'));
    const rgb = await loadImageFolder(dir, { size: 8, grayscale: false });
    assert.deepEqual([rgb.count, rgb.channels, rgb.height, rgb.width, rgb.labels], [2, 3, 8, 8, null]);
    // a.png (wide) → the center crop keeps the red|blue boundary in the middle: red on the left, blue on the right.
    const r = (x: number, y: number) => rgb.images[0 * 64 + y * 8 + x];
    const b = (x: number, y: number) => rgb.images[2 * 64 + y * 8 + x];
    assert.ok(r(0, 4) > 200 && b(0, 4) < 50 && r(7, 4) < 50 && b(7, 4) > 200);
    const gray = await loadImageFolder(dir, { size: 8, grayscale: true });
    assert.equal(gray.channels, 1);
    assert.equal(gray.images.length, 2 * 64);
  });

  it('subfolders become classes', async () => {
    const dir = tempDir('classes');
    for (const name of ['cats', 'dogs']) {
      fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, name, 'x.png'), encodePng({ width: 4, height: 4, channels: 1, pixels: new Uint8Array(16).fill(name === 'cats' ? 0 : 255) }));
    }
    const data = await loadDataset(dir, { imageSize: 4 });
    assert.deepEqual(data.classes, ['cats', 'dogs']);
    assert.deepEqual(Array.from(data.labels!), [0, 1]);
  });

  it('a corrupt image is an error naming the file', async () => {
    const dir = tempDir('corrupt-images');
    fs.writeFileSync(path.join(dir, 'good.png'), encodePng({ width: 4, height: 4, channels: 3, pixels: new Uint8Array(48) }));
    fs.writeFileSync(path.join(dir, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]));
    await assert.rejects(loadImageFolder(dir, { size: 4, grayscale: false }), /broken\.jpg: not a readable image/);
  });

  it('refuses a small file announcing more pixels than the limit, before decoding it', async () => {
    // A valid 10,000×10,000 gray PNG of zeros, about 100 KB: within sharp's own default limit, past ours.
    const side = 10000;
    assert.ok(side * side > MAX_INPUT_PIXELS);
    const chunk = (type: string, data: Buffer) => {
      const out = Buffer.alloc(12 + data.length);
      out.writeUInt32BE(data.length, 0);
      out.write(type, 4, 'latin1');
      data.copy(out, 8);
      out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
      return out;
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(side, 0);
    ihdr.writeUInt32BE(side, 4);
    ihdr[8] = 8; // 8-bit gray, no interlace
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
      chunk('IDAT', zlib.deflateSync(Buffer.alloc((side + 1) * side), { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
    assert.ok(png.length < 1 << 20, `${png.length} bytes`);
    const dir = tempDir('bomb-images');
    fs.writeFileSync(path.join(dir, 'bomb.png'), png);
    await assert.rejects(loadImageFolder(dir, { size: 8, grayscale: true }), /bomb\.png: not a readable image \(.*pixel limit/);
  });

  it('refuses a folder whose images at the requested size would pass the 2 GiB limit, before allocating', async () => {
    const dir = tempDir('too-big');
    fs.writeFileSync(path.join(dir, 'a.png'), encodePng({ width: 4, height: 4, channels: 3, pixels: new Uint8Array(48) }));
    await assert.rejects(loadImageFolder(dir, { size: 30000, grayscale: false }), {
      message: `${dir}: 1 images of 3×30000×30000 take 2.5 GiB, more than the 2.0 GiB limit`,
    });
  });
});

describe('procedural faces', () => {
  it('the same seed draws the same faces; faces differ from each other', () => {
    const a = generateFaces(8, 32, 5);
    assert.deepEqual(generateFaces(8, 32, 5).images, a.images);
    assert.notDeepEqual(generateFaces(8, 32, 6).images, a.images);
    assert.deepEqual([a.count, a.channels, a.height, a.width], [8, 3, 32, 32]);
    const per = 3 * 32 * 32;
    for (let i = 1; i < 8; i++) assert.notDeepEqual(a.images.subarray(i * per, (i + 1) * per), a.images.subarray(0, per));
  });

  it('a face has skin in the middle, eyes darker than skin and a background at the corner', () => {
    const px = drawFace(64, seededRandom(11));
    const at = (x: number, y: number) => Array.from(px.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3));
    const brightness = (rgb: number[]) => rgb.reduce((a, b) => a + b) / 3;
    assert.notDeepEqual(at(0, 0), at(32, 40), 'corner and face differ');
    // Somewhere on the eye line there is a dark pupil.
    let darkest = 255;
    for (let y = 28; y < 48; y++) for (let x = 12; x < 52; x++) darkest = Math.min(darkest, brightness(at(x, y)));
    assert.ok(darkest < 60, `darkest eye-area pixel ${darkest}`);
  });
});
