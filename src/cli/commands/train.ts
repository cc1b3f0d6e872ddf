// `ganforge train`: trains a GAN into a run folder; --resume continues one exactly.
import * as path from 'path';
import { loadDataset, DATASET_HELP } from '../../data/select';
import { readCheckpoint } from '../../gan/checkpoint';
import { DEFAULT_CONFIG, TrainConfig, validateConfig } from '../../gan/config';
import { GAN_LOSSES } from '../../gan/losses';
import { MODEL_NAMES } from '../../gan/registry';
import { RunDir } from '../../gan/run-dir';
import { DivergedError, train } from '../../gan/trainer';
import { CommandSpec, UsageError } from '../args';
import { ProgressBar } from '../progress';

// Flags that shape the run carry no parser default: absent means "not given", which --resume needs to tell
// apart from a value that happens to equal the default. Their defaults come from DEFAULT_CONFIG.
const d = DEFAULT_CONFIG;
export const trainSpec: CommandSpec = {
  name: 'train',
  summary: 'Train a GAN and write its samples, curves and checkpoints into a run folder.',
  usage: 'ganforge train [--model mlp] [--dataset mnist] [--epochs N | --steps N] [--out runs/NAME] [--resume]',
  flags: [
    { name: 'model', type: 'string', choices: MODEL_NAMES, help: `model family (default: ${d.model})` },
    { name: 'dataset', type: 'string', placeholder: 'NAME|DIR', help: `${DATASET_HELP} (default: ${d.dataset})` },
    { name: 'download', type: 'boolean', help: 'fetch the full standard data set (checksummed, cached in ~/.cache/ganforge)' },
    { name: 'epochs', type: 'int', min: 1, placeholder: 'N', help: `train for N passes over the data (default: ${d.epochs})` },
    { name: 'steps', type: 'int', min: 1, placeholder: 'N', help: 'train for N steps (one discriminator batch each) instead' },
    { name: 'batch-size', type: 'int', min: 1, placeholder: 'N', help: `images per batch (default: ${d.batchSize})` },
    { name: 'seed', type: 'int', min: 0, max: 0xffffffff, placeholder: 'S', help: `random seed: same seed, same run (default: ${d.seed})` },
    { name: 'lr', type: 'number', min: 0, placeholder: 'RATE', help: `Adam learning rate for G and D (default: ${d.lr})` },
    { name: 'beta1', type: 'number', min: 0, max: 0.999999, help: `Adam β1 (default: ${d.beta1})` },
    { name: 'beta2', type: 'number', min: 0, max: 0.999999, help: `Adam β2 (default: ${d.beta2})` },
    { name: 'loss', type: 'string', choices: GAN_LOSSES, help: `generator loss (default: ${d.loss})` },
    { name: 'd-steps', type: 'int', min: 1, placeholder: 'K', help: `discriminator steps per generator step (default: ${d.dSteps})` },
    { name: 'out', type: 'path', alias: 'o', placeholder: 'DIR', help: 'run folder (default: runs/MODEL-DATASET-TIME; required with --resume)' },
    { name: 'resume', type: 'boolean', help: 'continue the run in --out from its last checkpoint, up to --steps/--epochs' },
    { name: 'log-every', type: 'int', min: 1, placeholder: 'N', help: `print a log line every N steps (default: ${d.logEvery})` },
    { name: 'metrics-every', type: 'int', min: 1, placeholder: 'N', help: `record metrics.jsonl every N steps (default: ${d.metricsEvery})` },
    { name: 'checkpoint-every', type: 'int', min: 0, placeholder: 'N', help: 'also checkpoint every N steps (default: at each epoch end only)' },
  ],
  examples: [
    'ganforge train --model mlp --dataset mnist --steps 3000 --seed 1 --out runs/mlp',
    'ganforge train --out runs/mlp --resume --steps 6000',
    'ganforge train --dataset fashion-mnist --epochs 5',
  ],
};

