// The playground's export, run as a child process of the studio (src/studio/playground.ts): reading a
// checkpoint, building its generator, exporting it to ONNX and finding its latent directions take seconds of
// CPU, which in the server's own thread would stall every other request; and a checkpoint is untrusted input,
// so if libtorch ever crashes on one, only this process dies. Arguments: the checkpoint, and the file to write
// the ONNX bytes to. On success it prints the model's description as one JSON line; on failure, one line of
// error on stderr and exit code 1.
import * as fs from 'fs';
import { exportPlayground } from '../export/playground';

function main(argv: string[]): void {
  if (argv.length !== 2) throw new Error('usage: playground-export-child CHECKPOINT OUT.onnx');
  const [checkpoint, out] = argv;
  const { bytes, model } = exportPlayground(checkpoint);
  // The parent made `out`'s folder for this export alone; the file must not exist yet (no following a link).
  fs.writeFileSync(out, bytes, { flag: 'wx' });
  process.stdout.write(`${JSON.stringify(model)}\n`);
}

try {
  main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${(err as Error).message.split('\n')[0]}\n`);
  process.exitCode = 1;
}
