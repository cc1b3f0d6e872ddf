// Every registered family's generator exports to ONNX and onnxruntime gives libtorch's images for the same
// noise (and classes), or for the same input images (image-to-image families), at several batch sizes and
// opsets; the file passes the structural check. The families
// come from the registry, so a family added later is tested here without a line of its own.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportGenerator, exportTranslator } from '../../src/export/onnx';
import type { DescribedTranslator } from '../../src/export/onnx/translator';
import { exportEditor } from '../../src/export/onnx/editor';
import type { TrainConfig } from '../../src/gan/config';
import { resolveConfig } from '../../src/gan/resolve';
import { allFamilies } from '../../src/gan/registry';
import { generate } from '../../src/gan/sampling';
import type { ModelSpec } from '../../src/gan/types';
import { BatchNorm } from '../../src/nn';
import { manualSeed, noGrad, randint, randn } from '../../src/torch';
import { applyGenerator } from '../../src/gan/translation';
import { checkStructure, maxAbsDiff, ortMissing, runOnnx } from '../helpers/onnx';

/** Running statistics away from (0, 1), so an export that ignored them would show. */
function perturbNorms(network: { modules(): unknown[] }): void {
  noGrad(() => {
    for (const m of network.modules()) {
      if (m instanceof BatchNorm) {
        m.runningMean!.normal_(0, 0.3);
        m.runningVar!.uniform_(0.5, 2);
      }
    }
  });
}

// Tiny but complete: colour images, a few classes, DCGAN's smallest layout (4 → 8).
const SPEC: ModelSpec = { imageShape: [3, 8, 8], latentDim: 8, numClasses: 3, width: 4 };

/**
 * Families whose generator cannot be exported, and why. Each must indeed have no `describe` (checked below), so
 * this list cannot hide a family that lost its export by accident.
 */
const NOT_EXPORTED = new Map([
  ['stylegan', 'its per-layer noise is drawn at every forward: an ONNX graph would need RandomNormalLike, whose draws cannot match libtorch\'s'],
]);

describe('ONNX export of every family\'s generator', { skip: ortMissing(), timeout: 300_000 }, () => {
  const families = allFamilies().filter((f) => f.noiseSampler && !NOT_EXPORTED.has(f.name));
  it('the registry lists the families this test expects at least', () => {
    assert.ok(['mlp', 'conv', 'dcgan', 'cgan', 'acgan'].every((name) => families.some((f) => f.name === name)));
  });

  for (const [name, why] of NOT_EXPORTED) {
    it(`${name} is not exported (${why}): its generator has no describe, so export refuses it in one line`, () => {
      const family = allFamilies().find((f) => f.name === name);
      assert.ok(family?.noiseSampler, `${name} is a registered noise family`);
      const generator = family.noiseSampler.generator(SPEC);
      assert.equal(generator.describe, undefined);
      assert.throws(() => exportGenerator(generator, { conditional: false }), /cannot be exported to ONNX: it does not describe its forward/);
      generator.dispose();
    });
  }

  for (const family of families) {
    for (const opset of [13, 17, 21]) {
      it(`${family.name}, opset ${opset}: onnxruntime draws libtorch's images (≤ 1e-4), batch 1 and 5`, async () => {
        const sampler = family.noiseSampler!;
        const conditional = sampler.conditioning !== 'none';
        manualSeed(opset);
        const generator = sampler.generator(SPEC);
        perturbNorms(generator);
        const bytes = exportGenerator(generator, { conditional, opset });
        const [c, h, w] = SPEC.imageShape;
        checkStructure(bytes, {
          opset,
          inputs: { z: ['batch', SPEC.latentDim], ...(conditional ? { class: ['batch'] } : {}) },
          outputs: { image: ['batch', c, h, w] },
        });
        for (const n of [1, 5]) {
          const z = randn([n, SPEC.latentDim]);
          const labels = conditional ? randint(0, SPEC.numClasses, [n]) : undefined;
          const expected = generate(generator, z, labels);
          const feeds = { z: { data: z.toFloat32Array(), dims: [n, SPEC.latentDim] }, ...(labels ? { class: { data: labels.toTypedArray() as BigInt64Array, dims: [n] } } : {}) };
          const { image } = await runOnnx(bytes, feeds);
          assert.deepEqual(image.dims, [n, c, h, w]);
          const diff = maxAbsDiff(image.data, expected);
          assert.ok(diff <= 1e-4, `max abs difference ${diff}`);
          z.dispose();
          labels?.dispose();
        }
        generator.dispose();
      });
    }
  }

  it('with spectral norm in G (--spectral-norm gd) every family exports W/σ at the stored u: onnxruntime draws libtorch\'s images', async () => {
    for (const family of families) {
      const sampler = family.noiseSampler!;
      const conditional = sampler.conditioning !== 'none';
      manualSeed(5);
      const generator = sampler.generator({ ...SPEC, spectralNorm: 'gd' });
      const us = generator.namedBuffers().filter(([name]) => name.endsWith('weight_u'));
      assert.ok(us.length > 0, `${family.name}: G has spectral norm`);
      const n = 3;
      const z = randn([n, SPEC.latentDim]);
      const labels = conditional ? randint(0, SPEC.numClasses, [n]) : undefined;
      // Training-mode forwards move u off its random start, as training does; export and eval must then keep it.
      for (let k = 0; k < 3; k++) noGrad(() => generator.forward(z, labels).dispose());
      const stored = us.map(([, u]) => u.toFloat32Array());
      const expected = generate(generator, z, labels);
      const bytes = exportGenerator(generator, { conditional, opset: 17 });
      us.forEach(([name, u], i) => assert.deepEqual(u.toFloat32Array(), stored[i], `${family.name}: ${name} unchanged by sampling and export`));
      const feeds = { z: { data: z.toFloat32Array(), dims: [n, SPEC.latentDim] }, ...(labels ? { class: { data: labels.toTypedArray() as BigInt64Array, dims: [n] } } : {}) };
      const { image } = await runOnnx(bytes, feeds);
      const diff = maxAbsDiff(image.data, expected);
      assert.ok(diff <= 1e-4, `${family.name}: max abs difference ${diff}`);
      z.dispose();
      labels?.dispose();
      generator.dispose();
    }
  });

  it('a conditional generator\'s class input is wired: one z with other classes gives other images', async () => {
    for (const family of families.filter((f) => f.noiseSampler!.conditioning !== 'none')) {
      manualSeed(1);
      const generator = family.noiseSampler!.generator(SPEC);
      const bytes = exportGenerator(generator, { conditional: true });
      const z = randn([1, SPEC.latentDim]).expand([3, SPEC.latentDim]).contiguous();
      const classes = BigInt64Array.from([0n, 1n, 2n]);
      const { image } = await runOnnx(bytes, { z: { data: z.toFloat32Array(), dims: [3, SPEC.latentDim] }, class: { data: classes, dims: [3] } });
      const per = image.data.length / 3;
      assert.ok(maxAbsDiff(image.data.subarray(0, per), image.data.subarray(per, 2 * per)) > 1e-3, `${family.name}: class 0 and 1 differ`);
      z.dispose();
      generator.dispose();
    }
  });

  it('a generator that does not describe its forward is refused with one error naming it', () => {
    const generator = families[0].noiseSampler!.generator(SPEC);
    const opaque = Object.assign(Object.create(generator), { describe: undefined });
    Object.defineProperty(opaque, 'constructor', { value: class OpaqueGenerator {} });
    assert.throws(() => exportGenerator(opaque, { conditional: false }), /^Error: OpaqueGenerator cannot be exported to ONNX: it does not describe its forward/);
    generator.dispose();
  });
});

