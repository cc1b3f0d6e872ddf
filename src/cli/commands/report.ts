// `ganforge report`: a self-contained HTML page for one run, or several side by side.
import * as path from 'path';
import { writeFileAtomic } from '../../io/atomic';
import { buildReport } from '../../report/report';
import { CommandSpec, FlagsOf, UsageError } from '../args';

export const reportSpec = {
  name: 'report',
  summary: 'Write report.html into the (first) run folder: config, curves, grids across epochs, a timelapse, scores and alarms.',
  usage: 'ganforge report runs/NAME [runs/OTHER …] [--out FILE]',
  positionals: [{ name: 'RUN', help: 'run folders; several are shown side by side', variadic: true, required: true }],
  flags: [{ name: 'out', type: 'path', alias: 'o', placeholder: 'FILE', help: 'where to write the page (default: RUN/report.html)' }],
  examples: ['ganforge report runs/mlp', 'ganforge report runs/mlp runs/dcgan --out compare.html'],
} as const satisfies CommandSpec;

export async function runReport(flags: FlagsOf<typeof reportSpec>, positionals: string[]): Promise<number> {
  if (positionals.length === 0) throw new UsageError('give at least one run folder');
  const out = flags.out ?? path.join(positionals[0], 'report.html');
  writeFileAtomic(out, buildReport(positionals));
  console.log(`wrote ${out}`);
  return 0;
}
