// A CliIo that records what a command prints, for running the CLI in-process.
import { Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function captureIo(
  stdin = '',
  env: NodeJS.ProcessEnv = {},
): { io: CliIo; out: () => { stdout: string; stderr: string } } {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stdin: Readable.from([stdin]),
    stderrIsTty: false,
    env,
    cwd: process.cwd(),
  };
  return { io, out: () => ({ stdout, stderr }) };
}

/** Runs `ktm ARGS...` in-process and returns its exit code and output. */
export async function runKtm(
  args: readonly string[],
  stdin = '',
  argv0?: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Captured> {
  const { io, out } = captureIo(stdin, env);
  const code = await main(args, io, argv0);
  return { code, ...out() };
}