describe('ONNX export of every image-to-image family\'s generator', { skip: ortMissing(), timeout: 300_000 }, () => {
  const families = allFamilies().filter((f) => f.translator);
  it('the registry lists pix2pix among them', () => assert.ok(families.some((f) => f.name === 'pix2pix')));

  for (const family of families) {
    // 12×12 gray is padded to 16 and cropped back (the Slice); 16×16 colour is not.
    for (const [shape, norm, opset] of [[[1, 12, 12], 'batch', 13], [[3, 16, 16], 'instance', 17], [[1, 12, 12], 'none', 21]] as const) {
      it(`${family.name} ${shape.join('×')}, ${norm} norm, opset ${opset}: onnxruntime translates as libtorch does (≤ 1e-4), batch 1 and 3`, async () => {
        manualSeed(opset);
        const config: TrainConfig = { ...resolveConfig({ flags: { model: family.name, width: 4, norm } }), imageShape: [...shape] };
        const generator = family.translator!.generator(config, config.direction) as DescribedTranslator;
        perturbNorms(generator);
        const bytes = exportTranslator(generator, { inputShape: config.imageShape, outputChannels: shape[0], opset });
        checkStructure(bytes, { opset, inputs: { image: ['batch', ...shape] }, outputs: { translated: ['batch', ...shape] } });
        for (const n of [1, 3]) {
          const x = randn([n, ...shape]);
          const expected = applyGenerator(generator, x);
          const { translated } = await runOnnx(bytes, { image: { data: x.toFloat32Array(), dims: [n, ...shape] } });
          assert.deepEqual(translated.dims, [n, ...shape]);
          const diff = maxAbsDiff(translated.data, expected);
          assert.ok(diff <= 1e-4, `max abs difference ${diff}`);
          x.dispose();
        }
        generator.dispose();
      });
    }
  }
});

describe('ONNX export of every attribute-editing family\'s generator', { skip: ortMissing(), timeout: 300_000 }, () => {
  const families = allFamilies().filter((f) => f.editor);
  it('the registry lists stargan among them', () => assert.ok(families.some((f) => f.name === 'stargan')));

  for (const family of families) {
    for (const [shape, opset] of [[[1, 12, 12], 13], [[3, 16, 16], 17], [[3, 8, 8], 21]] as const) {
      it(`${family.name} ${shape.join('×')}, opset ${opset}: onnxruntime edits as libtorch does (≤ 1e-4), batch 1 and 3`, async () => {
        manualSeed(opset);
        const K = 3;
        const config: TrainConfig = { ...resolveConfig({ flags: { model: family.name, width: 4, residualBlocks: 1 } }), imageShape: [...shape], numClasses: K };
        const generator = family.editor!.generator(config);
        generator.eval();
        const bytes = exportEditor(generator, { imageShape: config.imageShape, domains: K, opset });
        checkStructure(bytes, { opset, inputs: { image: ['batch', ...shape], domains: ['batch', K] }, outputs: { edited: ['batch', ...shape] } });
        for (const n of [1, 3]) {
          const x = randn([n, ...shape]);
          const domains = randint(0, 2, [n, K]).to({ dtype: 'float32' });
          const expected = noGrad(() => generator.edit(x, domains).toFloat32Array());
          const { edited } = await runOnnx(bytes, { image: { data: x.toFloat32Array(), dims: [n, ...shape] }, domains: { data: domains.toFloat32Array(), dims: [n, K] } });
          assert.deepEqual(edited.dims, [n, ...shape]);
          const diff = maxAbsDiff(edited.data, expected);
          assert.ok(diff <= 1e-4, `max abs difference ${diff}`);
          x.dispose();
          domains.dispose();
        }
        generator.dispose();
      });
    }
  }
});
