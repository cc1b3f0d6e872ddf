// `ganforge train`: trains a GAN into a run folder; --resume continues one exactly.
import * as path from 'path';
import type { TrainConfig } from '../../gan/config';
import { RECIPE_NAMES } from '../../gan/recipes';
import { executeRun, planRun } from '../../gan/run';
import { DivergedError, TrainHooks, TrainResult } from '../../gan/trainer';
import { Judge } from '../../metrics/judge';
import { CommandSpec, FlagsOf, flagNamer, UsageError } from '../args';
import { applyDeviceFlag, DEVICE_FLAG } from '../device-flag';
import { readTrainConfigFile } from '../config-file';
import { CONFIG_FLAGS } from '../config-flags';
import { classifierFeedback } from './classifier';
import { ProgressBar } from '../progress';

export const trainSpec = {
  name: 'train',
  summary: 'Train a GAN and write its samples, curves and checkpoints into a run folder.',
  usage: 'ganforge train [--recipe NAME | --model NAME] [--dataset mnist] [--epochs N | --steps N] [--out runs/NAME] [--resume]',
  flags: [
    { name: 'recipe', type: 'string', choices: RECIPE_NAMES, placeholder: 'NAME', help: `a named setup: ${RECIPE_NAMES.join(', ')} (default: 'default', or 'default-unlabelled' for data without labels, unless --model is given)` },
    { name: 'config', type: 'path', placeholder: 'FILE', help: 'a JSON or YAML file of config keys, spelled as in a run\'s config.json (emaDecay) or as these flags (ema, lr-g), over the recipe' },
    ...CONFIG_FLAGS,
    { name: 'out', type: 'path', alias: 'o', placeholder: 'DIR', help: 'run folder (default: runs/MODEL-DATASET-TIME; required with --resume)' },
    { name: 'resume', type: 'boolean', help: 'continue the run in --out from its last checkpoint, up to --steps/--epochs' },
    { name: 'per-class', type: 'boolean', help: 'train one unconditional model per class, into --out/class-K' },
    DEVICE_FLAG,
  ],
  examples: [
    'ganforge train                                   # the default recipe on the bundled MNIST',
    'ganforge train --model mlp --dataset mnist --steps 3000 --seed 1 --out runs/mlp',
    'ganforge train --out runs/mlp --resume --steps 6000',
    'ganforge train --recipe dcgan-faces --dataset data/faces',
    'ganforge train --model dcgan --loss wgan-gp --d-steps 5 --lr 1e-4 --beta1 0 --beta2 0.9',
    'ganforge train --config my-run.yaml --time-budget 120',
  ],
} as const satisfies CommandSpec;

/** Config keys set by flags (with --lr expanded to both learning rates). */
function givenConfig(flags: FlagsOf<typeof trainSpec>): Partial<TrainConfig> {
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
    nameOption: flagNamer(trainSpec), // alarm remedies name the flags to change
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

export async function runTrain(flags: FlagsOf<typeof trainSpec>): Promise<number> {
  applyDeviceFlag(flags.device);
  const resume = flags.resume === true;
  if (resume && flags.out === undefined) throw new UsageError('--resume needs --out, the run folder to continue');
  if (resume && (flags.recipe !== undefined || flags.config !== undefined)) throw new UsageError('--resume keeps the run\'s config: drop --recipe and --config');
  const configFile = flags.config ? { path: flags.config, values: readTrainConfigFile(flags.config) } : undefined;

  let bar: ProgressBar | null = null;
  const plan = await planRun({
    out: flags.out, resume, perClass: flags['per-class'] === true,
    layers: { recipe: flags.recipe, file: configFile, flags: givenConfig(flags) },
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
