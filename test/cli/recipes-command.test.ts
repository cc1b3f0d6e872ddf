// The issue-3 command-line paths: data faces, recipes and config files, time budgets, per-class runs and
// conditional sampling.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readIdx } from '../../src/data/idx';
import { readCheckpoint } from '../../src/gan/checkpoint';
import { decodePng } from '../../src/io/png';
import { ganforge, mnistSubsetFolder, readMetrics, tempDir } from '../helpers/fixtures';

describe('ganforge data / recipes / budgets / classes', () => {
  const digits = mnistSubsetFolder(200);

  it('data faces writes PNGs that train --recipe dcgan-faces reads', () => {
    const root = tempDir('faces-cli');
    const faces = path.join(root, 'faces');
    const made = ganforge(['data', 'faces', '--n', '24', '--out', faces, '--seed', '2']);
    assert.equal(made.status, 0, made.stderr);
    assert.equal(fs.readdirSync(faces).filter((f) => f.endsWith('.png')).length, 24);
    const face = decodePng(fs.readFileSync(path.join(faces, 'face-00000.png')));
    assert.deepEqual([face.width, face.height, face.channels], [64, 64, 3]);
    const out = path.join(root, 'run');
    const trained = ganforge(['train', '--recipe', 'dcgan-faces', '--dataset', faces, '--width', '8', '--batch-size', '8', '--steps', '3', '--out', out]);
    assert.equal(trained.status, 0, trained.stderr);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')).imageShape, [3, 64, 64]);
    assert.equal(decodePng(fs.readFileSync(path.join(out, 'samples.png'))).channels, 3);
    assertUsage(ganforge(['data', 'cats', '--out', root]), /unknown data kind 'cats'/);

    // With no recipe named, unlabelled faces get the default recipe's unconditional twin, not an error about labels.
    const plain = path.join(root, 'plain');
    const defaulted = ganforge(['train', '--dataset', faces, '--width', '8', '--batch-size', '8', '--steps', '2', '--out', plain]);
    assert.equal(defaulted.status, 0, defaulted.stderr);
    const config = JSON.parse(fs.readFileSync(path.join(plain, 'config.json'), 'utf8'));
    assert.deepEqual([config.recipe, config.model, config.width, config.steps], ['default-unlabelled', 'dcgan', 8, 2]);
    // Named explicitly, the conditional default refuses unlabelled data with the reason.
    const refused = ganforge(['train', '--recipe', 'default', '--dataset', faces, '--steps', '2', '--out', path.join(root, 'refused')]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /model 'acgan' needs a labelled data set/);
  });

  it('a config file sets keys and names an unknown one', () => {
    const dir = tempDir('cfg');
    fs.writeFileSync(path.join(dir, 'good.yaml'), 'model: mlp\nloss: lsgan\nsteps: 4\nbatchSize: 16\n');
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ model: 'mlp', learningRate: 1 }));
    const out = path.join(dir, 'run');
    const good = ganforge(['train', '--config', path.join(dir, 'good.yaml'), '--dataset', digits, '--out', out]);
    assert.equal(good.status, 0, good.stderr);
    const saved = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.deepEqual([saved.loss, saved.steps, saved.batchSize], ['lsgan', 4, 16]);
    const bad = ganforge(['train', '--config', path.join(dir, 'bad.json'), '--dataset', digits]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /bad\.json: unknown key 'learningRate'/);
  });

  it('--time-budget stops early with a final checkpoint and grid', () => {
    const out = path.join(tempDir('budget'), 'run');
    const started = Date.now();
    const result = ganforge(['train', '--model', 'mlp', '--dataset', digits, '--steps', '100000', '--time-budget', '2', '--out', out]);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(Date.now() - started < 30_000);
    assert.match(result.stdout, /time budget of 2 s spent at step \d+/);
    const checkpoint = readCheckpoint(path.join(out, 'checkpoints', 'last.safetensors'));
    assert.ok(checkpoint.progress.step > 0 && checkpoint.progress.step < 100000);
    assert.ok(checkpoint.progress.elapsedMs >= 2000);
    checkpoint.dispose();
    assert.ok(fs.existsSync(path.join(out, 'samples.png')));
  });

  it('--per-class trains one model per label; sample --class picks it; cgan samples a class', () => {
    const root = tempDir('per-class');
    const out = path.join(root, 'run');
    const trained = ganforge(['train', '--model', 'mlp', '--per-class', '--dataset', digits, '--steps', '2', '--batch-size', '8', '--out', out]);
    assert.equal(trained.status, 0, trained.stderr);
    for (let k = 0; k < 10; k++) assert.ok(fs.existsSync(path.join(out, `class-${k}`, 'checkpoints', 'last.safetensors')), `class ${k}`);
    assert.equal(ganforge(['sample', '--checkpoint', out, '--class', '7', '--n', '4', '--out', path.join(root, 'seven.png')]).status, 0);
    // Without --class: n images split evenly over the class models.
    assert.equal(ganforge(['sample', '--checkpoint', out, '--n', '20', '--out', path.join(root, 'all.idx')]).status, 0);
    assert.deepEqual(readIdx(path.join(root, 'all.idx')).dims, [20, 28, 28]);
    assertUsage(ganforge(['sample', '--checkpoint', out, '--class', '11', '--n', '4', '--out', path.join(root, 'x.png')]), /--class 11: .* has no class-11/);

    const cgan = path.join(root, 'cgan');
    assert.equal(ganforge(['train', '--model', 'cgan', '--dataset', digits, '--steps', '2', '--out', cgan]).status, 0);
    assert.equal(ganforge(['sample', '--checkpoint', cgan, '--class', '3', '--n', '5', '--out', path.join(root, 'three.npy')]).status, 0);
    assertUsage(ganforge(['sample', '--checkpoint', cgan, '--class', '12', '--n', '5', '--out', path.join(root, 'x.npy')]), /--class 12: the model knows classes 0…9/);
    assertUsage(ganforge(['train', '--model', 'cgan', '--per-class', '--dataset', digits, '--steps', '1']), /--per-class trains unconditional models/);
  });

  it('--ema keeps a weight average that sampling uses, and --raw samples G itself', () => {
    const root = tempDir('ema');
    const out = path.join(root, 'run');
    assert.equal(ganforge(['train', '--model', 'mlp', '--ema', '0.9', '--dataset', digits, '--steps', '6', '--out', out, '--metrics-every', '1']).status, 0);
    const checkpoint = readCheckpoint(path.join(out, 'checkpoints', 'last.safetensors'));
    const g = checkpoint.tensors.get('G.model.0.weight')!.toArray();
    const e = checkpoint.tensors.get('E.model.0.weight')!.toArray();
    checkpoint.dispose();
    assert.notDeepEqual(e, g);
    const avg = path.join(root, 'avg.npy');
    const raw = path.join(root, 'raw.npy');
    ganforge(['sample', '--checkpoint', out, '--n', '2', '--out', avg]);
    ganforge(['sample', '--checkpoint', out, '--n', '2', '--out', raw, '--raw']);
    assert.notDeepEqual(fs.readFileSync(avg), fs.readFileSync(raw));
    assert.equal(readMetrics(out).length, 6);
  });
});

function assertUsage(result: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, pattern);
}
