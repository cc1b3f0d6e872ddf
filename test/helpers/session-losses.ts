// Child-process entry for the PyTorch parity test: trains `steps` MLP GAN steps on an IDX file with the
// default config and prints the per-step [Loss_D, Loss_G] as JSON. Runs in its own process so that
// GANFORGE_UNFUSED_ADAM can be chosen per run.
import { readIdx } from '../../src/data/idx';
import { DEFAULT_CONFIG } from '../../src/gan/config';
import { GanSession } from '../../src/gan/session';

const [file, stepsText] = process.argv.slice(2);
const { dims, data } = readIdx(file);
const dataset = { name: file, images: data, labels: null, count: dims[0], channels: 1, height: dims[1], width: dims[2], classes: null };
const session = new GanSession({ ...DEFAULT_CONFIG, imageShape: [1, dims[1], dims[2]], numClasses: 0, epochs: null, steps: Number(stepsText) }, dataset);
const losses: number[][] = [];
for (let step = 0; step < Number(stepsText); step++) {
  const epoch = Math.floor(step / session.loader.batchesPerEpoch) + 1;
  const s = session.step(epoch, step % session.loader.batchesPerEpoch, true);
  losses.push([s.lossD, s.lossG]);
}
process.stdout.write(JSON.stringify(losses));
