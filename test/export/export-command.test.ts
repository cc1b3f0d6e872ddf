// `ganforge export` end to end: tiny trained runs exported through the CLI and run with onnxruntime give the
// images libtorch draws from the same checkpoint's chosen weights (the moving average by default, G with --raw);
// the judge's classifier exports and scores as the built-in one; bad input gets one line, a non-zero exit, and
// leaves the output folder as it was.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { onnxType } from '../../src/export/onnx/schema';
import { modelSpec } from '../../src/gan/adversarial';
import { readCheckpoint, restoreNetwork } from '../../src/gan/checkpoint';
import { familyFor } from '../../src/gan/registry';
import { RunDir } from '../../src/gan/run-dir';
import { generate } from '../../src/gan/sampling';
import { classifierFor } from '../../src/metrics/classifier';
import { classifierExtractor, onnxExtractor } from '../../src/metrics/extractor';
import { referenceData } from '../../src/metrics/reference';
import { manualSeed, randint, randn } from '../../src/torch';
import { ganforge, tempDir } from '../helpers/fixtures';
import { assertCleanRefusal, assertFolderUnchanged, folderFingerprint, ganforgeMeasured } from '../helpers/hostile';
import { checkStructure, maxAbsDiff, ortMissing, runOnnx } from '../helpers/onnx';
import { rewriteCheckpoint, tinyDigitsFolder } from '../helpers/tiny-run';
import { encodePng } from '../../src/io/png';
import { loadTranslator } from '../../src/gan/run-translate';

const RSS_CAP_MIB = 400;

/** libtorch's images from the checkpoint's network `prefix` and onnxruntime's from the exported file, same inputs. */
async function bothImages(run: string, prefix: string, onnxFile: string): Promise<{ torch: Float32Array; onnx: Float32Array }> {
  const checkpoint = readCheckpoint(new RunDir(run).checkpointPath);
  const { config } = checkpoint;
  const sampler = familyFor(config).noiseSampler!;
  const generator = sampler.generator(modelSpec(config));
  restoreNetwork(checkpoint, prefix, generator);
  checkpoint.dispose();
  const conditional = sampler.conditioning !== 'none';
  manualSeed(3);
  const n = 4;
  const z = randn([n, config.latentDim]);
  const labels = conditional ? randint(0, config.numClasses, [n]) : undefined;
  const torch = generate(generator, z, labels);
  const { image } = await runOnnx(fs.readFileSync(onnxFile), {
    z: { data: z.toFloat32Array(), dims: [n, config.latentDim] },
    ...(labels ? { class: { data: labels.toTypedArray() as BigInt64Array, dims: [n] } } : {}),
  });
  generator.dispose();
  z.dispose();
  labels?.dispose();
  return { torch, onnx: image.data };
}

function metadataOf(file: string): Record<string, string> {
  const ModelProto = onnxType('ModelProto');
  const model = ModelProto.toObject(ModelProto.decode(fs.readFileSync(file))) as { metadata_props: { key: string; value: string }[] };
  return Object.fromEntries(model.metadata_props.map((p) => [p.key, p.value]));
}

