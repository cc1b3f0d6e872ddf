// `ganforge edit`: applies a trained attribute-editing run (StarGAN, Age-cGAN) to one image or a folder of images.
// Each input starts from the domains the run reads in it (StarGAN's discriminator, Age-cGAN's age reader: images
// from outside the data come without labels); --set changes the named ones, and the edit is written under the
// input's name. --all writes, per input, a strip of the input and each single-domain edit (Age-cGAN: every age).
import * as path from 'path';
import { readImage } from '../../data/image-folder';
import { bytesToSigned, signedToBytes } from '../../data/pixels';
import { Edit, parseEdit, singleEdits } from '../../gan/domains';
import { loadEditor } from '../../gan/run-edit';
import { imageGrid } from '../../io/grid';
import { writeFileAtomic } from '../../io/atomic';
import { encodePng } from '../../io/png';
import { applyDeviceFlag, DEVICE_FLAG } from '../device-flag';
import { CommandSpec, FlagsOf, UsageError } from '../args';
import { inputFiles, makeOutputFolder, outputNames, writeChwPng } from '../image-files';
import { ProgressBar } from '../progress';

export const editSpec = {
  name: 'edit',
  summary: 'Edit images with a trained attribute-editing run (StarGAN, or Age-cGAN: encoded, its latent optimised to keep the person, drawn at the asked age): '
    + 'each input is resized and center-cropped to the run\'s size and colour, given the domains --set names (the rest as the run reads them in the input), '
    + 'and written as a PNG of the same name.',
  usage: 'ganforge edit --checkpoint RUN --in FILE|DIR --out DIR (--set KEY=VALUE[,KEY=VALUE…] | --all)',
  flags: [
    { name: 'checkpoint', type: 'path', required: true, placeholder: 'RUN|FILE', help: 'a run folder or checkpoint .safetensors of a stargan or agecgan run' },
    { name: 'in', type: 'path', required: true, placeholder: 'FILE|DIR', help: 'one PNG/JPEG image, or a folder of them (the images directly in it)' },
    { name: 'out', type: 'path', alias: 'o', required: true, placeholder: 'DIR', help: 'folder for the edits (created): NAME.png for each input NAME.png / NAME.jpg' },
    { name: 'set', type: 'string', placeholder: 'KEY=VALUE,…', help: 'the domains to set: one-of groups by key (hair=blond, age=old, class=7 for digit classes), binary attributes by name (eyeglasses=yes, smiling=no); an unknown one lists the run\'s choices' },
    { name: 'all', type: 'boolean', help: 'instead of --set: write each input followed by every single-domain edit, side by side (an agecgan run: the input at every age group)' },
    { name: 'batch-size', type: 'int', min: 1, max: 4096, default: 64, placeholder: 'N', help: 'images edited per batch' },
    DEVICE_FLAG,
  ],
  examples: [
    'ganforge edit --checkpoint runs/stargan-faces --in photos/ --set hair=blond,age=old --out edited/',
    'ganforge edit --checkpoint runs/stargan-mnist --in digit.png --set class=8 --out eights/',
    'ganforge edit --checkpoint runs/stargan-faces --in photos/ --all --out strips/',
    'ganforge edit --checkpoint runs/agecgan-faces --in photos/ --set age=old --out older/',
  ],
} as const satisfies CommandSpec;

export async function runEdit(flags: FlagsOf<typeof editSpec>): Promise<number> {
  applyDeviceFlag(flags.device);
  if ((flags.set === undefined) === !flags.all) throw new UsageError('give exactly one of --set KEY=VALUE,… and --all');
  const files = inputFiles(flags.in);
  const outNames = outputNames(flags.in, files, flags.out, 'edits');
  const editor = loadEditor(flags.checkpoint);
  try {
    const { domains } = editor;
    // Checked before anything is written: an attribute the run does not know is an error listing its choices.
    let edits: Edit[];
    try {
      edits = flags.set !== undefined ? [parseEdit(domains, flags.set)] : singleEdits(domains);
    } catch (err) {
      throw new UsageError(`--set: ${(err as Error).message}`);
    }
    const shape = editor.config.imageShape;
    const [c, h, w] = shape;
    const per = c * h * w;
    const K = domains.names.length;
    makeOutputFolder(flags.out);
    const bar = new ProgressBar({ total: files.length, label: 'edit', unit: 'img' });
    const batchSize = flags['batch-size'];
    for (let start = 0; start < files.length; start += batchSize) {
      const chunk = files.slice(start, start + batchSize);
      const bytes = new Uint8Array(chunk.length * per);
      for (let i = 0; i < chunk.length; i++) bytes.set(await readImage(chunk[i], h, c === 1), i * per);
      const inputs = bytesToSigned(bytes);
      const own = editor.readDomains(inputs, chunk.length);
      const outputs = edits.map((edit) => {
        const targets = new Float32Array(chunk.length * K);
        for (let i = 0; i < chunk.length; i++) targets.set(edit.apply(own.subarray(i * K, (i + 1) * K)), i * K);
        return editor.edit(inputs, targets, chunk.length, own);
      });
      chunk.forEach((_, i) => {
        const file = path.join(flags.out, outNames[start + i]);
        const one = (values: Float32Array) => values.subarray(i * per, (i + 1) * per);
        if (!flags.all) return writeChwPng(file, signedToBytes(one(outputs[0])), shape);
        const tiles = new Float32Array((edits.length + 1) * per);
        [inputs, ...outputs].forEach((values, k) => tiles.set(one(values), k * per));
        writeFileAtomic(file, encodePng(imageGrid(tiles, [edits.length + 1, c, h, w], { nrow: edits.length + 1 })));
      });
      bar.update(start + chunk.length);
    }
    bar.finish();
    const what = flags.all ? `every single-domain edit (${edits.map((e) => e.label).join(', ')})` : edits[0].label;
    console.log(`edited ${files.length} image${files.length === 1 ? '' : 's'} (${c}×${h}×${w}) to ${what} with ${flags.checkpoint} at step ${editor.step} → ${flags.out}`);
  } finally {
    editor.dispose();
  }
  return 0;
}
