// StarGAN: its networks' shapes, sizes and gradients, the domains and edits built from class and attribute
// labels, a few training steps on digits (ten class domains) and on attributed faces (nine attributes) with
// finite losses and flat live tensors, and a resume through the trainer that ends bit-identical.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { attributeRow, drawAttributedFace, drawAttributes, drawIdentity, FACE_ATTRIBUTE_NAMES } from '../../src/data/attributed-faces';
import type { ImageDataset } from '../../src/data/dataset';
import { seededRandom } from '../../src/data/faces';
import { loadBundledMnist } from '../../src/data/mnist';
import { mergeConfig, TrainConfig, validateConfig } from '../../src/gan/config';
import { domainsFromLogits, domainsOf, parseEdit, singleEdits } from '../../src/gan/domains';
import { StarDiscriminator, starDiscriminatorSize, StarGenerator, starGeneratorSize } from '../../src/gan/models/stargan-parts';
import { buildRun } from '../../src/gan/registry';
import { resolveConfig } from '../../src/gan/resolve';
import { decodePng } from '../../src/io/png';
import { manualSeed, memory, randn, setDefaultDType, tensor, tidy } from '../../src/torch';
import { ganforge, readMetrics, tempDir } from '../helpers/fixtures';
import { gradcheck, values } from '../helpers/gradcheck';
import { assertSameTensors, trainInTwoSessions } from '../helpers/same-checkpoint';
import { train } from '../../src/gan/trainer';
import { stepRun } from '../helpers/tiny-run';

/** `count` bundled digits spread over the classes, and `test` more as the held-out split. */
function digits(count: number, test: number): ImageDataset {
  const all = loadBundledMnist();
  const make = (from: number, n: number): ImageDataset => {
    const images = new Uint8Array(n * 784);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const at = ((from + i) * 97) % all.count; // the bundled digits are sorted by class
      images.set(all.images.subarray(at * 784, (at + 1) * 784), i * 784);
      labels[i] = all.labels![at];
    }
    return { name: `digits-${n}`, images, labels, count: n, channels: 1, height: 28, width: 28, classes: all.classes };
  };
  return { ...make(0, count), heldOut: make(count, test) };
}

/** `count` attributed faces of `size` pixels (CHW), with their attribute table. */
function faces(count: number, size: number, seed: number): ImageDataset {
  const random = seededRandom(seed);
  const per = 3 * size * size;
  const images = new Uint8Array(count * per);
  const rows: number[] = [];
  for (let i = 0; i < count; i++) {
    const attributes = drawAttributes(random);
    const hwc = drawAttributedFace(size, drawIdentity(random), attributes);
    for (let c = 0; c < 3; c++) for (let p = 0; p < size * size; p++) images[i * per + c * size * size + p] = hwc[p * 3 + c];
    rows.push(...attributeRow(attributes));
  }
  return {
    name: `faces-${count}`, images, labels: null, count, channels: 3, height: size, width: size, classes: null,
    attributes: { names: [...FACE_ATTRIBUTE_NAMES], values: Int8Array.from(rows) },
  };
}

function config(data: ImageDataset, overrides: Partial<TrainConfig>): TrainConfig {
  return {
    ...resolveConfig({ flags: { model: 'stargan', steps: 12, batchSize: 4, width: 4, dSteps: 2, metricsEvery: 1, logEvery: 4, ...overrides } }),
    imageShape: [data.channels, data.height, data.width],
    numClasses: data.classes?.length ?? 0,
    attributes: data.attributes?.names.join(',') ?? null,
  };
}

