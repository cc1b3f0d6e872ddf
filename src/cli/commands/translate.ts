// `ganforge translate`: applies a trained image-to-image run (pix2pix) to one image or a folder of images,
// writing each translation under the same file name into the output folder.
import * as path from 'path';
import { imageSize, readImage, Region } from '../../data/image-folder';
import { DIRECTIONS } from '../../data/paired';
import { bytesToSigned, signedToBytes } from '../../data/pixels';
import { loadTranslator } from '../../gan/run-translate';
import { applyDeviceFlag, DEVICE_FLAG } from '../device-flag';
import { CommandSpec, FlagsOf } from '../args';
import { inputFiles, makeOutputFolder, outputNames, writeChwPng } from '../image-files';
import { ProgressBar } from '../progress';

export const translateSpec = {
  name: 'translate',
  summary: 'Translate images with a trained image-to-image run (pix2pix, cyclegan, discogan; the last two translate both ways): each input is resized and center-cropped to the run\'s size and colour, and its translation written as a PNG of the same name.',
  usage: 'ganforge translate --checkpoint RUN --in FILE|DIR --out DIR [--direction AtoB|BtoA] [--paired]',
  flags: [
    { name: 'checkpoint', type: 'path', required: true, placeholder: 'RUN|FILE', help: 'a run folder or checkpoint .safetensors of an image-to-image model' },
    { name: 'in', type: 'path', required: true, placeholder: 'FILE|DIR', help: 'one PNG/JPEG image, or a folder of them (the images directly in it)' },
    { name: 'out', type: 'path', alias: 'o', required: true, placeholder: 'DIR', help: 'folder for the translations (created): NAME.png for each input NAME.png / NAME.jpg' },
    { name: 'direction', type: 'string', choices: DIRECTIONS, help: 'AtoB or BtoA (default: the direction the run was trained in)' },
    { name: 'paired', type: 'boolean', help: "each input is an aligned A|B pair (as in a data set's test/ folder): translate its input half, A for AtoB, B for BtoA" },
    { name: 'batch-size', type: 'int', min: 1, max: 4096, default: 64, placeholder: 'N', help: 'images translated per batch' },
    DEVICE_FLAG,
  ],
  examples: [
    'ganforge translate --checkpoint runs/pix2pix --in my-edges/ --out translated/',
    'ganforge translate --checkpoint runs/pix2pix --in data/edges2digits/test --paired --out translated/',
  ],
} as const satisfies CommandSpec;

export async function runTranslate(flags: FlagsOf<typeof translateSpec>): Promise<number> {
  applyDeviceFlag(flags.device);
  const files = inputFiles(flags.in);
  const outDir = flags.out;
  const outNames = outputNames(flags.in, files, outDir, 'translations');
  const translator = loadTranslator(flags.checkpoint, flags.direction);
  try {
    const [c, h, w] = translator.config.imageShape;
    const per = c * h * w;
    makeOutputFolder(outDir);
    const bar = new ProgressBar({ total: files.length, label: 'translate', unit: 'img' });
    const batchSize = flags['batch-size'];
    for (let start = 0; start < files.length; start += batchSize) {
      const chunk = files.slice(start, start + batchSize);
      const bytes = new Uint8Array(chunk.length * per);
      for (let i = 0; i < chunk.length; i++) {
        let region: Region | undefined;
        if (flags.paired) {
          const size = await imageSize(chunk[i]);
          if (size.width % 2 !== 0) throw new Error(`${chunk[i]}: ${size.width}×${size.height} is not two images of the same size side by side (A|B needs an even width)`);
          const half = size.width / 2;
          region = { left: translator.direction === 'AtoB' ? 0 : half, top: 0, width: half, height: size.height };
        }
        bytes.set(await readImage(chunk[i], h, c === 1, region), i * per);
      }
      const out = signedToBytes(translator.translate(bytesToSigned(bytes), chunk.length));
      chunk.forEach((_, i) => writeChwPng(path.join(outDir, outNames[start + i]), out.subarray(i * per, (i + 1) * per), [c, h, w]));
      bar.update(start + chunk.length);
    }
    bar.finish();
    console.log(`translated ${files.length} image${files.length === 1 ? '' : 's'} (${c}×${h}×${w}, ${translator.direction}) with ${flags.checkpoint} at step ${translator.step} → ${outDir}`);
  } finally {
    translator.dispose();
  }
  return 0;
}
