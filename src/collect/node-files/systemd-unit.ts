// Reads the command line a systemd unit (plus drop-ins and environment files) would start, as systemd expands it.
import { splitShellWords } from '../settings/command-line.js';

export interface UnitFile {
  readonly path: string;
  readonly text: string;
}

export interface UnitCommand {
  /** The words of the effective ExecStart after variable expansion. */
  readonly words: readonly string[];
  /** The unit file whose ExecStart was used. */
  readonly path: string;
  /** EnvironmentFile= paths referenced, in order (a leading '-' marks an optional file and is stripped). */
  readonly environmentFiles: readonly string[];
}

/** Joins backslash-continued lines and drops comments. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let acc = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (acc === '' && /^\s*[#;]/.test(line)) continue;
    if (line.endsWith('\\')) {
      acc += line.slice(0, -1) + ' ';
      continue;
    }
    out.push(acc + line);
    acc = '';
  }
  if (acc !== '') out.push(acc);
  return out;
}

/** Parses `KEY=value` lines of an environment file (kubeadm-flags.env, /etc/default/kubelet). */
export function parseEnvironmentFile(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of logicalLines(text)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m === null) continue;
    const words = splitShellWords(m[2]!);
    env.set(m[1]!, words.join(' '));
  }
  return env;
}

/**
 * The effective ExecStart of a unit and its drop-ins (given in systemd's order: the unit, then drop-ins sorted
 * by file name). An empty `ExecStart=` resets the list, as systemd does; the last ExecStart wins.
 * `Environment=` and `EnvironmentFile=` are collected; `loadEnv` reads an environment file (relative to the node).
 * https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#ExecStart=
 */
export function unitCommand(
  units: readonly UnitFile[],
  loadEnv: (path: string) => Map<string, string> | undefined,
): UnitCommand | undefined {
  const env = new Map<string, string>();
  const environmentFiles: string[] = [];
  let exec: { line: string; path: string } | undefined;
  for (const unit of units) {
    for (const line of logicalLines(unit.text)) {
      const m = /^\s*([A-Za-z]+)\s*=\s*(.*)$/.exec(line);
      if (m === null) continue;
      const key = m[1]!;
      const value = m[2]!;
      if (key === 'ExecStart') {
        exec = value.trim() === '' ? undefined : { line: value, path: unit.path };
      } else if (key === 'Environment') {
        for (const w of splitShellWords(value)) {
          const eq = w.indexOf('=');
          if (eq > 0) env.set(w.slice(0, eq), w.slice(eq + 1));
        }
      } else if (key === 'EnvironmentFile') {
        const p = value.trim().replace(/^-/, '');
        environmentFiles.push(p);
        const loaded = loadEnv(p);
        if (loaded !== undefined) for (const [k, v] of loaded) env.set(k, v);
      }
    }
  }
  if (exec === undefined) return undefined;
  // ExecStart prefixes (`-`, `@`, `+`, `!`) change how systemd runs the command, not its words.
  const line = exec.line.replace(/^[-@+!:]+/, '');
  const words: string[] = [];
  for (const w of splitShellWords(line)) {
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(w);
    if (whole !== null) {
      // systemd splits an unbraced `$VAR` word into several words; `${VAR}` stays one word.
      words.push(...splitShellWords(env.get(whole[1]!) ?? ''));
      continue;
    }
    const expanded = w.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => env.get(name) ?? '');
    if (expanded !== '' || w === '') words.push(expanded);
  }
  return { words, path: exec.path, environmentFiles };
}