describe('StarGAN networks', () => {
  it('G keeps the image shape; D gives a patch map and K domain logits; sizes match the counts', () => {
    manualSeed(1);
    for (const [shape, K, patches] of [[[1, 28, 28], 10, 7], [[3, 16, 16], 9, 4], [[3, 64, 64], 9, 4]] as const) {
      const g = new StarGenerator([...shape], K, 4, 2);
      const d = new StarDiscriminator([...shape], K, 4);
      tidy(() => {
        const x = randn([2, ...shape]);
        const y = g.edit(x, tensor(Array.from({ length: 2 * K }, (_, i) => i % 2), [2, K]));
        assert.deepEqual(y.shape, [2, ...shape]);
        assert.ok(y.abs().max().item() <= 1, 'tanh output');
        const { scores, logits } = d.judge(x);
        assert.deepEqual(scores.shape, [2, 1, patches, patches]);
        assert.deepEqual(logits.shape, [2, K]);
      });
      const count = (m: StarGenerator | StarDiscriminator) => [...m.stateDict().values()].reduce((n, t) => n + t.numel, 0);
      assert.equal(count(g), starGeneratorSize([...shape], K, 4, 2), `G size ${shape}`);
      assert.equal(count(d), starDiscriminatorSize([...shape], K, 4), `D size ${shape}`);
      g.dispose();
      d.dispose();
    }
  });

  it('the target domain changes the edit (G reads c)', () => {
    manualSeed(2);
    const g = new StarGenerator([1, 8, 8], 3, 4, 1);
    tidy(() => {
      const x = randn([1, 1, 8, 8]);
      const a = g.edit(x, tensor([1, 0, 0], [1, 3]));
      const b = g.edit(x, tensor([0, 0, 1], [1, 3]));
      assert.ok(a.sub(b).abs().max().item() > 1e-4);
    });
    g.dispose();
  });
});

describe('StarGAN gradients (float64)', () => {
  before(() => setDefaultDType('float64'));
  after(() => setDefaultDType('float32'));

  it('G w.r.t. the image and the domain vector, and D w.r.t. its input', () => {
    manualSeed(3);
    const g = new StarGenerator([1, 8, 8], 2, 2, 1);
    gradcheck('StarGAN G', (x, c) => g.edit(x, c), [{ data: values(2 * 64, 41), shape: [2, 1, 8, 8] }, { data: [1, 0, 0.3, 0.7], shape: [2, 2] }], { atol: 1e-5 });
    g.dispose();
    const d = new StarDiscriminator([1, 8, 8], 3, 2);
    gradcheck('StarGAN D scores', (x) => d.judge(x).scores, [{ data: values(2 * 64, 42), shape: [2, 1, 8, 8] }]);
    gradcheck('StarGAN D logits', (x) => d.judge(x).logits, [{ data: values(2 * 64, 43), shape: [2, 1, 8, 8] }]);
    d.dispose();
  });
});

describe('StarGAN domains', () => {
  it('attributes: hair colours and ages are one-of groups, glasses and smile flip alone', () => {
    const domains = domainsOf({ attributes: FACE_ATTRIBUTE_NAMES.join(','), numClasses: 0 });
    assert.deepEqual(domains.groups.map((g) => g.columns), [[0, 1, 2, 3], [4, 5, 6]]);
    const edits = singleEdits(domains);
    assert.deepEqual(edits.map((e) => e.label), ['Black_Hair', 'Blond_Hair', 'Brown_Hair', 'Gray_Hair', 'Young', 'Middle_Aged', 'Old', '±Eyeglasses', '±Smiling']);
    // Black hair, old, glasses, no smile → blond: hair changes, the rest stays; → ±Smiling flips the smile alone.
    const c = Float32Array.from([1, 0, 0, 0, 0, 0, 1, 1, 0]);
    assert.deepEqual([...edits[1].apply(c)], [0, 1, 0, 0, 0, 0, 1, 1, 0]);
    assert.deepEqual([...edits[4].apply(c)], [1, 0, 0, 0, 1, 0, 0, 1, 0]);
    assert.deepEqual([...edits[8].apply(c)], [1, 0, 0, 0, 0, 0, 1, 1, 1]);
    // CelebA's lone Young (no other age column) is binary.
    assert.deepEqual(domainsOf({ attributes: "Black_Hair,Blond_Hair,Young", numClasses: 0 }).groups.map((g) => g.columns), [[0, 1]]);
  });

  it('classes: one group over all classes', () => {
    const domains = domainsOf({ attributes: null, numClasses: 3 });
    assert.equal(domains.kind, 'classes');
    assert.deepEqual([...singleEdits(domains)[2].apply(Float32Array.from([1, 0, 0]))], [0, 0, 1]);
  });

  it('a config refuses malformed attribute names in one line', () => {
    const base = config(faces(4, 16, 1), {});
    assert.throws(() => validateConfig({ ...base, attributes: 'Blond_Hair,Blond_Hair' }), /attributes must be up to 1000 distinct comma-separated names/);
    assert.throws(() => validateConfig({ ...base, attributes: 'a b' }), /attributes must be/);
    assert.throws(() => mergeConfig(base, { attributes: 3 }, 'run.json'), /run\.json: 'attributes' must be a string or null, got 3/);
  });
});

