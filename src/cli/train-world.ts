// The data-parallel side of `ganforge train`: which world this process belongs to (flags over the launcher
// environment), and the command line a --nproc launcher hands each worker.
import { resolveWorld, World } from '../dist/world';
import { UsageError } from './args';

export interface WorldFlags {
  nproc?: number;
  'world-size'?: number;
  rank?: number;
  master?: string;
  'dist-timeout': number;
}

/**
 * This process's world, or null for a single-process run; a bad value is an OptionError that the CLI shows with
 * the flag's name (one line, exit 2).
 */
export function trainWorld(flags: WorldFlags, env: NodeJS.ProcessEnv = process.env): World | null {
  const world = resolveWorld({ worldSize: flags['world-size'], rank: flags.rank, master: flags.master, timeoutMs: Math.round(flags['dist-timeout'] * 1000) }, env);
  if (world && flags.nproc !== undefined && flags.nproc > 1) {
    throw new UsageError('--nproc launches its own ranks: drop --world-size/--rank/--master (and RANK/WORLD_SIZE from the environment)');
  }
  return world;
}

/** `args` without --nproc and its value (either spelling), for the workers the launcher starts. */
export function withoutNproc(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--nproc') i++;
    else if (!args[i].startsWith('--nproc=')) out.push(args[i]);
  }
  return out;
}
