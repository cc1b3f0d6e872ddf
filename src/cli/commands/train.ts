// `ganforge train`: trains a GAN into a run folder; --resume continues one exactly.
import * as fs from 'fs';
import * as path from 'path';
import type { TrainConfig } from '../../gan/config';
import { RECIPE_NAMES } from '../../gan/recipes';
import { resolveConfig } from '../../gan/resolve';
import { executeRun, planRun } from '../../gan/run';
import { RunDir } from '../../gan/run-dir';
import { DivergedError, TrainHooks, TrainResult } from '../../gan/trainer';
import { Judge } from '../../metrics/judge';
import { CommandSpec, FlagsOf, flagNamer, UsageError } from '../args';
import { applyDeviceFlag, DEVICE_FLAG } from '../device-flag';
import { readTrainConfigFile } from '../config-file';
import { CONFIG_FLAGS } from '../config-flags';
import { classifierFeedback } from './classifier';
import { ProgressBar } from '../progress';
import { trainWorld, withoutNproc } from '../train-world';
import { launchLocal, stopWithLauncher } from '../../dist/launch';
import { ProcessGroup } from '../../dist/group';

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
    { name: 'nproc', type: 'int', min: 1, max: 1024, placeholder: 'N', help: 'data-parallel: launch N worker processes on this host, cores split between them (--batch-size is the global batch)' },
    { name: 'world-size', type: 'int', min: 1, max: 65536, placeholder: 'N', help: 'data-parallel: this process is one of N ranks (default: $WORLD_SIZE, as torchrun/Slurm set it)' },
    { name: 'rank', type: 'int', min: 0, placeholder: 'R', help: 'data-parallel: this process\'s rank, 0..N-1; rank 0 hosts the rendezvous and writes the run (default: $RANK)' },
    { name: 'master', type: 'string', placeholder: 'HOST:PORT', help: 'data-parallel: rank 0\'s address (default: $MASTER_ADDR:$MASTER_PORT, port 29500)' },
    { name: 'dist-timeout', type: 'number', min: 1, max: 86400, default: 120, placeholder: 'SECONDS', help: 'data-parallel: a rank waiting longer than this on the others (a dead or stuck peer) ends the job with an error' },
  ],
  examples: [
    'ganforge train                                   # the default recipe on the bundled MNIST',
    'ganforge train --model mlp --dataset mnist --steps 3000 --seed 1 --out runs/mlp',
    'ganforge train --out runs/mlp --resume --steps 6000',
    'ganforge train --recipe dcgan-faces --dataset data/faces',
    'ganforge train --model dcgan --loss wgan-gp --d-steps 5 --lr 1e-4 --beta1 0 --beta2 0.9',
    'ganforge train --config my-run.yaml --time-budget 120',
    'ganforge train --nproc 2 --batch-size 64 --out runs/ddp      # two processes, 32 images each per step',
    'ganforge train --world-size 2 --rank 1 --master 10.0.0.1:29500 --out runs/ddp   # one rank of a two-host job',
  ],
  notes: [
    'Data-parallel training (c10d, Gloo): every rank trains the same models on its slice of each global batch ' +
      '(--batch-size images in all, split evenly) and of the same noise, and gradients are averaged after each backward, ' +
      'so the world size changes speed, not results. Batch norm uses each rank\'s slice unless --sync-bn. Rank 0 alone ' +
      'writes logs, grids, metrics and checkpoints (losses logged are global means); a checkpoint resumes at any world size. ' +
      '--nproc N runs the ranks here; on several hosts start one process per rank with --world-size/--rank/--master, or ' +
      'with RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT set (torchrun, Slurm, Kubernetes). Ctrl-C stops every ' +
      'rank after the same step with a checkpoint; a dead rank ends the job within --dist-timeout (the last checkpoint is ' +
      'kept: use --checkpoint-every) and --resume continues it.',
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

function consoleHooks(label: string, stopRequested: () => boolean, quiet: boolean): TrainHooks & { finish(): void } {
  let bar: ProgressBar | null = null;
  // Ranks other than 0 train silently: rank 0 logs the global values for all of them.
  if (quiet) return { log: () => {}, shouldStop: stopRequested, finish: () => {} };
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
  const world = trainWorld(flags);
  const parallel = (flags.nproc ?? 1) > 1 || (world?.worldSize ?? 1) > 1;
  // Gloo all-reduces CPU tensors: data-parallel runs train on the CPU ('auto' picks it; a GPU asked for by name
  // is refused until NCCL is bound).
  const device = applyDeviceFlag(parallel && flags.device === 'auto' ? 'cpu' : flags.device);
  if (parallel && device !== 'cpu') throw new UsageError('--device: data-parallel training (--nproc, --world-size) runs on the CPU in this build (Gloo); drop --device or use cpu');
  if (flags.nproc !== undefined && flags.nproc > 1) {
    checkSplit(flags, flags.nproc);
    return launchLocal({
      nproc: flags.nproc, argv: [process.argv[1], ...withoutNproc(process.argv.slice(2))],
      timeoutMs: Math.round(flags['dist-timeout'] * 1000), log: (line) => process.stderr.write(`ganforge: ${line}\n`),
    });
  }
  // A world of one is a plain single-process run.
  const group = world && world.worldSize > 1 ? ProcessGroup.join(world) : null;
  if (group) stopWithLauncher();
  try {
    return await trainAs(flags, group);
  } finally {
    group?.close();
  }
}

/**
 * Before any worker starts: the global batch must split evenly over the workers. Checked here once, from the
 * resolved config (or a resumed run's config.json), so a bad value is one line rather than one per worker.
 */
function checkSplit(flags: FlagsOf<typeof trainSpec>, nproc: number): void {
  let batchSize: number;
  if (flags.resume === true) {
    const dir = new RunDir(flags.out ?? '');
    if (flags.out === undefined || !fs.existsSync(dir.configPath)) return; // the workers say what is wrong
    batchSize = dir.readConfig().batchSize;
  } else {
    const file = flags.config ? { path: flags.config, values: readTrainConfigFile(flags.config) } : undefined;
    batchSize = resolveConfig({ recipe: flags.recipe, file, flags: givenConfig(flags) }).batchSize;
  }
  if (batchSize % nproc !== 0) throw new UsageError(`--batch-size ${batchSize} is the global batch and must split evenly over --nproc ${nproc} processes`);
}

async function trainAs(flags: FlagsOf<typeof trainSpec>, group: ProcessGroup | null): Promise<number> {
  const main = group?.isMain ?? true;
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
  if (group && config.batchSize % group.worldSize !== 0) {
    plan.checkpoint?.dispose();
    throw new UsageError(`--batch-size ${config.batchSize} is the global batch and must split evenly over ${group.worldSize} processes`);
  }

  let stopRequested = false;
  const onSigint = () => {
    if (stopRequested) process.exit(130); // a second Ctrl-C: leave now
    stopRequested = true;
    process.stderr.write('\nstopping after this step: writing a checkpoint (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  let judge: Judge | undefined;
  try {
    if (main) console.log(`ganforge train: ${config.model} (${config.loss}${config.recipe ? `, recipe ${config.recipe}` : ''}) on ${dataset.name} ` +
      `(${dataset.count} images ${config.imageShape.join('×')}) → ${out}`);
    if (config.evalEvery > 0 && main) {
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
      results = await executeRun(plan, group ?? undefined, (label) => {
        const hooks = consoleHooks(label, () => stopRequested, !main);
        open.push(hooks);
        return { ...hooks, judge };
      });
    } catch (err) {
      if (err instanceof DivergedError) throw Object.assign(err, { exitCode: 3 });
      throw err;
    } finally {
      open.forEach((hooks) => hooks.finish());
    }
    if (main) for (const result of results) report(result, out);
    return results.some((r) => r.stopped) ? 130 : 0;
  } finally {
    judge?.dispose();
    plan.checkpoint?.dispose();
    process.off('SIGINT', onSigint);
  }
}
