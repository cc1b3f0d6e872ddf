// Attribute-labelled data: CelebA's attribute and identity formats read and written (and hostile files refused
// in one line), the procedural faces honouring each attribute exactly, and `ganforge data faces --attributes`
// read back through the attributed layout.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { attributeValue, formatAttributeText, MAX_ATTRIBUTE_FILE_BYTES, parseAttributeText, parseIdentityText, readAttributeFile, selectAttributes } from '../../src/data/attribute-file';
import { drawAttributedFace, drawIdentity, FACE_ATTRIBUTE_NAMES, FaceAttributes } from '../../src/data/attributed-faces';
import { readAttributedFolder, selectDatasetAttributes } from '../../src/data/attributed-folder';
import { pickRows } from '../../src/data/dataset';
import { seededRandom } from '../../src/data/faces';
import { loadDataset } from '../../src/data/select';
import { ageGroupOf, parseUtkName } from '../../src/data/utkface';
import { encodePng } from '../../src/io/png';
import sharp from 'sharp';
import { ganforge, tempDir } from '../helpers/fixtures';

// Two rows in CelebA's own layout: a row count, names, then values padded with runs of spaces.
const CELEBA = '2\n5_o_Clock_Shadow Black_Hair Young \n000001.jpg -1  1  1\n000002.jpg  1 -1 -1\n';

describe("CelebA's attribute format", () => {
  it('reads the row count, the names and the ±1 values, with or without the count line', () => {
    const table = parseAttributeText(CELEBA, 'list');
    assert.deepEqual(table.names, ['5_o_Clock_Shadow', 'Black_Hair', 'Young']);
    assert.deepEqual(table.files, ['000001.jpg', '000002.jpg']);
    assert.deepEqual([...table.values], [-1, 1, 1, 1, -1, -1]);
    assert.equal(attributeValue(table, 1, 0), 1);
    const noCount = parseAttributeText('A B\nx.png 0 1\n', 'list');
    assert.deepEqual([...noCount.values], [-1, 1], '0 reads as "has it not"');
  });

  it('round-trips through its own writer', () => {
    const table = parseAttributeText(CELEBA, 'list');
    assert.deepEqual(parseAttributeText(formatAttributeText(table), 'again'), table);
  });

  it('selects columns by name, in the order asked, and names the choices for an unknown one', () => {
    const picked = selectAttributes(parseAttributeText(CELEBA, 'list'), ['Young', 'Black_Hair']);
    assert.deepEqual(picked.names, ['Young', 'Black_Hair']);
    assert.deepEqual([...picked.values], [1, 1, -1, -1]);
    assert.throws(() => selectAttributes(picked, ['Blond_Hair']), /no attribute 'Blond_Hair' \(the file has Young, Black_Hair\)/);
  });

  const BAD: [string, string, RegExp][] = [
    ['a short row', 'A B\nx.png 1\n', /list:2: x\.png has 1 values for 2 attributes/],
    ['a value other than ±1', 'A\nx.png 2\n', /list:2: x\.png: '2' is not 1 or -1/],
    ['a file listed twice', 'A\nx.png 1\nx.png -1\n', /list:3: x\.png is listed twice/],
    ['a path instead of a file name', 'A\n../x.png 1\n', /list:2: '\.\.\/x\.png' is not a plain file name/],
    ['a wrong row count', '3\nA\nx.png 1\n', /list:1: announces 3 rows but has 1/],
    ['no rows', 'A B\n', /no rows after the attribute names/],
    ['a name twice', 'A A\nx.png 1 1\n', /attribute 'A' is named twice/],
  ];
  for (const [what, text, says] of BAD) it(`refuses ${what} with the line`, () => assert.throws(() => parseAttributeText(text, 'list'), says));

  it('refuses an oversized file before reading it', () => {
    const file = path.join(tempDir('attr-big'), 'list_attr.txt');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, MAX_ATTRIBUTE_FILE_BYTES + 1); // sparse: nothing real to read
    assert.throws(() => readAttributeFile(file), /attribute files over \d+ bytes are refused/);
  });

  it("reads CelebA's identity file and refuses a malformed line", () => {
    assert.deepEqual([...parseIdentityText('000001.jpg 2880\n000002.jpg 17\n', 'ids')], [['000001.jpg', 2880], ['000002.jpg', 17]]);
    assert.throws(() => parseIdentityText('000001.jpg two\n', 'ids'), /ids:1: expected 'FILE IDENTITY'/);
  });
});

