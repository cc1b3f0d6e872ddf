// `ganforge train`: trains a GAN into a run folder; --resume continues one exactly.
import * as path from 'path';
import { DATASET_HELP } from '../../data/select';
import type { TrainConfig } from '../../gan/config';
import { GAN_LOSSES } from '../../gan/losses';
import { RECIPE_NAMES } from '../../gan/recipes';
import { MODEL_NAMES } from '../../gan/registry';
import { readConfigFile } from '../../gan/resolve';
import { executeRun, planRun } from '../../gan/run';
import { DivergedError, TrainHooks, TrainResult } from '../../gan/trainer';
import { Judge } from '../../metrics/judge';
import { CommandSpec, FlagSpec, UsageError } from '../args';
import { classifierFeedback } from './classifier';
import { ProgressBar } from '../progress';

/** Flags that set config keys. They carry no parser default: absent means "not given", which --resume and the
 *  recipe/config-file layering need to tell apart from a value that happens to equal the default. */
const CONFIG_FLAGS: (FlagSpec & { key: keyof TrainConfig | 'lr' })[] = [
  { name: 'model', key: 'model', type: 'string', choices: MODEL_NAMES, help: 'model family (default: from the recipe)' },
  { name: 'width', key: 'width', type: 'int', min: 1, placeholder: 'N', help: 'base channel width of conv models (dcgan, acgan: 64)' },
  { name: 'dataset', key: 'dataset', type: 'string', placeholder: 'NAME|DIR', help: `${DATASET_HELP} (default: mnist)` },
  { name: 'download', key: 'download', type: 'boolean', help: 'fetch the full standard data set (checksummed, cached in ~/.cache/ganforge)' },
  { name: 'image-size', key: 'imageSize', type: 'int', min: 4, placeholder: 'N', help: 'image folders: resize and center-crop to N×N (default: 64)' },
  { name: 'grayscale', key: 'grayscale', type: 'boolean', help: 'image folders: read images as gray (default: RGB)' },
  { name: 'epochs', key: 'epochs', type: 'int', min: 1, placeholder: 'N', help: 'train for N passes over the data' },
  { name: 'steps', key: 'steps', type: 'int', min: 1, placeholder: 'N', help: 'train for N steps (one discriminator batch each)' },
  { name: 'time-budget', key: 'timeBudget', type: 'number', min: 0, placeholder: 'SECONDS', help: 'also stop after this much wall time, with a final checkpoint and grid (0: no limit; the default recipe sets 120)' },
  { name: 'batch-size', key: 'batchSize', type: 'int', min: 1, placeholder: 'N', help: 'images per batch (default: 64)' },
  { name: 'seed', key: 'seed', type: 'int', min: 0, max: 0xffffffff, placeholder: 'S', help: 'random seed: same seed, same run (default: 1)' },
  { name: 'lr', key: 'lr', type: 'number', min: 0, placeholder: 'RATE', help: 'Adam learning rate for both G and D' },
  { name: 'lr-g', key: 'lrG', type: 'number', min: 0, placeholder: 'RATE', help: "G's learning rate (default: the model's, 2e-4 for most)" },
  { name: 'lr-d', key: 'lrD', type: 'number', min: 0, placeholder: 'RATE', help: "D's learning rate" },
  { name: 'beta1', key: 'beta1', type: 'number', min: 0, max: 0.999999, help: 'Adam β1 (default: 0.5 for most models)' },
  { name: 'beta2', key: 'beta2', type: 'number', min: 0, max: 0.999999, help: 'Adam β2 (default: 0.999)' },
  { name: 'amsgrad', key: 'amsgrad', type: 'boolean', help: 'Adam with AMSGrad (default: on for conv, off otherwise)' },
  { name: 'loss', key: 'loss', type: 'string', choices: GAN_LOSSES, help: 'GAN objective (default: non-saturating)' },
  { name: 'lsgan-a', key: 'lsganA', type: 'number', placeholder: 'A', help: 'lsgan: target for fakes in D (default: 0)' },
  { name: 'lsgan-b', key: 'lsganB', type: 'number', placeholder: 'B', help: 'lsgan: target for reals in D (default: 1)' },
  { name: 'lsgan-c', key: 'lsganC', type: 'number', placeholder: 'C', help: 'lsgan: target G aims for (default: 1)' },
  { name: 'gp-weight', key: 'gpWeight', type: 'number', min: 0, placeholder: 'λ', help: 'wgan-gp: gradient penalty weight (default: 10)' },
  { name: 'label-smoothing', key: 'labelSmoothing', type: 'number', min: 0, max: 0.5, placeholder: 'S', help: "one-sided: D's target for real images is 1 − S (default: 0)" },
  { name: 'd-steps', key: 'dSteps', type: 'int', min: 1, placeholder: 'K', help: 'discriminator steps per generator step (default: 1; 5 for wgan-gp)' },
  { name: 'ema', key: 'emaDecay', type: 'number', min: 0, max: 0.99999, placeholder: 'DECAY', help: "sample from a moving average of G's weights (e.g. 0.999; default: off)" },
  { name: 'latent-dim', key: 'latentDim', type: 'int', min: 1, placeholder: 'N', help: 'noise dimensions (default: 100)' },
  { name: 'log-every', key: 'logEvery', type: 'int', min: 1, placeholder: 'N', help: 'print a log line every N steps (default: 50)' },
  { name: 'metrics-every', key: 'metricsEvery', type: 'int', min: 1, placeholder: 'N', help: 'record metrics.jsonl every N steps (default: 10)' },
  { name: 'checkpoint-every', key: 'checkpointEvery', type: 'int', min: 0, placeholder: 'N', help: 'also checkpoint every N steps (default: epoch ends only)' },
  { name: 'eval-every', key: 'evalEvery', type: 'int', min: 0, placeholder: 'N', help: 'score a small sample every N steps and raise alarms (default: off)' },
  { name: 'grid-size', key: 'gridSize', type: 'int', min: 1, placeholder: 'N', help: 'images in each sample grid (default: 64)' },
  { name: 'tensorboard', key: 'tensorboard', type: 'boolean', help: 'also write TensorBoard event files to --out/tb (tensorboard --logdir runs)' },
];
export const trainSpec: CommandSpec = {
  name: 'train',
  summary: 'Train a GAN and write its samples, curves and checkpoints into a run folder.',
  usage: 'ganforge train [--recipe NAME | --model NAME] [--dataset mnist] [--epochs N | --steps N] [--out runs/NAME] [--resume]',
  flags: [
    { name: 'recipe', type: 'string', choices: RECIPE_NAMES, placeholder: 'NAME', help: `a named setup: ${RECIPE_NAMES.join(', ')} (default: 'default', or 'default-unlabelled' for data without labels, unless --model is given)` },
    { name: 'config', type: 'path', placeholder: 'FILE', help: 'a JSON or YAML file of config keys (as in a run\'s config.json), over the recipe' },
    ...CONFIG_FLAGS,
    { name: 'out', type: 'path', alias: 'o', placeholder: 'DIR', help: 'run folder (default: runs/MODEL-DATASET-TIME; required with --resume)' },
    { name: 'resume', type: 'boolean', help: 'continue the run in --out from its last checkpoint, up to --steps/--epochs' },
    { name: 'per-class', type: 'boolean', help: 'train one unconditional model per class, into --out/class-K' },
  ],
  examples: [
    'ganforge train                                   # the default recipe on the bundled MNIST',
    'ganforge train --model mlp --dataset mnist --steps 3000 --seed 1 --out runs/mlp',
    'ganforge train --out runs/mlp --resume --steps 6000',
    'ganforge train --recipe dcgan-faces --dataset data/faces',
    'ganforge train --model dcgan --loss wgan-gp --d-steps 5 --lr 1e-4 --beta1 0 --beta2 0.9',
    'ganforge train --config my-run.yaml --time-budget 120',
  ],
};

