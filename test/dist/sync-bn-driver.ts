// One rank of the sync-batch-norm gradient check (sync-batch-norm.test.ts starts two): batch norm of this
// rank's rows of a fixed batch with statistics over both ranks, a loss weighted by fixed random numbers, and
// backward; prints the output and every gradient as JSON for the test to hold against one process.
import { convertSyncBatchNorm } from '../../src/dist/sync-batch-norm';
import { BatchNorm } from '../../src/nn';
import { manualSeed, noGrad, randn, Tensor } from '../../src/torch';
import { destroyProcessGroup, initProcessGroup } from '../../src/torch/dist';

const [rank, worldSize, port] = process.argv.slice(2).map(Number);
initProcessGroup('127.0.0.1', port, rank, worldSize, 20_000);
manualSeed(7);
const x = randn([8, 3, 2, 2]).mul(2).add(0.5);
const r = randn([8, 3, 2, 2]);
const rows = 8 / worldSize;
const xLocal = x.narrow(0, rank * rows, rows).contiguous().requiresGrad_();
const layer = new BatchNorm(3, { momentum: 0.3 });
noGrad(() => {
  layer.weight!.copy_(randn([3]));
  layer.bias!.copy_(randn([3]));
});
convertSyncBatchNorm([layer], worldSize);
const y = layer.forward(xLocal);
y.mul(r.narrow(0, rank * rows, rows)).sum().backward();
const list = (t: Tensor) => Array.from(t.toTypedArray() as Float32Array);
console.log(JSON.stringify({
  y: list(y), gradX: list(xLocal.grad!), gradWeight: list(layer.weight!.grad!), gradBias: list(layer.bias!.grad!),
  runningMean: list(layer.runningMean!), runningVar: list(layer.runningVar!),
}));
destroyProcessGroup();