describe('StarGAN trains', () => {
  const cases: [string, ImageDataset][] = [['digits, ten class domains', digits(32, 8)], ['16-pixel faces, nine attributes', faces(24, 16, 5)]];
  for (const [what, data] of cases) {
    it(`${what}: finite losses, live tensors flat`, () => {
      const run = buildRun(config(data, {}), data);
      const { scalars, live } = stepRun(run, 12);
      run.dispose();
      for (const s of scalars) for (const key of ['loss_d', 'loss_d_cls']) assert.ok(Number.isFinite(s[key]), `${key}: ${JSON.stringify(s)}`);
      const withG = scalars.filter((s) => 'loss_g' in s);
      assert.equal(withG.length, 6, 'G every second step (dSteps 2)');
      for (const s of withG) for (const key of ['loss_g', 'loss_g_cls', 'loss_rec']) assert.ok(Number.isFinite(s[key]), `${key}: ${JSON.stringify(s)}`);
      assert.equal(new Set(live.slice(2)).size, 1, `live tensors flat: ${[...new Set(live)]}`);
    });
  }

  it('refuses data without domains in one line', () => {
    const data = digits(8, 2);
    const unlabelled = { ...data, labels: null, classes: null };
    assert.throws(() => buildRun({ ...config(unlabelled, {}), numClasses: 0 }, unlabelled), /model 'stargan' needs domains: class labels \(2 or more classes\) or attribute labels/);
  });

  it('through the trainer: input | edits grids, and a resume that ends bit-identical', async () => {
    const data = digits(24, 8);
    const root = tempDir('stargan-resume');
    const straight = path.join(root, 'straight');
    const before = memory().liveTensors;
    await train(config(data, { steps: 12 }), data, straight, null, { log: () => undefined });
    assert.equal(memory().liveTensors, before, 'the run frees every tensor');
    const grid = decodePng(fs.readFileSync(path.join(straight, 'samples', 'epoch-0002.png')));
    // 8 held-out examples, each as input + 10 class edits, two examples (22 tiles of 28 + 2 padding) per row.
    assert.deepEqual([grid.width, grid.height], [22 * 30 + 2, 4 * 30 + 2]);
    const firstInput = data.heldOut!.images.subarray(0, 784);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) assert.equal(grid.pixels[(2 + y) * grid.width + 2 + x], firstInput[y * 28 + x]);

    const split = path.join(root, 'split');
    await trainInTwoSessions(config(data, { steps: 12 }), data, split, 5);
    const keys = ['step', 'loss_d', 'loss_d_cls', 'loss_g', 'loss_g_cls', 'loss_rec'];
    const pick = (r: Record<string, number>) => keys.map((k) => r[k]);
    assert.deepEqual(readMetrics(split).map(pick), readMetrics(straight).map(pick));
    assertSameTensors(path.join(split, 'checkpoints', 'last.safetensors'), path.join(straight, 'checkpoints', 'last.safetensors'));
  });
});

