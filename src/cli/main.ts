#!/usr/bin/env node
// The ganforge command line: `ganforge <command> [flags]`, `ganforge --help`, `ganforge <command> --help`.
import { runCli } from './args';

function main(): void {
  let commands;
  try {
    // Loading the commands loads the native addon; if it is missing, say so in one line.
    commands = require('./commands').COMMANDS;
  } catch (err) {
    process.stderr.write(`ganforge: ${(err as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  runCli(commands, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

main();