/** Flag name → config key, for the flags that shape the run. */
const CONFIG_FLAGS: Record<string, keyof TrainConfig> = {
  model: 'model', dataset: 'dataset', download: 'download', epochs: 'epochs', steps: 'steps', 'batch-size': 'batchSize',
  seed: 'seed', lr: 'lr', beta1: 'beta1', beta2: 'beta2', loss: 'loss', 'd-steps': 'dSteps',
  'log-every': 'logEvery', 'metrics-every': 'metricsEvery', 'checkpoint-every': 'checkpointEvery',
};
// Flags a resumed run may change without changing what it computes.
const CHANGEABLE_ON_RESUME = new Set(['epochs', 'steps', 'log-every', 'metrics-every', 'checkpoint-every']);

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function givenConfig(flags: Record<string, unknown>): Partial<TrainConfig> {
  const out: Record<string, unknown> = {};
  for (const [flag, key] of Object.entries(CONFIG_FLAGS)) if (flags[flag] !== undefined) out[key] = flags[flag];
  if (flags.steps !== undefined && flags.epochs !== undefined) throw new UsageError('give --epochs or --steps, not both');
  if (flags.steps !== undefined) out.epochs = null;
  if (flags.epochs !== undefined) out.steps = null;
  return out as Partial<TrainConfig>;
}

export async function runTrain(flags: Record<string, unknown>): Promise<number> {
  const given = givenConfig(flags);
  const resume = flags.resume === true;
  if (resume && flags.out === undefined) throw new UsageError('--resume needs --out, the run folder to continue');

  let config: TrainConfig;
  let checkpoint = null;
  let out: string;
  if (resume) {
    out = flags.out as string;
    const run = new RunDir(out);
    if (!run.hasCheckpoint()) throw new Error(`nothing to resume: ${run.checkpointPath} does not exist`);
    checkpoint = readCheckpoint(run.checkpointPath);
    config = checkpoint.config;
    for (const [flag, key] of Object.entries(CONFIG_FLAGS)) {
      if (flags[flag] === undefined || CHANGEABLE_ON_RESUME.has(flag)) continue;
      if (flags[flag] !== config[key]) {
        throw new UsageError(`--${flag} ${flags[flag]} differs from the run's config (${String(config[key])}); a resumed run keeps its config`);
      }
    }
    config = { ...config, ...given };
  } else {
    config = { ...DEFAULT_CONFIG, imageShape: [1, 28, 28], numClasses: 0, ...given };
    out = (flags.out as string | undefined) ?? path.join('runs', `${config.model}-${path.basename(config.dataset)}-${timestamp()}`);
  }

  const dataset = await loadDataset(config.dataset, { download: config.download, log: (line) => process.stderr.write(line + '\n') });
  const imageShape: [number, number, number] = [dataset.channels, dataset.height, dataset.width];
  if (resume && imageShape.join('x') !== config.imageShape.join('x')) {
    throw new Error(`the data (${imageShape.join('×')}) does not match the run's images (${config.imageShape.join('×')})`);
  }
  config = validateConfig({ ...config, imageShape, numClasses: dataset.classes?.length ?? 0 });

  let stopRequested = false;
  const onSigint = () => {
    if (stopRequested) process.exit(130); // a second Ctrl-C: leave now
    stopRequested = true;
    process.stderr.write('\nstopping after this step: writing a checkpoint (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  let bar: ProgressBar | null = null;
  try {
    console.log(`ganforge train: ${config.model} on ${dataset.name} (${dataset.count} images ${imageShape.join('×')}) → ${out}`);
    const result = await train(config, dataset, out, checkpoint, {
      // On a terminal the bar owns the last line and log lines go above it; elsewhere only log lines, on stdout.
      log: (line) => (bar ? bar.log(line) : console.log(line)),
      onStep: (progress, total, s) => {
        if (!process.stderr.isTTY) return;
        bar ??= new ProgressBar({ total, label: 'train', unit: 'step' });
        bar.update(progress.step, `Loss_D ${s.lossD.toFixed(3)} Loss_G ${s.lossG.toFixed(3)}`);
      },
      shouldStop: () => stopRequested,
    });
    (bar as ProgressBar | null)?.finish();
    const { progress, runDir } = result;
    const msPerStep = progress.elapsedMs / Math.max(1, progress.step);
    console.log(`${result.stopped ? 'stopped' : 'done'} at step ${progress.step}/${result.totalSteps} ` +
      `(${(progress.elapsedMs / 1000).toFixed(1)} s of training, ${msPerStep.toFixed(1)} ms/step)`);
    console.log(`samples: ${runDir.latestGridPath}\ncheckpoint: ${runDir.checkpointPath}\ncurves: ${path.join(runDir.root, 'loss.svg')}`);
    if (result.stopped) console.log(`continue with: ganforge train --out ${out} --resume`);
    return result.stopped ? 130 : 0;
  } catch (err) {
    (bar as ProgressBar | null)?.finish();
    if (err instanceof DivergedError) throw Object.assign(err, { exitCode: 3 });
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
