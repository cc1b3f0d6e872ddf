// `ganforge train`: trains a GAN into a run folder; --resume continues one exactly.
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../../io/atomic';
import { loadDataset, onlyClass } from '../../data/select';
import type { ImageDataset } from '../../data/dataset';
import { LoadedCheckpoint, readCheckpoint } from '../../gan/checkpoint';
import { TrainConfig, validateConfig } from '../../gan/config';
import { RECIPE_NAMES } from '../../gan/recipes';
import { familyFor, modelFamily } from '../../gan/registry';
import { resolveConfig } from '../../gan/resolve';
import { RunDir } from '../../gan/run-dir';
import { DivergedError, train, TrainHooks, TrainResult } from '../../gan/trainer';
import { modelSpec } from '../../gan/session';
import { Judge } from '../../metrics/judge';
import { CommandSpec, UsageError } from '../args';
import { readTrainConfigFile } from '../config-file';
import { CONFIG_FLAGS } from '../config-flags';
import { classifierFeedback } from './classifier';
import { ProgressBar } from '../progress';

// Keys a resumed run may change without changing what it computes.
const CHANGEABLE_ON_RESUME = new Set<string>(['epochs', 'steps', 'timeBudget', 'logEvery', 'metricsEvery', 'checkpointEvery', 'evalEvery']);

