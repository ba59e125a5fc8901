// Command lines of Kubernetes components: shell word splitting, pflag/Go-flag parsing, credential flags.

/** One flag occurrence: its name without dashes, its value (booleans given bare are 'true'), where it was. */
export interface FlagOccurrence {
  readonly name: string;
  readonly value: string;
  /** Index of the token carrying the value (or the flag itself) in the token list given to parseFlags. */
  readonly index: number;
}

export interface ParsedCommandLine {
  /** Positional words (the binary, a hyperkube sub-command, stray words). */
  readonly positional: readonly string[];
  /** Every flag occurrence in order. */
  readonly occurrences: readonly FlagOccurrence[];
  /** Effective value per flag: last wins, except list flags (joined) and feature gates (merged). */
  readonly flags: ReadonlyMap<string, FlagOccurrence>;
}

/**
 * Boolean flags of the control-plane and node components. pflag never lets a boolean flag consume the next
 * word (`--profiling false` sets profiling=true and leaves `false` positional), so the parser must know them.
 * https://pkg.go.dev/github.com/spf13/pflag#readme-command-line-flag-syntax
 */
const BOOLEAN_FLAGS: ReadonlySet<string> = new Set([
  'allow-privileged',
  'anonymous-auth',
  'authentication-token-webhook',
  'allocate-node-cidrs',
  'alsologtostderr',
  'auto-tls',
  'cgroups-per-qos',
  'client-cert-auth',
  'configure-cloud-routes',
  'contention-profiling',
  'enable-aggregator-routing',
  'enable-bootstrap-token-auth',
  'enable-controller-attach-detach',
  'enable-debugging-handlers',
  'enable-garbage-collector',
  'enable-grpc-gateway',
  'enable-pprof',
  'enable-priority-and-fairness',
  'enable-server',
  'enable-v2',
  'event-storage-age-limit-enabled',
  'experimental-initial-corrupt-check',
  'fail-swap-on',
  'kubelet-https',
  'leader-elect',
  'logtostderr',
  'make-iptables-util-chains',
  'masquerade-all',
  'peer-auto-tls',
  'peer-client-cert-auth',
  'profiling',
  'protect-kernel-defaults',
  'register-node',
  'rotate-certificates',
  'rotate-server-certificates',
  'seccomp-default',
  'serialize-image-pulls',
  'service-account-extend-token-expiration',
  'service-account-lookup',
  'strict-mode',
  'use-service-account-credentials',
  'cluster-init',
  'secrets-encryption',
  'selinux',
  'disable-apiserver',
  'disable-scheduler',
  'disable-controller-manager',
  'disable-etcd',
  'disable-cloud-controller',
  'disable-kube-proxy',
  'disable-network-policy',
  'disable-helm-controller',
]);

/**
 * Flags whose repeated occurrences accumulate (pflag StringSlice): `--authorization-mode=Node --authorization-mode=RBAC`
 * means `Node,RBAC`. Every other repeated flag keeps its last value, as pflag does for scalars.
 */
const LIST_FLAGS: ReadonlySet<string> = new Set([
  'authorization-mode',
  'enable-admission-plugins',
  'disable-admission-plugins',
  'admission-control',
  'tls-cipher-suites',
  'api-audiences',
  'service-account-key-file',
  'service-account-issuer',
  'etcd-servers',
  'etcd-servers-overrides',
  'requestheader-allowed-names',
  'requestheader-group-headers',
  'requestheader-username-headers',
  'runtime-config',
  'controllers',
  'cluster-dns',
  'allowed-unsafe-sysctls',
  'node-labels',
  'register-with-taints',
]);

/** `--feature-gates` is a map flag: repeated occurrences merge gate by gate, later gates winning. */
const MAP_FLAGS: ReadonlySet<string> = new Set([
  'feature-gates',
  'eviction-hard',
  'eviction-soft',
  'system-reserved',
  'kube-reserved',
]);

