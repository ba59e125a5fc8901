// Credentials are never printed: evidence of a credential flag or variable keeps its name and location, never its value.
import type { Evidence } from '../../types.js';

/** Names that carry a credential (flags, config fields, environment variables). */
const CREDENTIAL_NAME =
  /(pass(word|wd)?|token|secret|api[-_]?key|bearer|credential|private[-_]?key|access[-_]?key|auth[-_]?key|client[-_]?key[-_]?data)/i;

/** Values that cannot be a credential and help the reader: booleans, numbers, durations, absolute file paths. */
const HARMLESS_VALUE = /^(true|false|\d+(\.\d+)?(ns|us|ms|s|m|h)?|\/[\w./-]*)$/i;

export const REDACTED = '[redacted]';

export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

/** The last segment of an evidence path (`spec.containers[0].command[3]` → `command[3]`; `token-auth-file` → itself). */
function lastSegment(path: string): string {
  const i = path.lastIndexOf('.');
  return i < 0 ? path : path.slice(i + 1);
}

/**
 * Evidence with its value removed when the path names a credential and the value is not obviously harmless.
 * Rules should call this themselves; the runner applies it again to every finding as a backstop.
 */
export function redactEvidence(e: Evidence): Evidence {
  if (e.value === undefined) return e;
  // A command-line argument as the value: `--token=abc` keeps `--token=` and loses the rest.
  const arg = /^(-{1,2}[\w.-]+)[= ](.*)$/s.exec(e.value);
  if (arg !== null) {
    const [, flag = '', value = ''] = arg;
    return isCredentialName(flag) && !HARMLESS_VALUE.test(value) ? { ...e, value: `${flag}=${REDACTED}` } : e;
  }
  if (e.path === undefined || !isCredentialName(lastSegment(e.path))) return e;
  if (HARMLESS_VALUE.test(e.value)) return e;
  return { ...e, value: REDACTED };
}

/** Evidence that names a credential's location only, never its value. */
export function credentialEvidence(e: Evidence): Evidence {
  const { value: _value, ...rest } = e;
  return rest;
}