describe('edits asked for by name', () => {
  const faceDomains = domainsOf({ attributes: FACE_ATTRIBUTE_NAMES.join(','), numClasses: 0 });

  it('--set sets groups by word and binary attributes by name; the rest keeps the input\'s values', () => {
    const c = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]); // black hair, young, no glasses, smiling
    assert.deepEqual([...parseEdit(faceDomains, 'hair=grey, age=Old,eyeglasses=yes').apply(c)], [0, 0, 0, 1, 0, 0, 1, 1, 1]);
    assert.deepEqual([...parseEdit(faceDomains, 'smiling=no').apply(c)], [1, 0, 0, 0, 1, 0, 0, 0, 0]);
    assert.deepEqual([...parseEdit(domainsOf({ attributes: null, numClasses: 10 }), 'class=7').apply(oneHotRow(3, 10))], [...oneHotRow(7, 10)]);
  });

  it('refuses an unknown attribute, an unknown value, a repeat and a malformed pair, naming the choices', () => {
    assert.throws(() => parseEdit(faceDomains, 'wings=yes'), /no attribute 'wings' \(it edits hair=black\|blond\|brown\|gray, age=young\|middle\|old, eyeglasses=yes\|no, smiling=yes\|no\)/);
    assert.throws(() => parseEdit(faceDomains, 'hair=pink'), /hair cannot be 'pink' \(choices: black, blond, brown, gray\)/);
    assert.throws(() => parseEdit(faceDomains, 'age=old,age=young'), /age is set twice/);
    assert.throws(() => parseEdit(faceDomains, 'eyeglasses=maybe'), /eyeglasses takes yes or no/);
    assert.throws(() => parseEdit(faceDomains, 'blond'), /'blond' is not KEY=VALUE/);
  });

  it("reads an input's own domains from the classifier's logits: argmax per group, positive logits for the rest", () => {
    const logits = Float32Array.from([0.1, 2, -1, 0.5, -3, 0.2, 0.1, 0.4, -0.4]);
    assert.deepEqual([...domainsFromLogits(faceDomains, logits, 1)], [0, 1, 0, 0, 0, 1, 0, 1, 0]);
  });
});

describe('ganforge edit', () => {
  const root = tempDir('edit-cli');
  const data = path.join(root, 'faces');
  const run = path.join(root, 'run');

  it('edits a folder keeping names and count, and writes strips of every edit with --all', () => {
    assert.equal(ganforge(['data', 'faces', '--attributes', '--n', '12', '--test-n', '2', '--size', '16', '--out', data]).status, 0);
    const trained = ganforge(['train', '--model', 'stargan', '--dataset', data, '--image-size', '16', '--width', '4', '--batch-size', '4', '--steps', '3', '--out', run]);
    assert.equal(trained.status, 0, trained.stderr);
    const inputs = fs.readdirSync(path.join(data, 'test')).filter((f) => f.endsWith('.png'));
    const out = path.join(root, 'out');
    const done = ganforge(['edit', '--checkpoint', run, '--in', path.join(data, 'test'), '--set', 'hair=blond,age=old', '--out', out]);
    assert.equal(done.status, 0, done.stderr);
    assert.deepEqual(fs.readdirSync(out).sort(), inputs.sort());
    const one = decodePng(fs.readFileSync(path.join(out, inputs[0])));
    assert.deepEqual([one.width, one.height, one.channels], [16, 16, 3]);
    const strips = path.join(root, 'strips');
    assert.equal(ganforge(['edit', '--checkpoint', run, '--in', path.join(data, 'test', inputs[0]), '--all', '--out', strips]).status, 0);
    const strip = decodePng(fs.readFileSync(path.join(strips, inputs[0])));
    // The input and nine single edits in one row of 16-pixel tiles with 2 pixels of padding.
    assert.deepEqual([strip.width, strip.height], [10 * 18 + 2, 18 + 2]);
  });

  it('refuses an unknown attribute, --set with --all, and a run of another model, in one line, writing nothing', () => {
    const noise = path.join(root, 'noise');
    assert.equal(ganforge(['train', '--model', 'mlp', '--steps', '1', '--batch-size', '8', '--out', noise]).status, 0);
    const test = path.join(data, 'test');
    const cases: [string[], RegExp][] = [
      [['--checkpoint', run, '--in', test, '--set', 'wings=yes'], /--set: this run has no attribute 'wings' \(it edits hair=/],
      [['--checkpoint', run, '--in', test, '--set', 'hair=blond', '--all'], /give exactly one of --set KEY=VALUE,… and --all/],
      [['--checkpoint', noise, '--in', test, '--set', 'hair=blond'], /model 'mlp' does not edit attributes; edit needs a stargan or agecgan run/],
    ];
    for (const [args, pattern] of cases) {
      const out = path.join(root, `refused-${cases.findIndex((c) => c[0] === args)}`);
      const result = ganforge(['edit', ...args, '--out', out]);
      assert.notEqual(result.status, 0, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, pattern);
      assert.ok(!fs.existsSync(out), `${args.join(' ')} wrote ${out}`);
    }
  });
});

function oneHotRow(k: number, K: number): Float32Array {
  return Float32Array.from({ length: K }, (_, j) => (j === k ? 1 : 0));
}