export const trainSpec: CommandSpec = {
  name: 'train',
  summary: 'Train a GAN and write its samples, curves and checkpoints into a run folder.',
  usage: 'ganforge train [--recipe NAME | --model NAME] [--dataset mnist] [--epochs N | --steps N] [--out runs/NAME] [--resume]',
  flags: [
    { name: 'recipe', type: 'string', choices: RECIPE_NAMES, placeholder: 'NAME', help: `a named setup: ${RECIPE_NAMES.join(', ')} (default: 'default', or 'default-unlabelled' for data without labels, unless --model is given)` },
    { name: 'config', type: 'path', placeholder: 'FILE', help: 'a JSON or YAML file of config keys, spelled as in a run\'s config.json (emaDecay) or as these flags (ema, lr-g), over the recipe' },
    ...CONFIG_FLAGS.map(({ key: _key, ...flag }) => flag),
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

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

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

/** A resumed run keeps its config; only the length and logging may change. */
function resumedConfig(saved: TrainConfig, given: Partial<TrainConfig>): TrainConfig {
  for (const [key, value] of Object.entries(given)) {
    if (CHANGEABLE_ON_RESUME.has(key) || value === null) continue;
    if (value !== saved[key as keyof TrainConfig]) {
      const flag = CONFIG_FLAGS.find((f) => f.key === key)!.name;
      throw new UsageError(`--${flag} ${value} differs from the run's config (${String(saved[key as keyof TrainConfig])}); a resumed run keeps its config`);
    }
  }
  return { ...saved, ...given };
}

function consoleHooks(label: string, stopRequested: () => boolean): TrainHooks & { finish(): void } {
  let bar: ProgressBar | null = null;
  return {
    // On a terminal the bar owns the last line and log lines go above it; elsewhere only log lines, on stdout.
    log: (line) => (bar ? bar.log(`${label}${line}`) : console.log(`${label}${line}`)),
    onStep: (progress, total, s) => {
      if (!process.stderr.isTTY) return;
      bar ??= new ProgressBar({ total, label: `${label}train`, unit: 'step' });
      bar.update(progress.step, `Loss_D ${s.lossD.toFixed(3)} Loss_G ${s.lossG.toFixed(3)}`);
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
  const given = givenConfig(flags);
  const resume = flags.resume === true;
  const perClass = flags['per-class'] === true;
  if (resume && flags.out === undefined) throw new UsageError('--resume needs --out, the run folder to continue');
  if (resume && (flags.recipe !== undefined || flags.config !== undefined)) throw new UsageError('--resume keeps the run\'s config: drop --recipe and --config');

  const out = (flags.out as string | undefined) ?? '';
  const perClassFile = path.join(out, 'per-class.json');
  let checkpoint: LoadedCheckpoint | null = null;
  let config: TrainConfig;
  const configFile = flags.config ? { path: flags.config as string, values: readTrainConfigFile(flags.config as string) } : undefined;
  const layers = { recipe: flags.recipe as string | undefined, file: configFile, flags: given };
  if (resume && perClass !== fs.existsSync(perClassFile)) {
    throw new UsageError(perClass ? `${out} is not a --per-class run` : `${out} is a --per-class run: resume it with --per-class`);
  }
  if (resume && !perClass) {
    const run = new RunDir(out);
    if (!run.hasCheckpoint()) throw new Error(`nothing to resume: ${run.checkpointPath} does not exist`);
    checkpoint = readCheckpoint(run.checkpointPath);
    config = resumedConfig(checkpoint.config, given);
  } else if (resume) {
    config = resumedConfig(JSON.parse(fs.readFileSync(perClassFile, 'utf8')).config, given);
  } else {
    config = resolveConfig(layers);
  }

  let bar: ProgressBar | null = null;
  const dataset = await loadDataset(config.dataset, {
    download: config.download, imageSize: config.imageSize, grayscale: config.grayscale,
    log: (line) => process.stderr.write(line + '\n'),
    onProgress: (done, total) => {
      if (total < 500 || !process.stderr.isTTY) return;
      bar ??= new ProgressBar({ total, label: 'load images', unit: 'img' });
      bar.update(done);
      if (done === total) bar.finish();
    },
  });
  if (!resume && (perClass || !dataset.labels)) {
    // Resolved again now that the data is known: with no recipe named, unlabelled data and --per-class runs get
    // the default recipe's unconditional twin (the same data options, so the loaded data still applies).
    config = resolveConfig({ ...layers, labelled: false });
  }
  const runOut = out || path.join('runs', `${config.model}-${path.basename(config.dataset)}-${timestamp()}`);
  const imageShape: [number, number, number] = [dataset.channels, dataset.height, dataset.width];
  if (resume && imageShape.join('x') !== config.imageShape.join('x')) {
    throw new Error(`the data (${imageShape.join('×')}) does not match the run's images (${config.imageShape.join('×')})`);
  }
  if (perClass && modelFamily(config.model).conditioning !== 'none') {
    throw new UsageError(`--per-class trains unconditional models; '${config.model}' is conditional`);
  }
  config = validateConfig({ ...config, imageShape, numClasses: perClass ? 0 : dataset.classes?.length ?? 0 });
  familyFor(modelSpec(config)); // fails now, with the reason, if the model cannot fit this data
  if (perClass && !dataset.labels) throw new Error(`--per-class needs labels, and ${dataset.name} has none`);

  let stopRequested = false;
  const onSigint = () => {
    if (stopRequested) process.exit(130); // a second Ctrl-C: leave now
    stopRequested = true;
    process.stderr.write('\nstopping after this step: writing a checkpoint (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  try {
    console.log(`ganforge train: ${config.model} (${config.loss}${config.recipe ? `, recipe ${config.recipe}` : ''}) on ${dataset.name} ` +
      `(${dataset.count} images ${imageShape.join('×')}) → ${runOut}`);
    if (!perClass) {
      const hooks = consoleHooks('', () => stopRequested);
      // Periodic evaluation scores against the held-out split with the data set's classifier (trained once).
      const feedback = classifierFeedback();
      const judge = config.evalEvery > 0 ? await Judge.create(config.dataset, {
        download: config.download, imageSize: config.imageSize, grayscale: config.grayscale, classifier: feedback,
      }) : undefined;
      feedback.finish();
      try {
        const result = await trainReporting(config, dataset, runOut, checkpoint, { ...hooks, judge });
        report(result, runOut);
        return result.stopped ? 130 : 0;
      } finally {
        judge?.dispose();
      }
    }
    if (config.evalEvery > 0) throw new UsageError('--eval-every scores one model against all classes; it does not apply to --per-class runs');
    return await trainPerClass(config, dataset, runOut, resume, () => stopRequested);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function trainReporting(config: TrainConfig, dataset: ImageDataset, out: string, checkpoint: LoadedCheckpoint | null,
  hooks: TrainHooks & { finish(): void }): Promise<TrainResult> {
  try {
    return await train(config, dataset, out, checkpoint, hooks);
  } catch (err) {
    if (err instanceof DivergedError) throw Object.assign(err, { exitCode: 3 });
    throw err;
  } finally {
    hooks.finish();
  }
}

/** One model per class into out/class-K; per-class.json marks the folder and holds the shared config. */
async function trainPerClass(config: TrainConfig, dataset: ImageDataset, out: string, resume: boolean, stopRequested: () => boolean): Promise<number> {
  fs.mkdirSync(out, { recursive: true });
  const classes = dataset.classes ?? [...new Set(dataset.labels!)].sort((a, b) => a - b).map(String);
  writeFileAtomic(path.join(out, 'per-class.json'), JSON.stringify({ classes, config }, null, 2) + '\n');
  for (let label = 0; label < classes.length; label++) {
    const folder = path.join(out, `class-${label}`);
    const run = new RunDir(folder);
    const checkpoint = resume && run.hasCheckpoint() ? readCheckpoint(run.checkpointPath) : null;
    const subset = onlyClass(dataset, label);
    const result = await trainReporting({ ...config, seed: config.seed + label }, subset, folder, checkpoint,
      consoleHooks(`[class ${classes[label]}] `, stopRequested));
    report(result, out);
    if (result.stopped) return 130;
  }
  return 0;
}