describe('faces with attributes', () => {
  const size = 32;
  const person = drawIdentity(seededRandom(7));
  const base: FaceAttributes = { hair: 'brown', age: 'middle', glasses: false, smile: false };
  /** Rows of the image where `a` and `b` differ (any channel). */
  const changedRows = (a: Uint8Array, b: Uint8Array) => {
    const rows = new Set<number>();
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) rows.add(Math.floor(i / (size * 3)));
    return [...rows].sort((x, y) => x - y);
  };

  it('draws the same person with the same attributes identically', () => {
    assert.deepEqual(drawAttributedFace(size, person, base), drawAttributedFace(size, drawIdentity(seededRandom(7)), { ...base }));
  });

  it('changes only the eye band for glasses and only below the eyes for a smile', () => {
    const plain = drawAttributedFace(size, person, base);
    const eyeRow = (person.cy + person.ry * person.eyeY) * size;
    const glasses = changedRows(plain, drawAttributedFace(size, person, { ...base, glasses: true }));
    assert.ok(glasses.length > 0, 'glasses changed nothing');
    for (const r of glasses) assert.ok(Math.abs(r - eyeRow) < size * 0.2, `glasses changed row ${r}, far from the eyes at ${eyeRow.toFixed(1)}`);
    const smile = changedRows(plain, drawAttributedFace(size, person, { ...base, smile: true }));
    assert.ok(smile.length > 0, 'a smile changed nothing');
    for (const r of smile) assert.ok(r > eyeRow, `a smile changed row ${r}, above the eyes at ${eyeRow.toFixed(1)}`);
  });

  it('changes the hair colour and age visibly', () => {
    const plain = drawAttributedFace(size, person, base);
    for (const other of [{ ...base, hair: 'blond' as const }, { ...base, age: 'old' as const }, { ...base, age: 'young' as const }]) {
      const drawn = drawAttributedFace(size, person, other);
      let differing = 0;
      for (let i = 0; i < plain.length; i++) if (Math.abs(plain[i] - drawn[i]) > 16) differing++;
      assert.ok(differing > plain.length * 0.02, `${JSON.stringify(other)} changed only ${differing} of ${plain.length} values`);
    }
  });
});

describe('ganforge data faces --attributes', () => {
  const dir = path.join(tempDir('attr-faces'), 'faces');
  const made = ganforge(['data', 'faces', '--attributes', '--n', '7', '--test-n', '2', '--size', '16', '--out', dir]);

  it('writes train/ and test/ with an attribute file and an identity file each', async () => {
    assert.equal(made.status, 0, made.stderr);
    const train = await readAttributedFolder(path.join(dir, 'train'), { size: 16, grayscale: false });
    assert.equal(train.dataset.count, 7);
    assert.deepEqual(train.attributes.names, [...FACE_ATTRIBUTE_NAMES]);
    assert.deepEqual([...train.identities!], [0, 0, 0, 1, 1, 1, 2], 'three images per training person');
    // Exactly one hair colour and one age group per row.
    for (let r = 0; r < 7; r++) {
      const row = FACE_ATTRIBUTE_NAMES.map((_, k) => attributeValue(train.attributes, r, k));
      assert.equal(row.slice(0, 4).filter((v) => v > 0).length, 1);
      assert.equal(row.slice(4, 7).filter((v) => v > 0).length, 1);
    }
  });

  it('draws each test person, unseen in training, at every age with the rest fixed', async () => {
    const test = await readAttributedFolder(path.join(dir, 'test'), { size: 16, grayscale: false });
    assert.equal(test.dataset.count, 6);
    const ids = [...test.identities!];
    assert.deepEqual(ids, [3, 3, 3, 4, 4, 4]);
    for (const start of [0, 3]) {
      const rows = [0, 1, 2].map((i) => FACE_ATTRIBUTE_NAMES.map((_, k) => attributeValue(test.attributes, start + i, k)));
      assert.deepEqual(rows.map((r) => r.slice(4, 7).indexOf(1)), [0, 1, 2], 'young, middle, old');
      for (const r of rows) assert.deepEqual([...r.slice(0, 4), ...r.slice(7)], [...rows[0].slice(0, 4), ...rows[0].slice(7)]);
    }
  });

  it('loads as a data set with attributes and identities, test/ held out, rows picked with their labels', async () => {
    const data = await loadDataset(dir, { imageSize: 16 });
    assert.equal(data.count, 7);
    assert.equal(data.targets, undefined, 'read as pix2pix pairs');
    assert.deepEqual(data.attributes!.names, [...FACE_ATTRIBUTE_NAMES]);
    assert.equal(data.heldOut!.count, 6);
    assert.deepEqual([...data.heldOut!.identities!], [3, 3, 3, 4, 4, 4]);
    const width = FACE_ATTRIBUTE_NAMES.length;
    const picked = pickRows(data, [6, 0], 'two');
    assert.deepEqual([...picked.attributes!.values], [...data.attributes!.values.subarray(6 * width, 7 * width), ...data.attributes!.values.subarray(0, width)]);
    assert.deepEqual([...picked.identities!], [2, 0]);
  });

  it('refuses a listed file that is missing, and --attributes for other kinds', async () => {
    fs.rmSync(path.join(dir, 'test', '000002.png'));
    await assert.rejects(readAttributedFolder(path.join(dir, 'test'), { size: 16, grayscale: false }), /lists 000002\.png, which is not in the folder/);
    const other = ganforge(['data', 'edges2digits', '--attributes', '--out', path.join(dir, 'x')]);
    assert.equal(other.status, 2);
    assert.match(other.stderr, /--attributes applies to faces, not edges2digits/);
    assert.ok(!fs.existsSync(path.join(dir, 'x')));
  });
});

