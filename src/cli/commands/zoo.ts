// `ganforge zoo`: the pretrained generators that ship with ganforge, and `zoo pack`, which makes such a
// generator file from any run (the generator alone, with the command that trained it and its scores).
import * as fs from 'fs';
import { readGeneratorInfo, writeGeneratorFile } from '../../gan/generator-file';
import { checkpointFile } from '../../gan/run-samples';
import { zooFile, zooNames } from '../../gan/zoo';
import { CommandSpec, FlagsOf, UsageError } from '../args';

export const zooSpec = {
  name: 'zoo',
  summary: 'List the pretrained generators shipped with ganforge (use one as --checkpoint zoo:NAME), or pack a run\'s generator into such a file.',
  usage: 'ganforge zoo [list] | ganforge zoo pack RUN --out FILE.safetensors [--scores eval.json] [--command TEXT]',
  positionals: [
    { name: 'ACTION', help: "'list' (the default) or 'pack'" },
    { name: 'RUN', help: "pack: a run folder or checkpoint file" },
  ],
  flags: [
    { name: 'out', type: 'path', alias: 'o', placeholder: 'FILE', help: 'pack: the generator file to write (.safetensors)' },
    { name: 'scores', type: 'path', placeholder: 'FILE', help: "pack: `ganforge eval --json` output to store as the model's scores (its numeric fields)" },
    { name: 'command', type: 'string', placeholder: 'TEXT', help: 'pack: the command that trained the run, stored so anyone can reproduce it' },
  ],
  examples: [
    'ganforge zoo',
    'ganforge sample --checkpoint zoo:mnist-digits --class 7 --out sevens.png',
    'ganforge eval --checkpoint zoo:fashion --json > scores.json && ganforge zoo pack runs/fashion --out fashion.safetensors --scores scores.json',
  ],
} as const satisfies CommandSpec;

/** The scores of `ganforge eval --json`'s last line: its numbers, and the mean of each {mean, std} (KID, IS). */
function readScores(file: string): Record<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8').trim().split('\n').at(-1) ?? '');
  } catch (err) {
    throw new UsageError(`--scores: ${file} is not eval's JSON (${(err as Error).message.split('\n')[0]})`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new UsageError(`--scores: ${file} holds no JSON object`);
  const scores: Record<string, number> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const mean = typeof value === 'object' && value !== null ? (value as { mean?: unknown }).mean : value;
    if (typeof mean === 'number' && Number.isFinite(mean)) scores[key] = mean;
  }
  return scores;
}

function pack(run: string | undefined, flags: FlagsOf<typeof zooSpec>): number {
  if (!run) throw new UsageError('zoo pack needs RUN, a run folder or checkpoint file');
  if (!flags.out) throw new UsageError('zoo pack needs --out FILE.safetensors');
  if (!flags.out.endsWith('.safetensors')) throw new UsageError(`--out: a generator file ends in .safetensors, not '${flags.out}'`);
  const info = writeGeneratorFile(checkpointFile(run), flags.out, { command: flags.command, scores: flags.scores ? readScores(flags.scores) : undefined });
  console.log(`wrote ${flags.out}: the generator at step ${info.step} (${(fs.statSync(flags.out).size / 1e6).toFixed(1)} MB)`);
  return 0;
}

function list(): number {
  const names = zooNames();
  if (names.length === 0) {
    console.log('the zoo is empty in this install');
    return 0;
  }
  const rows = [['name', 'model', 'data', 'image', 'classes', 'steps', 'FID', 'MB']];
  const commands: string[] = [];
  for (const name of names) {
    const file = zooFile(name);
    const { config, info } = readGeneratorInfo(file);
    const fid = info.scores.fid;
    rows.push([`zoo:${name}`, config.model, config.dataset, config.imageShape.join('×'), String(config.numClasses || '—'), String(info.step),
      fid === undefined ? '—' : fid.toFixed(1), (fs.statSync(file).size / 1e6).toFixed(1)]);
    if (info.command) commands.push(`  zoo:${name}: ${info.command}`);
  }
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  for (const row of rows) console.log(row.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd());
  console.log('\nFID: against the held-out split, in the judge\'s features (`ganforge eval`; lower is better). Made by:');
  commands.forEach((c) => console.log(c));
  return 0;
}

export async function runZoo(flags: FlagsOf<typeof zooSpec>, positionals: string[]): Promise<number> {
  const action = positionals[0] ?? 'list';
  if (action === 'list') return list();
  if (action === 'pack') return pack(positionals[1], flags);
  throw new UsageError(`unknown zoo action '${action}' (expected list or pack)`);
}
