// From a trained attribute-editing run (StarGAN, Age-cGAN) to what src/metrics/editing-scores.ts scores: the
// test images it never trained on with their own domains, the run's edit, and the judges that read the edits.
//   attribute-labelled data: the data's test/ split (the attributed faces: new people, each at every age), with
//     a judge per attribute and an identity judge where the data names people;
//   class-labelled data (StarGAN on MNIST): the held-out split of the data's judge (bench/stargan-edits' digits).
import { ATTRIBUTE_FILE, selectDatasetAttributes } from '../data/attributed-folder';
import { bytesToSigned } from '../data/pixels';
import type { ImageDataset } from '../data/dataset';
import { loadDataset } from '../data/select';
import { attributeJudges, AttributeJudge } from '../metrics/attribute-judges';
import type { ClassifierTrainOptions, TrainedClassifier } from '../metrics/classifier';
import type { EditingCase } from '../metrics/editing-scores';
import { identityJudge } from '../metrics/identity-judge';
import { referenceData } from '../metrics/reference';
import { domainRows } from './domains';
import type { LoadedEditor } from './run-edit';
import { spreadRows } from './translation-eval';

export interface EditingEval {
  testCase: EditingCase;
  judges: AttributeJudge[];
  /** The identity judge, or null with the reason. */
  identity: TrainedClassifier | null;
  noIdentity: string;
}

/** The training and test splits of an editing run's data, as the run saw them (its attribute columns). */
async function runData(editor: LoadedEditor): Promise<{ train: ImageDataset; test: ImageDataset }> {
  const { config, domains } = editor;
  if (domains.kind === 'classes') {
    const reference = await referenceData(config.dataset, { download: config.download, imageSize: config.imageSize, grayscale: config.grayscale });
    return { train: reference.train, test: reference.heldOut };
  }
  const loaded = await loadDataset(config.dataset, { imageSize: config.imageSize, grayscale: config.grayscale, attributeFile: config.attributeFile ?? undefined });
  const data = config.attributes === null ? loaded : selectDatasetAttributes(loaded, config.attributes.split(','));
  if (!data.heldOut?.attributes) throw new Error(`${config.dataset} has no labelled test split (DIR/test/ with ${ATTRIBUTE_FILE}) to score: an editing run is scored on images it never trained on`);
  return { train: data, test: data.heldOut };
}

/** The case for an editing run: at most `limit` test images spread over the split, every real test image as FID reference. */
export async function editingEvalOf(editor: LoadedEditor, options: { limit?: number; classifier?: ClassifierTrainOptions } = {}): Promise<EditingEval> {
  const { config, domains } = editor;
  const { train, test } = await runData(editor);
  const per = test.channels * test.height * test.width;
  const all = Array.from({ length: test.count }, (_, i) => i);
  const rows = spreadRows(test.count, options.limit ?? Infinity);
  const images = bytesToSigned(test.images);
  const inputs = new Float32Array(rows.length * per);
  rows.forEach((r, i) => inputs.set(images.subarray(r * per, (r + 1) * per), i * per));
  const realDomains = domainRows(test, all, domains);
  const K = domains.names.length;
  const own = new Float32Array(rows.length * K);
  rows.forEach((r, i) => own.set(realDomains.subarray(r * K, (r + 1) * K), i * K));
  const people = test.identities ? { inputs: Int32Array.from(rows, (r) => test.identities![r]), real: test.identities } : null;
  const judges = await attributeJudges(config, domains, train, test, options.classifier);
  const { judge, reason } = people ? identityJudge(config.dataset, train, options.classifier) : { judge: null, reason: 'the test split does not name its people' };
  return {
    testCase: {
      description: `${test.name}`, count: rows.length, channels: test.channels, height: test.height, width: test.width,
      inputs, own, domains: K, edit: editor.edit, real: { images, domains: realDomains, count: test.count }, people,
    },
    judges, identity: judge, noIdentity: reason,
  };
}