describe('ganforge export', { skip: ortMissing(), timeout: 600_000 }, () => {
  const root = tempDir('export');
  const data = tinyDigitsFolder(64, 8);
  const train = (model: string, name: string, extra: string[]) => {
    const run = path.join(root, name);
    const made = ganforge(['train', '--model', model, '--width', '2', '--latent-dim', '4', '--dataset', data, '--batch-size', '32',
      '--steps', '4', '--grid-size', '4', '--out', run, ...extra]);
    assert.equal(made.status, 0, made.stderr);
    return run;
  };
  const dcgan = train('dcgan', 'dcgan', ['--ema', '0.9']);
  const acgan = train('acgan', 'acgan', []);
  const out = path.join(root, 'out');
  fs.mkdirSync(out);

  it('exports the moving average by default and G with --raw, each drawing libtorch\'s images', async () => {
    const average = path.join(out, 'dcgan.onnx');
    const raw = path.join(out, 'dcgan-raw.onnx');
    const strict = path.join(out, 'dcgan-ema.onnx');
    for (const [file, flags] of [[average, []], [raw, ['--raw']], [strict, ['--ema', '--opset', '13']]] as const) {
      const result = ganforge(['export', '--checkpoint', dcgan, '--onnx', file, ...flags]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*dcgan generator`));
    }
    checkStructure(fs.readFileSync(average), { opset: 17, inputs: { z: ['batch', 4] }, outputs: { image: ['batch', 1, 8, 8] } });
    checkStructure(fs.readFileSync(strict), { opset: 13, inputs: { z: ['batch', 4] }, outputs: { image: ['batch', 1, 8, 8] } });
    const e = await bothImages(dcgan, 'E', average);
    const g = await bothImages(dcgan, 'G', raw);
    assert.ok(maxAbsDiff(e.onnx, e.torch) <= 1e-4, 'the default export is E');
    assert.ok(maxAbsDiff(g.onnx, g.torch) <= 1e-4, '--raw exports G');
    assert.ok(maxAbsDiff(e.torch, g.torch) > 1e-5, 'E and G differ after training, so the check tells them apart');
    assert.ok(maxAbsDiff((await bothImages(dcgan, 'E', strict)).onnx, e.torch) <= 1e-4, '--ema exports E');
    assert.match(metadataOf(average).weights, /^E \(moving average/);
    assert.equal(metadataOf(raw).weights, 'G');
    assert.equal(metadataOf(average).model, 'dcgan');
  });

  it('a conditional run exports with a class input; --ema on a run without a moving average is refused', async () => {
    const file = path.join(out, 'acgan.onnx');
    const result = ganforge(['export', '--checkpoint', acgan, '--onnx', file]);
    assert.equal(result.status, 0, result.stderr);
    checkStructure(fs.readFileSync(file), { opset: 17, inputs: { z: ['batch', 4], class: ['batch'] }, outputs: { image: ['batch', 1, 8, 8] } });
    const g = await bothImages(acgan, 'G', file);
    assert.ok(maxAbsDiff(g.onnx, g.torch) <= 1e-4);
    const before = folderFingerprint(out);
    const refused = ganforgeMeasured(['export', '--checkpoint', acgan, '--ema', '--onnx', path.join(out, 'no.onnx')]);
    assertCleanRefusal(refused, '--ema without a moving average', { pattern: /kept no moving average of G .*--raw/, maxRssMiB: RSS_CAP_MIB });
    assertFolderUnchanged(out, before, '--ema without a moving average');
  });

  it('bad input: one line, a non-zero exit, the output folder untouched', () => {
    const bytes = fs.readFileSync(new RunDir(dcgan).checkpointPath);
    const bad = path.join(root, 'bad');
    fs.mkdirSync(bad);
    const write = (name: string, content: Buffer) => {
      fs.writeFileSync(path.join(bad, name), content);
      return path.join(bad, name);
    };
    // A per-class run folder holds one run per class and no checkpoint of its own.
    const perClass = path.join(root, 'per-class');
    fs.mkdirSync(perClass);
    fs.writeFileSync(path.join(perClass, 'per-class.json'), '{}');
    const cases: { what: string; args: string[]; pattern: RegExp; status?: number }[] = [
      { what: 'missing checkpoint', args: ['--checkpoint', path.join(root, 'nothing-here')], pattern: /cannot read .*nothing-here/ },
      { what: 'truncated checkpoint', args: ['--checkpoint', write('truncated.safetensors', bytes.subarray(0, bytes.length >> 1))], pattern: /truncated\.safetensors/ },
      { what: 'not a checkpoint', args: ['--checkpoint', write('config.json', Buffer.from('{"model": "dcgan"}'))], pattern: /config\.json/ },
      {
        what: 'unknown family',
        args: ['--checkpoint', write('unknown.safetensors', rewriteCheckpoint(bytes, (p) => (p.config.model = 'stylegan9')))],
        pattern: /unknown\.safetensors: .*unknown model 'stylegan9'/,
      },
      {
        // A config claiming a model far larger than the file's tensors is refused before anything is built.
        what: 'a config claiming a huge model',
        args: ['--checkpoint', write('huge.safetensors', rewriteCheckpoint(bytes, (p) => (p.config.width = 1024)))],
        pattern: /huge\.safetensors: the generator's tensors hold \d+ values; the config's dcgan .* needs \d+/,
      },
      { what: 'a per-class run', args: ['--checkpoint', perClass], pattern: /is a per-class run .*export one class's model, e\.g\. .*class-0/ },
      { what: '--raw with --ema', args: ['--checkpoint', dcgan, '--raw', '--ema'], pattern: /--raw and --ema exclude each other/, status: 2 },
      { what: 'neither --checkpoint nor --classifier', args: [], pattern: /give --checkpoint RUN or --classifier/, status: 2 },
      { what: 'both --checkpoint and --classifier', args: ['--checkpoint', dcgan, '--classifier'], pattern: /one of them/, status: 2 },
      { what: '--dataset with a checkpoint', args: ['--checkpoint', dcgan, '--dataset', 'mnist'], pattern: /--dataset and --download go with --classifier/, status: 2 },
      { what: 'an unsupported opset', args: ['--checkpoint', dcgan, '--opset', '12'], pattern: /--opset: must be at least 13/, status: 2 },
    ];
    const before = folderFingerprint(out);
    for (const c of cases) {
      const result = ganforgeMeasured(['export', ...c.args, '--onnx', path.join(out, 'bad.onnx')]);
      assertCleanRefusal(result, c.what, { pattern: c.pattern, maxRssMiB: RSS_CAP_MIB });
      if (c.status !== undefined) assert.equal(result.status, c.status, c.what);
    }
    const wrongName = ganforgeMeasured(['export', '--checkpoint', dcgan, '--onnx', path.join(out, 'model.safetensors')]);
    assertCleanRefusal(wrongName, 'an output not named .onnx', { pattern: /should end in \.onnx/, maxRssMiB: RSS_CAP_MIB });
    const noFolder = ganforgeMeasured(['export', '--checkpoint', dcgan, '--onnx', path.join(out, 'missing', 'g.onnx')]);
    assertCleanRefusal(noFolder, 'an output folder that does not exist', { pattern: /does not exist/, maxRssMiB: RSS_CAP_MIB });
    assertFolderUnchanged(out, before, 'refused exports');
  });

  it('--classifier exports the judge\'s classifier; as an --extractor it gives the built-in features and probabilities', async () => {
    const file = path.join(out, 'judge.onnx');
    const result = ganforge(['export', '--classifier', '--onnx', file]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /the mnist-bundled classifier .*features \[batch, 128\], logits \[batch, 10\]/);
    checkStructure(fs.readFileSync(file), {
      opset: 17, inputs: { images: ['batch', 1, 28, 28] }, outputs: { features: ['batch', 128], logits: ['batch', 10] },
    });
    const reference = await referenceData('mnist');
    const builtIn = classifierExtractor(classifierFor(reference));
    const exported = await onnxExtractor(file);
    const n = 600; // more than one batch of 500
    const images = Float32Array.from(reference.heldOut.images.subarray(0, n * 784), (v) => (v * 2) / 255 - 1);
    const a = await builtIn.extract(images, [n, 1, 28, 28]);
    const b = await exported.extract(images, [n, 1, 28, 28]);
    const featureDiff = maxAbsDiff(a.features.toArray(), b.features.toArray());
    const probabilityDiff = maxAbsDiff(a.probabilities!.toArray(), b.probabilities!.toArray());
    assert.ok(featureDiff <= 1e-4, `features differ by ${featureDiff}`);
    assert.ok(probabilityDiff <= 1e-4, `probabilities differ by ${probabilityDiff}`);
    [a.features, a.probabilities!, b.features, b.probabilities!].forEach((t) => t.dispose());
    builtIn.dispose();
    exported.dispose();
    assert.equal(metadataOf(file).dataset, 'mnist-bundled');
  });

  it('a pix2pix run exports its translator (image → translated), as libtorch translates; --ema is refused', async () => {
    // Pairs A|B of 12×12 gray: enough to train two steps (the weights, not the pictures, are what is compared).
    const pairs = path.join(root, 'pairs');
    fs.mkdirSync(path.join(pairs, 'train'), { recursive: true });
    for (let i = 0; i < 8; i++) {
      const pixels = Uint8Array.from({ length: 24 * 12 }, (_, k) => (k * 7 + i * 13) % 256);
      fs.writeFileSync(path.join(pairs, 'train', `${i}.png`), encodePng({ width: 24, height: 12, channels: 1, pixels }));
    }
    const run = path.join(root, 'p2p');
    const made = ganforge(['train', '--model', 'pix2pix', '--width', '4', '--dataset', pairs, '--image-size', '12', '--grayscale', '--steps', '2', '--batch-size', '4', '--out', run]);
    assert.equal(made.status, 0, made.stderr);
    const file = path.join(out, 'p2p.onnx');
    const result = ganforge(['export', '--checkpoint', run, '--onnx', file]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /pix2pix generator \(AtoB; step 2\), opset 17: image \[batch, 1, 12, 12\] → translated \[batch, 1, 12, 12\]/);
    checkStructure(fs.readFileSync(file), { opset: 17, inputs: { image: ['batch', 1, 12, 12] }, outputs: { translated: ['batch', 1, 12, 12] } });
    manualSeed(4);
    const x = randn([3, 1, 12, 12]);
    const images = x.toFloat32Array();
    x.dispose();
    const translator = loadTranslator(run);
    const torch = translator.translate(images, 3);
    translator.dispose();
    const { translated } = await runOnnx(fs.readFileSync(file), { image: { data: images, dims: [3, 1, 12, 12] } });
    assert.ok(maxAbsDiff(translated.data, torch) <= 1e-4, `max abs difference ${maxAbsDiff(translated.data, torch)}`);
    assert.equal(metadataOf(file).direction, 'AtoB');
    const before = folderFingerprint(out);
    assertCleanRefusal(ganforgeMeasured(['export', '--checkpoint', run, '--ema', '--onnx', path.join(out, 'p2p-ema.onnx')]), 'pix2pix --ema',
      { pattern: /a pix2pix run keeps no moving average of G; export it without --ema/, maxRssMiB: RSS_CAP_MIB });
    assertFolderUnchanged(out, before, 'pix2pix --ema');
  });
});
