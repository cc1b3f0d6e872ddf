// Scoring an attribute-editing run: on tiny attributed faces, an editor that changes nothing reaches no target and
// moves no pixel; an "oracle" that returns the same test person really drawn at the asked age reaches the age
// judge's ceiling, has FID ≈ 0 against the real faces of that age, and is nearer the same person than another in
// every case; and `ganforge eval` on a tiny StarGAN run prints and records the scores of every attribute.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeAttributedFaces } from '../../src/data/attributed-folder';
import type { ImageDataset } from '../../src/data/dataset';
import { bytesToSigned } from '../../src/data/pixels';
import { loadDataset } from '../../src/data/select';
import { domainRows, domainsOf, groupDomains } from '../../src/gan/domains';
import { attributeJudges, AttributeJudge } from '../../src/metrics/attribute-judges';
import { EditingCase, scoreEditing } from '../../src/metrics/editing-scores';
import { classifierExtractor } from '../../src/metrics/extractor';
import { identityJudge } from '../../src/metrics/identity-judge';
import type { TrainedClassifier } from '../../src/metrics/classifier';
import { ganforge, readMetrics, tempDir } from '../helpers/fixtures';

const SIZE = 32;
const root = tempDir('editing-eval');
const folder = path.join(root, 'faces');

describe('editing scores on the attributed faces (age edits)', () => {
  let data: ImageDataset;
  let test: ImageDataset;
  let judges: AttributeJudge[];
  let identity: TrainedClassifier;
  const ages = groupDomains(domainsOf({ attributes: 'Black_Hair,Blond_Hair,Brown_Hair,Gray_Hair,Young,Middle_Aged,Old,Eyeglasses,Smiling', numClasses: 0 }), 'age')!;

  before(async () => {
    // 130 test people at every age: 130 real faces per age, above the 128 features FID needs.
    writeAttributedFaces(folder, { n: 600, testPeople: 130, size: SIZE, seed: 4 });
    data = await loadDataset(folder, { imageSize: SIZE });
    test = data.heldOut!;
    const config = { dataset: folder, imageShape: [3, SIZE, SIZE] as [number, number, number], download: false, imageSize: SIZE, grayscale: false };
    judges = await attributeJudges(config, ages, data, test);
    // Few epochs: the oracle's distances to itself are 0 in any feature space; the test needs no good judge.
    identity = identityJudge(folder, data, { epochs: 5 }).judge!;
  });
  after(() => {
    judges.forEach((j) => j.classifier.net.dispose());
    identity.net.dispose();
  });

  /** The test split as a case whose edit is `edit`. */
  function caseWith(edit: EditingCase['edit']): EditingCase {
    const all = Array.from({ length: test.count }, (_, i) => i);
    const images = bytesToSigned(test.images);
    const own = domainRows(test, all, ages);
    return {
      description: test.name, count: test.count, channels: 3, height: SIZE, width: SIZE, inputs: images, own, domains: 3, edit,
      real: { images, domains: own, count: test.count }, people: { inputs: test.identities!, real: test.identities! },
    };
  }

  it("an editor that changes nothing reaches no more than the judge's misreadings and changes no pixel", async () => {
    const scores = await scoreEditing(caseWith((images) => images.slice()), judges, classifierExtractor(identity));
    const [age] = scores.attributes;
    assert.equal(age.key, 'age');
    assert.equal(age.values.length, 3);
    // Only the judge's own misreadings count as reached: at most its error rate on real faces, and a little noise.
    const ceiling = judges[0].classifier.accuracy;
    assert.ok(ceiling > 0.6, `the age judge reads ${ceiling} of real test faces`);
    assert.ok(age.reached !== null && age.reached < 1 - ceiling + 0.05, `reached ${age.reached} with a judge of accuracy ${ceiling}`);
    assert.equal(age.l1Changed, 0);
    for (const v of age.values) {
      assert.equal(v.asked, 2 * 130, 'every test person is asked for the two other ages');
      assert.equal(v.l1Kept, 0);
      assert.ok(v.fid !== null && v.fid > 0, `FID ${v.fid}`);
    }
  });

  it('an oracle (the same person really drawn at the age) reaches the judge\'s ceiling, FID ≈ 0, nearer itself always', async () => {
    const per = 3 * SIZE * SIZE;
    const images = bytesToSigned(test.images);
    const own = domainRows(test, Array.from({ length: test.count }, (_, i) => i), ages);
    // Each test image's person at each age, from the split itself (people are drawn at every age).
    const at = new Map<string, number>();
    for (let j = 0; j < test.count; j++) at.set(`${test.identities![j]}:${own.subarray(j * 3, j * 3 + 3).indexOf(1)}`, j);
    const base = caseWith(() => new Float32Array(0));
    // The batches of scoreEditing run in order from the first input, so a running offset finds each row.
    let offset = 0;
    const oracle: EditingCase['edit'] = (_inputs, targets, count) => {
      const out = new Float32Array(count * per);
      for (let i = 0; i < count; i++) {
        const j = at.get(`${test.identities![(offset + i) % test.count]}:${targets.subarray(i * 3, i * 3 + 3).indexOf(1)}`)!;
        out.set(images.subarray(j * per, (j + 1) * per), i * per);
      }
      offset = (offset + count) % test.count;
      return out;
    };
    const scores = await scoreEditing({ ...base, edit: oracle }, judges, classifierExtractor(identity));
    const [age] = scores.attributes;
    const ceiling = judges[0].classifier.accuracy;
    assert.ok(age.reached! >= ceiling - 0.05, `reached ${age.reached} vs the judge's ${ceiling} on real faces`);
    assert.ok(age.l1Changed! > 0.01, 'the oracle does change the faces');
    for (const v of age.values) {
      assert.ok(v.fid !== null && Math.abs(v.fid) < 1e-3, `FID of the real faces of an age against themselves: ${v.fid}`);
      assert.equal(v.identity!.closerToSelf, 1);
      assert.ok(v.identity!.meanToSelf < 1e-4 && v.identity!.meanToOther > 0);
    }
  });
});

