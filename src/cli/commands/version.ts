// `ktm version`: ktm's version and the Node.js it runs on.
import type { Command } from 'commander';
import { ktmVersion } from '../../version.js';
import type { CliIo } from '../io.js';

export function register(program: Command, io: CliIo): void {
  program
    .command('version')
    .description("print ktm's version")
    .action(() => {
      io.stdout(`ktm ${ktmVersion()} (node ${process.version})\n`);
    });
}