export function isBooleanFlag(name: string): boolean {
  return BOOLEAN_FLAGS.has(name);
}

/**
 * True for flags whose value is itself a credential (a bearer token, a password, a join token, a URL embedding
 * a password). Their values are never stored in evidence or printed; paths to credential files are not credentials.
 */
export function isCredentialFlag(name: string): boolean {
  const n = name.toLowerCase().replace(/^-+/, '');
  // A boolean (`--use-service-account-credentials`) or a path to a credential file is not itself a credential.
  if (BOOLEAN_FLAGS.has(n) || /(?:-file|-path|-dir|-ttl|-cache-ttl|-key-file|-url-file)$/.test(n))
    return false;
  if (n === 'datastore-endpoint' || n === 'etcd-password' || n === 'basic-auth') return true;
  return /(?:^|-)(?:token|tokens|password|passwd|secret|secrets-key|credential|credentials|api-key|apikey)$/.test(
    n,
  );
}

/** Removes surrounding quotes a shell or an over-eager YAML author left around a value (`"Node,RBAC"`). */
export function unquote(value: string): string {
  if (value.length >= 2) {
    const first = value[0];
    if ((first === '"' || first === "'") && value.endsWith(first)) return value.slice(1, -1);
  }
  return value;
}

/**
 * Splits a shell command line into words the way POSIX sh does for the common cases: single and double quotes,
 * backslash escapes, backslash-newline continuation, `#` comments at word start. Variable expansion is the
 * caller's business (systemd does its own); operators (`&&`, `;`, `|`) end up as their own words.
 */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const push = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\\') {
      const next = line[i + 1];
      if (next === '\n') {
        i += 2;
        continue;
      }
      if (next !== undefined) {
        word += next;
        inWord = true;
      }
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      const stop = end === -1 ? line.length : end;
      word += line.slice(i + 1, stop);
      inWord = true;
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      i++;
      inWord = true;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1]!)) {
          if (line[i + 1] !== '\n') word += line.charAt(i + 1);
          i += 2;
          continue;
        }
        word += line.charAt(i);
        i++;
      }
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      push();
      i++;
      continue;
    }
    if (c === '#' && !inWord) {
      const nl = line.indexOf('\n', i);
      i = nl === -1 ? line.length : nl;
      continue;
    }
    if (c === ';' || c === '|' || c === '&') {
      push();
      let op = c;
      if ((c === '&' || c === '|') && line[i + 1] === c) op += c;
      words.push(op);
      i += op.length;
      continue;
    }
    word += c;
    inWord = true;
    i++;
  }
  push();
  return words;
}

function flagToken(token: string): { name: string; value?: string } | undefined {
  if (!token.startsWith('-') || token === '-' || token === '--') return undefined;
  const body = token.replace(/^--?/, '');
  if (body === '' || !/^[A-Za-z]/.test(body)) return undefined; // `-1` is a value, not a flag
  const eq = body.indexOf('=');
  if (eq === -1) return { name: body };
  return { name: body.slice(0, eq), value: body.slice(eq + 1) };
}

/**
 * Parses flags with pflag's and Go flag's shared syntax: `--flag=value`, `--flag value`, `-flag=value` (etcd
 * uses Go's flag package, which also accepts one dash), bare booleans, repeated flags. A word after a non-boolean
 * flag is its value unless it is itself a flag.
 */
export function parseFlags(tokens: readonly string[]): ParsedCommandLine {
  const positional: string[] = [];
  const occurrences: FlagOccurrence[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const flag = flagToken(token);
    if (flag === undefined) {
      positional.push(token);
      continue;
    }
    if (flag.value !== undefined) {
      occurrences.push({ name: flag.name, value: unquote(flag.value), index: i });
      continue;
    }
    const next = tokens[i + 1];
    if (!isBooleanFlag(flag.name) && next !== undefined && flagToken(next) === undefined) {
      occurrences.push({ name: flag.name, value: unquote(next), index: i + 1 });
      i++;
      continue;
    }
    occurrences.push({ name: flag.name, value: 'true', index: i });
  }
  return { positional, occurrences, flags: effectiveFlags(occurrences) };
}

