// Child-process entry for the PyTorch parity test: trains `steps` MLP GAN steps on an IDX file with the
// default config and prints the per-step [Loss_D, Loss_G] as JSON. Runs in its own process so that
// GANFORGE_UNFUSED_ADAM can be chosen per run.
import { readIdx } from '../../src/data/idx';
import { DEFAULT_CONFIG } from '../../src/gan/config';
import { buildRun } from '../../src/gan/registry';

const [file, stepsText] = process.argv.slice(2);
const { dims, data } = readIdx(file);
const dataset = { name: file, images: data, labels: null, count: dims[0], channels: 1, height: dims[1], width: dims[2], classes: null };
const run = buildRun({ ...DEFAULT_CONFIG, imageShape: [1, dims[1], dims[2]], numClasses: 0, epochs: null, steps: Number(stepsText) }, dataset);
const losses: number[][] = [];
for (let step = 0; step < Number(stepsText); step++) {
  const epoch = Math.floor(step / run.batchesPerEpoch) + 1;
  const s = run.step({ step, epoch, batchInEpoch: step % run.batchesPerEpoch });
  losses.push([s.loss_d, s.loss_g]);
}
process.stdout.write(JSON.stringify(losses));
