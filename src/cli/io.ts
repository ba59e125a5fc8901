// The CLI's connection to the world, injectable so tests run commands in-process.
export interface CliIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly stdin: NodeJS.ReadableStream;
  /** Whether stderr is a terminal (progress is shown only then). */
  readonly stderrIsTty: boolean;
  /** The terminal's width when stdout is a terminal: tables fit it; undefined (piped) means nothing is cut. */
  readonly stdoutColumns?: number;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export function processIo(): CliIo {
  // A reader that closes early (`ktm paths | head -1`) makes writes fail with EPIPE: the output is no longer
  // wanted, so later writes are dropped and the run ends with the exit code its work gives, without a trace.
  let closed = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    closed = true;
  });
  return {
    stdout: (s) => {
      if (!closed) process.stdout.write(s);
    },
    stderr: (s) => process.stderr.write(s),
    stdin: process.stdin,
    stderrIsTty: process.stderr.isTTY,
    ...(process.stdout.isTTY && process.stdout.columns > 0 ? { stdoutColumns: process.stdout.columns } : {}),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Table options for this output: fitted to the terminal, or uncut when piped. */
export function tableOptions(io: CliIo): { width?: number } {
  return io.stdoutColumns === undefined ? {} : { width: io.stdoutColumns };
}

/**
 * Exit codes: 0 clean, 1 findings at or above --fail-on (or unverifiable results with --fail-on-unverifiable),
 * 2 usage, input or internal error (an input ktm read nothing from included).
 */
export const EXIT = { ok: 0, findings: 1, error: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
