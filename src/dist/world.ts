// Where this process stands in a data-parallel job: its rank, the world size and the rendezvous address, from
// flags (--world-size/--rank/--master host:port) or from the environment that torchrun, Slurm and Kubernetes
// set (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT). Flags win over the environment.

export interface World {
  rank: number;
  worldSize: number;
  /** The rank on this host (threads and, later, devices are split by it). */
  localRank: number;
  masterHost: string;
  masterPort: number;
  /** How long any collective may wait for the other ranks before the job ends with an error. */
  timeoutMs: number;
}

export interface WorldRequest {
  worldSize?: number;
  rank?: number;
  /** host:port of rank 0's rendezvous store. */
  master?: string;
  timeoutMs: number;
}

import { OptionError, OptionNamer } from '../errors';

/**
 * A bad rank, world size or address: an OptionError naming the option (`worldSize`, `rank`, `master`), so the CLI
 * shows it with the flag its user typed (--world-size) and exits 2, and a library caller sees the key.
 */
function worldError(option: keyof WorldRequest, describe: (name: OptionNamer) => string): OptionError {
  return new OptionError(option, describe);
}

const DEFAULT_PORT = 29500; // torchrun's

/** "host:port", "[v6addr]:port" or "host" (port 29500), checked. */
export function parseMaster(text: string, fromEnvironment = false): { host: string; port: number } {
  const what = (name: OptionNamer) => (fromEnvironment ? 'MASTER_ADDR:MASTER_PORT' : name('master'));
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9._-]+))(?::(\d{1,5}))?$/.exec(text.trim());
  if (!match) throw worldError('master', (n) => `${what(n)} '${text}' is not host:port (e.g. 10.0.0.1:29500)`);
  const port = match[3] === undefined ? DEFAULT_PORT : Number(match[3]);
  if (port < 1024 || port > 65535) throw worldError('master', (n) => `${what(n)} port ${port} is not in 1024..65535`);
  return { host: match[1] ?? match[2], port };
}

function envInt(env: NodeJS.ProcessEnv, name: string, option: keyof WorldRequest): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text.trim())) throw worldError(option, () => `${name}=${text} is not a whole number`);
  return Number(text);
}

/** The world of this process, or null when neither flags nor environment make it part of one. */
export function resolveWorld(request: WorldRequest, env: NodeJS.ProcessEnv = process.env): World | null {
  const worldSize = request.worldSize ?? envInt(env, 'WORLD_SIZE', 'worldSize');
  const rank = request.rank ?? envInt(env, 'RANK', 'rank');
  const given = request.master !== undefined || request.worldSize !== undefined || request.rank !== undefined;
  if (worldSize === undefined && rank === undefined && !given) return null;
  if (worldSize === undefined) throw worldError('worldSize', (n) => `a rank needs a world size: give ${n('worldSize')} N (or WORLD_SIZE)`);
  if (rank === undefined) throw worldError('rank', (n) => `a world size needs this process's rank: give ${n('rank')} R (or RANK)`);
  if (!Number.isInteger(worldSize) || worldSize < 1) throw worldError('worldSize', () => `world size ${worldSize} must be a positive whole number`);
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) throw worldError('rank', () => `rank ${rank} is not in 0..${worldSize - 1} (world size ${worldSize})`);
  let address: { host: string; port: number };
  if (request.master !== undefined) address = parseMaster(request.master);
  else if (env.MASTER_ADDR) address = parseMaster(`${env.MASTER_ADDR}${env.MASTER_PORT ? `:${env.MASTER_PORT}` : ''}`, true);
  else if (worldSize === 1) address = { host: '127.0.0.1', port: DEFAULT_PORT };
  else throw worldError('master', (n) => `a multi-process run needs the rendezvous address: give ${n('master')} host:port (or MASTER_ADDR and MASTER_PORT)`);
  const localRank = envInt(env, 'LOCAL_RANK', 'rank') ?? rank;
  return { rank, worldSize, localRank, masterHost: address.host, masterPort: address.port, timeoutMs: request.timeoutMs };
}