/** Config keys set by flags (with --lr expanded to both learning rates). */
function givenConfig(flags: Record<string, unknown>): Partial<TrainConfig> {
  const out: Record<string, unknown> = {};
  for (const flag of CONFIG_FLAGS) if (flags[flag.name] !== undefined) out[flag.key] = flags[flag.name];
  if (out.lr !== undefined) {
    out.lrG ??= out.lr;
    out.lrD ??= out.lr;
    delete out.lr;
  }
  if (flags.steps !== undefined && flags.epochs !== undefined) throw new UsageError('give --epochs or --steps, not both');
  if (flags.steps !== undefined) out.epochs = null;
  if (flags.epochs !== undefined) out.steps = null;
  if (out.timeBudget === 0) out.timeBudget = null;
  return out as Partial<TrainConfig>;
}

function consoleHooks(label: string, stopRequested: () => boolean): TrainHooks & { finish(): void } {
  let bar: ProgressBar | null = null;
  return {
    // On a terminal the bar owns the last line and log lines go above it; elsewhere only log lines, on stdout.
    log: (line) => (bar ? bar.log(`${label}${line}`) : console.log(`${label}${line}`)),
    onStep: (progress, total, summary) => {
      if (!process.stderr.isTTY) return;
      bar ??= new ProgressBar({ total, label: `${label}train`, unit: 'step' });
      bar.update(progress.step, summary);
    },
    shouldStop: stopRequested,
    finish: () => bar?.finish(),
  };
}

