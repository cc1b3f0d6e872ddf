// An ONNX feature extractor gives the same features as the built-in classifier when it is that classifier:
// PyTorch (python3-torch) rebuilds the CNN from ganforge's safetensors file and exports it to ONNX, and
// onnxruntime-node runs it. Skipped when python3-torch or onnxruntime-node is missing.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { classifierFor } from '../../src/metrics/classifier';
import { classifierExtractor, onnxExtractor } from '../../src/metrics/extractor';
import { referenceData } from '../../src/metrics/reference';
import { tempDir } from '../helpers/fixtures';

const EXPORT = `
import json, struct, sys, numpy as np, torch, torch.nn as nn
data = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', data[:8])[0]
header = json.loads(data[8:8 + n])
def tensor(name):
    info = header[name]; a, b = info['data_offsets']
    return torch.from_numpy(np.frombuffer(data[8 + n + a:8 + n + b], dtype=np.float32).reshape(info['shape']).copy())
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                                      nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU())
        self.head = nn.Linear(128, 10)
    def forward(self, x):
        f = self.features(x)
        return f, self.head(f)
net = Net()
net.load_state_dict({k: tensor(k) for k in header if k != '__metadata__'}, strict=True)
net.eval()
torch.onnx.export(net, torch.zeros(2, 1, 28, 28), sys.argv[2], input_names=['images'], output_names=['features', 'logits'],
                  dynamic_axes={'images': {0: 'n'}, 'features': {0: 'n'}, 'logits': {0: 'n'}}, opset_version=13)
`;

function available(): string | false {
  try {
    require.resolve('onnxruntime-node');
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'needs onnxruntime-node and python3-torch';
  }
}

describe('ONNX feature extractor', { skip: available(), timeout: 300_000 }, () => {
  it('the classifier exported from PyTorch gives the same features and probabilities', async () => {
    const reference = await referenceData('mnist');
    const classifier = classifierFor(reference);
    const onnxFile = path.join(tempDir('onnx'), 'classifier.onnx');
    execFileSync('/usr/bin/python3', ['-c', EXPORT, classifier.file, onnxFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    const builtIn = classifierExtractor(classifier);
    const onnx = await onnxExtractor(onnxFile);
    const n = 600; // more than one batch of 500
    const images = Float32Array.from(reference.heldOut.images.subarray(0, n * 784), (v) => (v * 2) / 255 - 1);
    const a = await builtIn.extract(images, [n, 1, 28, 28]);
    const b = await onnx.extract(images, [n, 1, 28, 28]);
    assert.equal(onnx.info.kind, 'onnx');
    assert.equal(onnx.info.dims, 128);
    assert.deepEqual(b.features.shape, [n, 128]);
    const worst = (x: number[], y: number[]) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
    assert.ok(worst(a.features.toArray(), b.features.toArray()) < 1e-3, 'features agree');
    assert.ok(worst(a.probabilities!.toArray(), b.probabilities!.toArray()) < 1e-4, 'probabilities agree');
    [a.features, a.probabilities!, b.features, b.probabilities!].forEach((t) => t.dispose());
    builtIn.dispose();
    onnx.dispose();
    await assert.rejects(onnxExtractor(path.join(tempDir('onnx-bad'), 'missing.onnx')), /missing\.onnx: cannot load the ONNX model/);
  });
});
