// The playground's slider directions: the eigenvectors of a matrix with a known decomposition, and for a linear
// "generator" G(z) = A z with A = R·diag(s) (R a rotation of image space) the answer worked out by hand:
// the images' covariance is A Aᵀ, whose principal axes are R's columns with variances s², and the z direction
// whose projection best predicts the k-th axis is Aᵀ r_k = s_k e_k, i.e. ±e_k.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latentDirections, topEigenvectors } from '../../src/gan/latent-directions';
import type { Generator, ImageShape } from '../../src/gan/types';
import { Module } from '../../src/nn';
import { manualSeed, randn, Tensor, tensor } from '../../src/torch';

/** A Householder reflection I − 2vvᵀ/|v|²: orthogonal, symmetric, with no zero entries for this v. */
function householder(v: number[]): number[][] {
  const n2 = v.reduce((s, x) => s + x * x, 0);
  return v.map((vi, i) => v.map((vj, j) => (i === j ? 1 : 0) - (2 * vi * vj) / n2));
}

class LinearGenerator extends Module implements Generator {
  readonly latentDim = 4;
  readonly imageShape: ImageShape = [1, 2, 2];
  readonly #at: Tensor;
  constructor(a: number[][]) {
    super();
    // z [n, 4] · Aᵀ [4, 4] = (A z)ᵀ per row.
    this.#at = tensor(a[0].flatMap((_, j) => a.map((row) => row[j])), [4, 4]);
  }
  forward(z: Tensor): Tensor {
    return z.matmul(this.#at).reshape([z.shape[0], 1, 2, 2]);
  }
}

describe('latent directions', () => {
  it('topEigenvectors finds the eigenpairs of Q diag(5, 3, 1) Qᵀ', () => {
    const q = householder([1, 2, 3]);
    const values = [5, 3, 1];
    const m = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) m[i * 3 + j] = values.reduce((s, l, k) => s + l * q[i][k] * q[j][k], 0);
    const found = topEigenvectors(m, 3, 2);
    assert.ok(Math.abs(found.values[0] - 5) < 1e-9 && Math.abs(found.values[1] - 3) < 1e-9, `${found.values}`);
    for (let k = 0; k < 2; k++) {
      const dot = Array.from(found.vectors[k]).reduce((s, x, i) => s + x * q[i][k], 0);
      assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-9, `vector ${k}: |cos| ${Math.abs(dot)}`);
    }
  });

  it('for G(z) = R·diag(s)·z the directions are ±e_k with variance shares s_k² / Σs², and the random state is kept', () => {
    const r = householder([1, -1, 2, 0.5]);
    const s = [4, 2, 1, 0.5];
    const generator = new LinearGenerator(r.map((row) => row.map((x, j) => x * s[j])));
    manualSeed(11);
    const expectedNext = randn([3]).toFloat32Array();
    manualSeed(11);
    const directions = latentDirections(generator, { count: 6, samples: 512, seed: 3 });
    assert.deepEqual(randn([3]).toFloat32Array(), expectedNext, 'the global random state is as before');
    assert.equal(directions.length, 4, 'no more directions than z has dimensions');
    const total = s.reduce((a, x) => a + x * x, 0);
    for (const k of [0, 1]) {
      const d = directions[k];
      assert.ok(Math.abs(Math.hypot(...d.z) - 1) < 1e-9, 'unit length');
      assert.ok(Math.abs(d.z[k]) > 0.97, `direction ${k} is ±e${k}: ${d.z.map((x) => x.toFixed(3))}`);
      assert.ok(Math.abs(d.variance - (s[k] * s[k]) / total) < 0.06, `variance share ${d.variance} vs ${(s[k] * s[k]) / total}`);
    }
    assert.ok(directions[0].variance > directions[1].variance && directions[1].variance > directions[2].variance, 'in order of variance');
    generator.dispose();
  });
});