function report(result: TrainResult, out: string): void {
  const { progress, runDir } = result;
  const how = result.stopped ? 'stopped' : result.budgetSpent ? 'time budget spent' : 'done';
  console.log(`${how} at step ${progress.step}/${result.totalSteps} (${(progress.elapsedMs / 1000).toFixed(1)} s)`);
  console.log(`samples: ${runDir.latestGridPath}\ncheckpoint: ${runDir.checkpointPath}\ncurves: ${path.join(runDir.root, 'loss.svg')}`);
  if (result.stopped) console.log(`continue with: ganforge train --out ${out} --resume`);
}

export async function runTrain(flags: Record<string, unknown>): Promise<number> {
  const resume = flags.resume === true;
  if (resume && flags.out === undefined) throw new UsageError('--resume needs --out, the run folder to continue');
  if (resume && (flags.recipe !== undefined || flags.config !== undefined)) throw new UsageError('--resume keeps the run\'s config: drop --recipe and --config');
  const configFile = flags.config ? { path: flags.config as string, values: readConfigFile(flags.config as string) } : undefined;

  let bar: ProgressBar | null = null;
  const plan = await planRun({
    out: flags.out as string | undefined, resume, perClass: flags['per-class'] === true,
    layers: { recipe: flags.recipe as string | undefined, file: configFile, flags: givenConfig(flags) },
  }, {
    log: (line) => process.stderr.write(line + '\n'),
    onProgress: (done, total) => {
      if (total < 500 || !process.stderr.isTTY) return;
      bar ??= new ProgressBar({ total, label: 'load images', unit: 'img' });
      bar.update(done);
      if (done === total) bar.finish();
    },
  });
  const { config, dataset, out } = plan;

  let stopRequested = false;
  const onSigint = () => {
    if (stopRequested) process.exit(130); // a second Ctrl-C: leave now
    stopRequested = true;
    process.stderr.write('\nstopping after this step: writing a checkpoint (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  let judge: Judge | undefined;
  try {
    console.log(`ganforge train: ${config.model} (${config.loss}${config.recipe ? `, recipe ${config.recipe}` : ''}) on ${dataset.name} ` +
      `(${dataset.count} images ${config.imageShape.join('×')}) → ${out}`);
    if (config.evalEvery > 0) {
      // Periodic evaluation scores against the held-out split with the data set's classifier (trained once).
      const feedback = classifierFeedback();
      judge = await Judge.create(config.dataset, {
        download: config.download, imageSize: config.imageSize, grayscale: config.grayscale, classifier: feedback,
      });
      feedback.finish();
    }
    const open: ReturnType<typeof consoleHooks>[] = [];
    let results;
    try {
      results = await executeRun(plan, (label) => {
        const hooks = consoleHooks(label, () => stopRequested);
        open.push(hooks);
        return { ...hooks, judge };
      });
    } catch (err) {
      if (err instanceof DivergedError) throw Object.assign(err, { exitCode: 3 });
      throw err;
    } finally {
      open.forEach((hooks) => hooks.finish());
    }
    for (const result of results) report(result, out);
    return results.some((r) => r.stopped) ? 130 : 0;
  } finally {
    judge?.dispose();
    plan.checkpoint?.dispose();
    process.off('SIGINT', onSigint);
  }
}
