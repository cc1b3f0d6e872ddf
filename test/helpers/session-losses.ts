// Child-process entry for the PyTorch parity test: trains `steps` steps on an IDX file with the default config
// (the MLP GAN) or, given RECIPE and LABELS, that recipe (the default recipe's AC-GAN, with the labels' IDX file),
// and prints the per-step [Loss_D, Loss_G] as JSON. Runs in its own process so that GANFORGE_UNFUSED_ADAM can be
// chosen per run.
import { readIdx } from '../../src/data/idx';
import { DEFAULT_CONFIG } from '../../src/gan/config';
import { buildRun } from '../../src/gan/registry';
import { resolveConfig } from '../../src/gan/resolve';

const [file, stepsText, recipe, labelsFile] = process.argv.slice(2);
const { dims, data } = readIdx(file);
const labels = labelsFile ? readIdx(labelsFile).data : null;
const classes = labels ? Array.from({ length: 10 }, (_, k) => String(k)) : null;
const dataset = { name: file, images: data, labels, count: dims[0], channels: 1, height: dims[1], width: dims[2], classes };
const base = recipe ? resolveConfig({ recipe, flags: {} }) : DEFAULT_CONFIG;
const config = { ...base, imageShape: [1, dims[1], dims[2]] as [number, number, number], numClasses: classes?.length ?? 0, epochs: null, steps: Number(stepsText) };
const run = buildRun(config, dataset);
const losses: number[][] = [];
for (let step = 0; step < Number(stepsText); step++) {
  const epoch = Math.floor(step / run.batchesPerEpoch) + 1;
  const s = run.step({ step, epoch, batchInEpoch: step % run.batchesPerEpoch });
  losses.push([s.loss_d, s.loss_g]);
}
process.stdout.write(JSON.stringify(losses));
