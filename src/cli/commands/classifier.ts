// `ganforge classifier train`: trains (or retrains) the judge's feature extractor for a data set ahead of time,
// so the first `ganforge eval` doesn't pay for it, and prints where it is cached and how accurate it is.
import { classifierFor, ClassifierTrainOptions } from '../../metrics/classifier';
import { referenceData } from '../../metrics/reference';
import { CommandSpec, FlagsOf, UsageError } from '../args';
import { applyDeviceFlag, DEVICE_FLAG } from '../device-flag';
import { ProgressBar } from '../progress';

export const classifierSpec = {
  name: 'classifier',
  summary: "Train the judge's classifier for a data set: its 128-d features are the space FID, KID and precision/recall are measured in.",
  usage: 'ganforge classifier train [--dataset mnist|fashion-mnist|DIR] [--epochs 5] [--retrain]',
  positionals: [{ name: 'ACTION', help: "'train' (trains once and caches; eval would do the same on first use)", required: true }],
  flags: [
    { name: 'dataset', type: 'string', default: 'mnist', placeholder: 'NAME|DIR', help: "'mnist' (bundled), 'fashion-mnist', or a folder of IDX files or labelled images" },
    { name: 'download', type: 'boolean', help: 'use the full standard data set and its official test split (fetched once)' },
    { name: 'epochs', type: 'int', min: 1, max: 100, default: 5, placeholder: 'N', help: 'training passes over the reference train split' },
    { name: 'retrain', type: 'boolean', help: 'train again even if a cached classifier exists' },
    DEVICE_FLAG,
  ],
  examples: ['ganforge classifier train', 'ganforge classifier train --dataset fashion-mnist'],
} as const satisfies CommandSpec;

export async function runClassifier(flags: FlagsOf<typeof classifierSpec>, positionals: string[]): Promise<number> {
  applyDeviceFlag(flags.device);
  if (positionals[0] !== 'train') throw new UsageError(`unknown classifier action '${positionals[0]}' (expected train)`);
  const reference = await referenceData(flags.dataset, { download: flags.download === true });
  const feedback = classifierFeedback();
  const trained = classifierFor(reference, { epochs: flags.epochs, retrain: flags.retrain === true, ...feedback });
  feedback.finish();
  try {
    console.log(`${reference.key} classifier: ${(trained.accuracy * 100).toFixed(2)}% held-out accuracy (${reference.description})`);
    console.log(`cached in ${trained.file}`);
  } finally {
    trained.net.dispose();
  }
  return 0;
}

/** Log lines and a progress bar (on stderr) for a classifier being trained, by this command or on eval's first use. */
export function classifierFeedback(): Required<Pick<ClassifierTrainOptions, 'log' | 'onProgress'>> & { finish: () => void } {
  let bar: ProgressBar | null = null;
  return {
    log: (line) => (bar ? bar.log(line) : process.stderr.write(line + '\n')),
    onProgress: (done, total) => {
      bar ??= new ProgressBar({ total, label: 'classifier', unit: 'batch' });
      bar.update(done);
    },
    finish: () => bar?.finish(),
  };
}