describe('ganforge eval on a StarGAN run', () => {
  it('scores every attribute of the test split and records it', () => {
    const data = path.join(root, 'cli-faces');
    assert.equal(ganforge(['data', 'faces', '--attributes', '--n', '150', '--test-n', '10', '--size', '16', '--out', data]).status, 0);
    const run = path.join(root, 'run');
    const trained = ganforge(['train', '--model', 'stargan', '--dataset', data, '--image-size', '16', '--width', '4', '--batch-size', '4', '--steps', '3', '--out', run]);
    assert.equal(trained.status, 0, trained.stderr);
    const result = ganforge(['eval', '--checkpoint', run, '--n', '12', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const scores = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    assert.equal(scores.count, 12);
    assert.deepEqual(scores.attributes.map((a: { key: string }) => a.key), ['hair', 'age', 'eyeglasses', 'smiling']);
    for (const a of scores.attributes) {
      assert.ok(a.reached >= 0 && a.reached <= 1, JSON.stringify(a));
      assert.ok(a.l1Changed > 0, 'an untrained generator changes pixels');
    }
    assert.match(scores.skipped.join('\n'), /FID: needs at least 128 edits/);
    const record = (readMetrics(run) as unknown as Record<string, unknown>[]).find((r) => r.kind === 'eval');
    assert.equal(record?.task, 'editing');
    const html = path.join(root, 'report.html');
    assert.equal(ganforge(['report', run, '--out', html]).status, 0);
    const page = fs.readFileSync(html, 'utf8');
    assert.match(page, /<th>edit to<\/th>/);
    assert.match(page, /→ blond/);
    const refused = ganforge(['eval', '--checkpoint', run, '--class', '1']);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /--class does not apply to an editing run/);
    assert.ok(fs.existsSync(path.join(run, 'metrics.jsonl')));
  });

  it('a run on class domains (MNIST) is scored on the judge\'s held-out digits, one value per class', () => {
    const run = path.join(root, 'digits-run');
    const trained = ganforge(['train', '--model', 'stargan', '--dataset', 'mnist', '--width', '4', '--batch-size', '8', '--steps', '2', '--out', run]);
    assert.equal(trained.status, 0, trained.stderr);
    const result = ganforge(['eval', '--checkpoint', run, '--n', '20', '--json', '--no-append']);
    assert.equal(result.status, 0, result.stderr);
    const scores = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    assert.deepEqual(scores.attributes.map((a: { key: string }) => a.key), ['class']);
    assert.deepEqual(scores.attributes[0].values.map((v: { value: string }) => v.value), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.match(scores.attributes[0].judge.trainedOn, /bundled MNIST/);
    assert.match(scores.skipped.join('\n'), /identity: the test split does not name its people/);
  });
});
