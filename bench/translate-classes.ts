// `node dist/bench/translate-classes.js RUN [--reference mnist|fashion-mnist] [--grid FILE]`: how often a paired
// translation run's outputs on its held-out test pairs still read as the source's class, by the judge's classifier
// for the reference data (trained on the reference's train split; edges2digits' test pairs are the bundled
// MNIST's held-out 2,000, which that classifier never saw). The scores are `ganforge eval`'s for a translation run
// (src/metrics/translation-scores.ts: class survival with the classifier on the real targets as the ceiling, L1,
// PSNR, SSIM, FID); this adds the translation speed and writes input | output | target for 16 test pairs spread
// over the split to --grid (scaled ×3). The README's pix2pix figures are this command's output.
import * as fs from 'fs';
import { takeOption } from './common';
import { loadTranslator } from '../src/gan/run-translate';
import { translationEvalOf, translationGrid } from '../src/gan/translation-eval';
import { scaleImage } from '../src/io/grid';
import { encodePng } from '../src/io/png';
import { targetDomainJudge } from '../src/metrics/translation-judge';
import { formatTranslationScores, scoreTranslation } from '../src/metrics/translation-scores';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const reference = takeOption(argv, 'reference') ?? 'mnist';
  const gridFile = takeOption(argv, 'grid');
  const [run] = argv;
  if (!run) throw new Error('usage: translate-classes RUN [--reference mnist|fashion-mnist] [--grid FILE]');
  const translator = loadTranslator(run);
  const { config } = translator;
  const started = performance.now();
  const { testCase, targetDomain } = await translationEvalOf(translator);
  const ms = performance.now() - started;
  if (!testCase.labels) throw new Error(`${config.dataset} has no labelled test split`);
  const judge = await targetDomainJudge(targetDomain, { reference, classifier: { log: (line) => console.error(line) } });
  const scores = await scoreTranslation(testCase, judge.extractor, judge.reason);
  console.log(`${run} (step ${translator.step}, ${config.direction}): ${testCase.count} test pairs of ${config.dataset}`);
  for (const line of formatTranslationScores(scores)) console.log(`  ${line}`);
  // Loading the data included: the time per image a user of `ganforge translate` on the split would see.
  console.log(`  translation      ${(ms / testCase.count).toFixed(2)} ms/image (data loading included)`);
  if (gridFile) {
    // Three times larger, so 28-pixel digits read on a page.
    fs.writeFileSync(gridFile, encodePng(scaleImage(translationGrid(testCase), 3)));
    console.log(`  grid             ${gridFile} (input | output | target)`);
  }
  translator.dispose();
  judge.extractor?.dispose();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
