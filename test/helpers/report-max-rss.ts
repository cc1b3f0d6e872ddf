// Preloaded (node --require) into a ganforge process by hostile.ts: at exit, writes the process's peak
// resident memory in KiB to the file named by GANFORGE_MAX_RSS_FILE, so a test can bound it.
import * as fs from 'node:fs';

const target = process.env.GANFORGE_MAX_RSS_FILE;
if (target) {
  process.on('exit', () => {
    fs.writeFileSync(target, String(process.resourceUsage().maxRSS));
  });
}
