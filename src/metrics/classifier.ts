// The judge's eyes: a small CNN trained on the data set's own labels. Its 128-d penultimate layer is the
// feature space for FID, KID and precision/recall; its class probabilities give the Inception-style score and
// class coverage. It is trained once per data set and cached with its held-out accuracy.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BatchLoader } from '../data/loader';
import { OptionError } from '../errors';
import { bytesToSignedTensor } from '../data/pixels';
import type { ImageDataset } from '../data/dataset';
import { loadTensors, saveTensors } from '../io/tensors';
import { Conv2d, Flatten, GraphOps, Linear, MaxPool2d, Module, ReLU, Sequential, tensorOps } from '../nn';
import { Adam } from '../optim';
import { F, manualSeed, noGrad, Tensor, tensor, tidy, withThreads } from '../torch';
import type { ReferenceData } from './reference';

export const FEATURE_DIMS = 128;

export class ClassifierNet extends Module {
  readonly features: Sequential;
  readonly head: Linear;

  constructor(readonly imageShape: [number, number, number], readonly numClasses: number) {
    super();
    const [c, h, w] = imageShape;
    if (h % 4 !== 0 || w % 4 !== 0) throw new Error(`the classifier needs image sides divisible by 4, got ${h}×${w}`);
    this.features = this.addModule('features', new Sequential(
      new Conv2d(c, 32, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
      new Conv2d(32, 64, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
      new Flatten(), new Linear(64 * (h / 4) * (w / 4), FEATURE_DIMS), new ReLU(),
    ));
    this.head = this.addModule('head', new Linear(FEATURE_DIMS, numClasses));
  }

  /** Images [N, C, H, W] in [-1, 1] → features [N, 128] and class logits [N, classes]. */
  forward(x: Tensor): { features: Tensor; logits: Tensor } {
    return this.describe(tensorOps, x);
  }

  /** The forward over `ops`: the same code runs it (tensorOps) and exports it to ONNX. */
  describe<V>(ops: GraphOps<V>, x: V): { features: V; logits: V } {
    const features = ops.layer(this.features, x);
    return { features, logits: ops.layer(this.head, features) };
  }
}

export interface TrainedClassifier {
  net: ClassifierNet;
  accuracy: number;
  /** Data key and split description, recorded with every score. */
  key: string;
  description: string;
  classes: string[];
  file: string;
}

export function classifierCacheDir(): string {
  return path.join(process.env.GANFORGE_CACHE ?? path.join(os.homedir(), '.cache', 'ganforge'), 'classifiers');
}

/** Fraction of `data` the net labels correctly. */
export function accuracy(net: ClassifierNet, data: ImageDataset): number {
  let correct = 0;
  let seen = 0;
  net.eval();
  noGrad(() => {
    const per = data.channels * data.height * data.width;
    for (let start = 0; start < data.count; start += 500) {
      const n = Math.min(500, data.count - start);
      tidy(() => {
        const x = bytesToSignedTensor(tensor(data.images.subarray(start * per, (start + n) * per), [n, data.channels, data.height, data.width]));
        const predicted = net.forward(x).logits.argmax(1);
        const truth = tensor(data.labels!.subarray(start, start + n), [n]).to({ dtype: 'int64' });
        correct += predicted.eq(truth).sum().item();
        seen += n;
      });
    }
  });
  return correct / seen;
}

export interface ClassifierTrainOptions {
  epochs?: number;
  log?: (line: string) => void;
  onProgress?: (done: number, total: number) => void;
}

/** Images in one training batch of the classifier: a data set needs at least this many to train one. */
export const CLASSIFIER_BATCH = 128;

/** Trains the CNN on reference.train (Adam 1e-3, batch 128) and measures it on reference.heldOut. */
export function trainClassifier(reference: ReferenceData, options: ClassifierTrainOptions = {}): { net: ClassifierNet; accuracy: number } {
  const { train, heldOut } = reference;
  if (!train.labels || !train.classes) throw new OptionError('extractor', (name) => `${train.name} has no labels: a classifier cannot be trained (give an ONNX ${name('extractor')} instead)`);
  const classes = train.classes.length;
  // Convolutions on 28×28 maps: 2 intra-op threads are faster here (see the conv model).
  const { net, acc } = withThreads(2, () => {
    manualSeed(0);
    const net = new ClassifierNet([train.channels, train.height, train.width], classes);
    const optimizer = new Adam(net.parameters(), { lr: 1e-3 });
    const loader = new BatchLoader(train, CLASSIFIER_BATCH, 0);
    const epochs = options.epochs ?? 5;
    const total = epochs * loader.batchesPerEpoch;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      net.train();
      let lossSum = 0;
      for (let b = 0; b < loader.batchesPerEpoch; b++) {
        const batch = loader.batch(epoch, b);
        tidy(() => {
          optimizer.zeroGrad();
          const loss = F.crossEntropy(net.forward(batch.images).logits, batch.labels!);
          loss.backward();
          optimizer.step();
          lossSum += loss.item();
        });
        batch.images.dispose();
        batch.labels?.dispose();
        options.onProgress?.((epoch - 1) * loader.batchesPerEpoch + b + 1, total);
      }
      options.log?.(`classifier epoch ${epoch}/${epochs}: loss ${(lossSum / loader.batchesPerEpoch).toFixed(4)}`);
    }
    loader.dispose();
    optimizer.dispose();
    return { net, acc: accuracy(net, heldOut) };
  });
  options.log?.(`classifier held-out accuracy: ${(acc * 100).toFixed(2)}% on ${heldOut.count} images`);
  return { net, accuracy: acc };
}

export function saveClassifier(file: string, trained: { net: ClassifierNet; accuracy: number }, reference: ReferenceData): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  saveTensors(file, trained.net.stateDict(), {
    format: 'ganforge-classifier',
    accuracy: String(trained.accuracy),
    key: reference.key,
    description: reference.description,
    classes: JSON.stringify(reference.train.classes),
    imageShape: JSON.stringify([reference.train.channels, reference.train.height, reference.train.width]),
  });
}

export function loadClassifier(file: string): TrainedClassifier {
  const { tensors, metadata } = loadTensors(file);
  try {
    if (metadata.format !== 'ganforge-classifier') throw new Error(`${file} is not a ganforge classifier`);
    const classes = JSON.parse(metadata.classes) as string[];
    const net = new ClassifierNet(JSON.parse(metadata.imageShape), classes.length);
    net.loadStateDict(tensors, file);
    net.eval();
    return { net, accuracy: Number(metadata.accuracy), key: metadata.key, description: metadata.description, classes, file };
  } finally {
    tensors.forEach((t) => t.dispose());
  }
}

/** The cached classifier for this reference data, trained first (with progress) when missing. */
export function classifierFor(reference: ReferenceData, options: ClassifierTrainOptions & { retrain?: boolean } = {}): TrainedClassifier {
  const file = path.join(classifierCacheDir(), `${reference.key}.safetensors`);
  if (fs.existsSync(file) && !options.retrain) return loadClassifier(file);
  options.log?.(`training the ${reference.key} classifier (once; cached in ${file})`);
  const trained = trainClassifier(reference, options);
  saveClassifier(file, trained, reference);
  trained.net.dispose();
  return loadClassifier(file);
}
