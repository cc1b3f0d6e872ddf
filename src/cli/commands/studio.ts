// `ganforge studio`: the local web app over a runs folder (src/studio/): runs, live curves and grids, and
// training started, stopped and resumed from the page.
import { buildAssets } from '../../studio/assets';
import { startStudio } from '../../studio/server';
import { CommandSpec, FlagsOf } from '../args';

export const studioSpec = {
  name: 'studio',
  summary: 'Serve the studio: every run in a folder, live curves and grids, start/stop/resume training from the browser.',
  usage: 'ganforge studio [--runs runs/] [--port 7860] [--host 127.0.0.1]',
  flags: [
    { name: 'runs', type: 'path', default: 'runs', placeholder: 'DIR', help: 'the runs folder to show and train into (created if absent)' },
    { name: 'port', type: 'int', default: 7860, min: 0, max: 65535, placeholder: 'N', help: 'TCP port (0: any free port)' },
    { name: 'host', type: 'string', default: '127.0.0.1', placeholder: 'ADDR', help: 'address to listen on; anything but loopback lets other machines try the token' },
  ],
  examples: ['ganforge studio', 'ganforge studio --runs experiments --port 8080'],
} as const satisfies CommandSpec;

/** 127.0.0.0/8, ::1 and localhost reach only this machine. */
const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

export async function runStudio(flags: FlagsOf<typeof studioSpec>): Promise<number> {
  const host = flags.host as string;
  if (!isLoopback(host)) {
    console.error(`warning: listening on ${host}, not loopback: anyone who can reach it and learns the token can read your runs and start training`);
  }
  const assets = await buildAssets();
  const studio = await startStudio({ runs: flags.runs as string, host, port: flags.port as number, assets });
  console.log(`ganforge studio: ${studio.root.real}\nopen ${studio.url}\n(Ctrl-C to stop; runs started here stop with a checkpoint)`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  console.log('stopping: runs started here write their checkpoints');
  await studio.close();
  return 0;
}