describe("UTKFace's file names", () => {
  it('give age, gender and race, and age buckets at 30 and 60', () => {
    assert.deepEqual(parseUtkName('26_1_0_20170116171048.jpg.chip.jpg'), { age: 26, gender: 'female', race: 0 });
    assert.equal(parseUtkName('face-001.png'), null);
    assert.equal(parseUtkName('200_0_0_1.jpg'), null, 'an age beyond any person');
    assert.deepEqual([0, 29, 30, 59, 60, 116].map(ageGroupOf), ['young', 'young', 'middle', 'middle', 'old', 'old']);
  });

  it('label a folder so named with age-group attributes, in file order', async () => {
    const dir = tempDir('utkface');
    const names = ['61_0_1_1.jpg', '05_1_2_2.jpg', '45_0_3_3.jpg'];
    const gray = { width: 8, height: 8, channels: 1 as const, pixels: new Uint8Array(64).fill(90) };
    for (const name of names) fs.writeFileSync(path.join(dir, name), await sharp(Buffer.from(encodePng(gray))).jpeg().toBuffer());
    const data = await loadDataset(dir, { imageSize: 8 });
    assert.equal(data.count, 3);
    assert.deepEqual(data.attributes!.names, ['Young', 'Middle_Aged', 'Old', 'Male']);
    // Sorted names: 05_… (young, female), 45_… (middle, male), 61_… (old, male).
    assert.deepEqual([...data.attributes!.values], [1, -1, -1, -1, -1, 1, -1, 1, -1, -1, 1, 1]);
  });
});

describe('CelebA as users have it: an image folder and an attribute file, some columns selected', () => {
  const root = tempDir('celeba-like');
  const faces = path.join(root, 'faces');

  it('trains StarGAN on the folder with --attributes FILE --select, recording the columns it learned', () => {
    assert.equal(ganforge(['data', 'faces', '--attributes', '--n', '12', '--test-n', '1', '--size', '16', '--out', faces]).status, 0);
    // CelebA's shape: img_align_celeba/ holds the images, the list lives beside it.
    const list = path.join(root, 'list_attr_celeba.txt');
    fs.renameSync(path.join(faces, 'train', 'list_attr.txt'), list);
    const run = path.join(root, 'run');
    const trained = ganforge(['train', '--model', 'stargan', '--dataset', path.join(faces, 'train'), '--attributes', list, '--select', 'Blond_Hair,Black_Hair,Young',
      '--image-size', '16', '--width', '4', '--residual-blocks', '1', '--batch-size', '4', '--steps', '2', '--out', run]);
    assert.equal(trained.status, 0, trained.stderr);
    const config = JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8'));
    assert.equal(config.attributes, 'Blond_Hair,Black_Hair,Young');
    assert.equal(config.attributeFile, list);
  });

  it('refuses a column the file lacks, naming the choices, and --select on data without attributes', () => {
    const list = path.join(root, 'list_attr_celeba.txt');
    const unknown = ganforge(['train', '--model', 'stargan', '--dataset', path.join(faces, 'train'), '--attributes', list, '--select', 'Wings',
      '--image-size', '16', '--steps', '1', '--out', path.join(root, 'x')]);
    assert.equal(unknown.status, 2, unknown.stderr);
    assert.match(unknown.stderr, /--select: no attribute 'Wings' \(the file has Black_Hair, Blond_Hair, Brown_Hair, Gray_Hair, Young, Middle_Aged, Old, Eyeglasses, Smiling\)/);
    const none = ganforge(['train', '--model', 'stargan', '--select', 'Young', '--steps', '1', '--out', path.join(root, 'y')]);
    assert.equal(none.status, 2, none.stderr);
    assert.match(none.stderr, /--select selects attribute columns, and mnist has no attribute labels/);
    for (const r of [unknown, none]) assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });

  it('selects the same columns in the held-out split', async () => {
    const layout = path.join(root, 'layout');
    assert.equal(ganforge(['data', 'faces', '--attributes', '--n', '3', '--test-n', '1', '--size', '16', '--out', layout]).status, 0);
    const data = selectDatasetAttributes(await loadDataset(layout, { imageSize: 16 }), ['Old', 'Smiling']);
    assert.deepEqual(data.attributes!.names, ['Old', 'Smiling']);
    assert.deepEqual(data.heldOut!.attributes!.names, ['Old', 'Smiling']);
    // The one test person at young, middle and old: Old is −1, −1, +1.
    assert.deepEqual([0, 1, 2].map((r) => data.heldOut!.attributes!.values[r * 2]), [-1, -1, 1]);
  });
});