function effectiveFlags(occurrences: readonly FlagOccurrence[]): Map<string, FlagOccurrence> {
  const flags = new Map<string, FlagOccurrence>();
  for (const o of occurrences) {
    const prev = flags.get(o.name);
    if (prev === undefined) {
      flags.set(o.name, o);
    } else if (LIST_FLAGS.has(o.name)) {
      flags.set(o.name, { ...o, value: [prev.value, o.value].filter((v) => v !== '').join(',') });
    } else if (MAP_FLAGS.has(o.name)) {
      flags.set(o.name, { ...o, value: mergeMapFlag(prev.value, o.value) });
    } else {
      flags.set(o.name, o);
    }
  }
  return flags;
}

/** Merges `A=true,B=false` maps, later keys winning, keeping first-seen order. */
export function mergeMapFlag(a: string, b: string): string {
  const m = new Map<string, string>();
  for (const part of [...a.split(','), ...b.split(',')]) {
    const p = part.trim();
    if (p === '') continue;
    const eq = p.search(/[=<]/);
    const key = eq === -1 ? p : p.slice(0, eq);
    m.set(key, p);
  }
  return [...m.values()].join(',');
}

/** Parses `A=true,B=false` into a map (the format of --feature-gates). */
export function parseMapFlag(value: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of value.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq === -1) m.set(p, 'true');
    else m.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
  }
  return m;
}

const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'busybox']);

export interface ContainerTokens {
  /** Words as the process sees them (shell wrappers unwrapped). */
  readonly tokens: readonly string[];
  /** Field path of each word, e.g. `spec.containers[0].command[3]`; for words from a shell script, the script's path. */
  readonly paths: readonly string[];
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i === -1 ? p : p.slice(i + 1);
}

/**
 * The words a container runs: `command` then `args` (the image entrypoint is unknown when `command` is absent),
 * with `/bin/sh -c "kube-apiserver --flag ..."` wrappers unwrapped to the words of the segment that runs
 * `binary` (after `exec`, `&&` or `;`).
 */
export function containerTokens(
  command: readonly unknown[] | undefined,
  args: readonly unknown[] | undefined,
  basePath: string,
  binary?: string,
): ContainerTokens {
  const tokens: string[] = [];
  const paths: string[] = [];
  (command ?? []).forEach((w, i) => {
    if (typeof w === 'string') {
      tokens.push(w);
      paths.push(`${basePath}.command[${i}]`);
    }
  });
  (args ?? []).forEach((w, i) => {
    if (typeof w === 'string') {
      tokens.push(w);
      paths.push(`${basePath}.args[${i}]`);
    }
  });
  const first = tokens[0];
  if (first === undefined || !SHELLS.has(basename(first))) return { tokens, paths };
  const c = tokens.findIndex((t, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(t));
  const script = c === -1 ? undefined : tokens[c + 1];
  if (script === undefined) return { tokens, paths };
  const scriptPath = paths[c + 1]!;
  const words = splitShellWords(script);
  const segments: string[][] = [[]];
  for (const w of words) {
    if (w === '&&' || w === '||' || w === ';' || w === '|' || w === '&') segments.push([]);
    else segments[segments.length - 1]!.push(w);
  }
  // A segment runs the binary when its command word (after `exec`) is that binary, wherever it is installed.
  const runs = (seg: readonly string[]): boolean => {
    const cmd = seg[0] === 'exec' ? seg[1] : seg[0];
    return binary !== undefined && cmd !== undefined && basename(cmd) === binary;
  };
  const chosen = segments.find(runs) ?? segments.find((s) => s.length > 0) ?? [];
  const unwrapped = chosen[0] === 'exec' ? chosen.slice(1) : chosen;
  return { tokens: unwrapped, paths: unwrapped.map(() => scriptPath) };
}
