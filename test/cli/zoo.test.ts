// Generator files and the zoo: `zoo pack` keeps only the drawing network (and draws exactly what the run's
// checkpoint draws), `--checkpoint zoo:NAME` works for sample and eval, `ganforge zoo` lists what is there,
// and a hostile generator file gets one clear line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { decodeNpy } from '../../src/io/npy';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors';
import { ganforge, mnistSubsetFolder, tempDir } from '../helpers/fixtures';

function oneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one error line, got:\n${stderr}`);
  assert.match(lines[0], pattern);
}

describe('generator files and the zoo', () => {
  const data = mnistSubsetFolder(256, false);
  const root = tempDir('zoo');
  const run = path.join(root, 'run');
  const zoo = path.join(root, 'zoo');
  fs.mkdirSync(zoo);
  const packed = path.join(zoo, 'tiny-digits.safetensors');
  const env = { GANFORGE_ZOO: zoo };

  it('pack writes the generator alone, with its command and scores', () => {
    const trained = ganforge(['train', '--model', 'cgan', '--dataset', data, '--steps', '8', '--ema', '0.9', '--out', run]);
    assert.equal(trained.status, 0, trained.stderr);
    const scores = path.join(root, 'scores.json');
    fs.writeFileSync(scores, 'progress line\n{"fid": 123.5, "kid": {"mean": 0.25, "std": 0.01}, "dataset": "mnist", "bad": null}\n');
    const result = ganforge(['zoo', 'pack', run, '--out', packed, '--scores', scores, '--command', 'ganforge train --model cgan --steps 8']);
    assert.equal(result.status, 0, result.stderr);
    const { tensors, metadata } = decodeSafetensors(fs.readFileSync(packed), packed);
    assert.ok([...tensors.keys()].every((name) => name.startsWith('G.')), 'only the generator');
    assert.equal(metadata.format, 'ganforge-generator');
    assert.deepEqual(JSON.parse(metadata.scores), { fid: 123.5, kid: 0.25 });
    assert.equal(metadata.command, 'ganforge train --model cgan --steps 8');
    const checkpointBytes = fs.statSync(path.join(run, 'checkpoints', 'last.safetensors')).size;
    assert.ok(fs.statSync(packed).size < checkpointBytes / 4, 'far smaller than the checkpoint (no D, no optimizer state, no raw G)');
  });

  it('zoo:NAME draws exactly what the run draws (the moving average), for every class and one', () => {
    for (const extra of [[], ['--class', '3']]) {
      const fromRun = path.join(root, `run${extra.join('')}.npy`);
      const fromZoo = path.join(root, `zoo${extra.join('')}.npy`);
      assert.equal(ganforge(['sample', '--checkpoint', run, '--n', '20', '--seed', '5', '--out', fromRun, ...extra]).status, 0);
      const zooSample = ganforge(['sample', '--checkpoint', 'zoo:tiny-digits', '--n', '20', '--seed', '5', '--out', fromZoo, ...extra], undefined, env);
      assert.equal(zooSample.status, 0, zooSample.stderr);
      const a = decodeNpy(fs.readFileSync(fromRun), fromRun);
      const b = decodeNpy(fs.readFileSync(fromZoo), fromZoo);
      assert.deepEqual(Array.from(b.data as Float32Array), Array.from(a.data as Float32Array));
    }
  });

  it('export takes zoo:NAME too (one set of weights: --raw is refused)', () => {
    const onnx = path.join(root, 'tiny.onnx');
    const exported = ganforge(['export', '--checkpoint', 'zoo:tiny-digits', '--onnx', onnx], undefined, env);
    assert.equal(exported.status, 0, exported.stderr);
    assert.ok(fs.statSync(onnx).size > 1000);
    const raw = ganforge(['export', '--checkpoint', 'zoo:tiny-digits', '--onnx', path.join(root, 'raw.onnx'), '--raw'], undefined, env);
    assert.notEqual(raw.status, 0);
    oneLine(raw.stderr, /is a generator file: it holds one set of weights .*drop --raw/);
  });

  it('ganforge zoo lists each model with its data, scores and command', () => {
    const listed = ganforge(['zoo'], undefined, env);
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /zoo:tiny-digits\s+cgan\s+\S+\s+1×28×28\s+10\s+8\s+123\.5\s+\d+\.\d/);
    assert.match(listed.stdout, /zoo:tiny-digits: ganforge train --model cgan --steps 8/);
  });

  it('an unknown zoo name is one line naming what the zoo has', () => {
    const result = ganforge(['sample', '--checkpoint', 'zoo:tiny-digit', '--out', path.join(root, 'x.png')], undefined, env);
    assert.notEqual(result.status, 0);
    oneLine(result.stderr, /the zoo has no model 'zoo:tiny-digit' \(did you mean zoo:tiny-digits\?\); it has zoo:tiny-digits/);
    const traversal = ganforge(['sample', '--checkpoint', 'zoo:../run/checkpoints/last', '--out', path.join(root, 'y.png')], undefined, env);
    assert.notEqual(traversal.status, 0);
    oneLine(traversal.stderr, /the zoo has no model/);
  });

  it('a hostile generator file is refused with one line', () => {
    const { tensors, metadata } = decodeSafetensors(fs.readFileSync(packed), packed);
    const [firstName, first] = [...tensors][0];
    const cases: [string, (t: typeof tensors, m: Record<string, string>) => void, RegExp][] = [
      ['extra tensor', (t) => t.set('D.weight', first), /unexpected tensor 'D\.weight'/],
      ['missing weights', (t) => t.delete(firstName), /the generator's tensors hold \d+ values; its config's cgan needs \d+/],
      ['bigger config', (_t, m) => { m.config = JSON.stringify({ ...JSON.parse(m.config), latentDim: 4000 }); }, /needs \d+/],
      ['bad scores', (_t, m) => { m.scores = '{"fid": "low"}'; }, /score 'fid' is not a finite number/],
      ['bad step', (_t, m) => { m.step = '-1'; }, /'step' must be a non-negative integer/],
      ['future version', (_t, m) => { m.version = '9'; }, /version 9 generator file/],
    ];
    for (const [label, edit, pattern] of cases) {
      const t = new Map(tensors);
      const m = { ...metadata };
      edit(t, m);
      const file = path.join(root, `hostile-${label.replace(/ /g, '-')}.safetensors`);
      fs.writeFileSync(file, encodeSafetensors(t, m));
      const result = ganforge(['sample', '--checkpoint', file, '--out', path.join(root, 'h.png')]);
      assert.notEqual(result.status, 0, label);
      oneLine(result.stderr, pattern);
    }
  });
});

describe('the zoo shipped in the package', () => {
  it('lists its models with their scores and draws from each right after install', () => {
    const listed = ganforge(['zoo']);
    assert.equal(listed.status, 0, listed.stderr);
    for (const name of ['mnist-digits', 'fashion']) {
      assert.match(listed.stdout, new RegExp(`zoo:${name}\\s+acgan\\s+\\S+\\s+1×28×28\\s+10\\s+1600\\s+\\d+\\.\\d`));
      const out = path.join(tempDir('zoo-shipped'), `${name}.npy`);
      const drawn = ganforge(['sample', '--checkpoint', `zoo:${name}`, '--n', '30', '--class', '7', '--out', out]);
      assert.equal(drawn.status, 0, drawn.stderr);
      const { shape, data } = decodeNpy(fs.readFileSync(out), out);
      assert.deepEqual(shape, [30, 1, 28, 28]);
      const values = Array.from(data as Float32Array);
      assert.ok(values.every((v) => v >= 0 && v <= 1), 'pixels in [0, 1]');
      assert.ok(Math.max(...values) - Math.min(...values) > 0.5, 'an image, not a flat field');
    }
  });
});
