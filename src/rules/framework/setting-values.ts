// Reading component settings' string values the way the components themselves parse them.
import type { ComponentSettings, Setting } from '../../collect/settings/types.js';
import type { Evidence } from '../../types.js';
import { credentialEvidence } from './credentials.js';

/** Go's strconv.ParseBool, which component flags use: 1/t/T/TRUE/true/True are true, their counterparts false. */
export function parseBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** A comma-separated list flag (`--authorization-mode=Node,RBAC`), trimmed, empty items dropped. */
export function parseList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A key=value map flag (`--feature-gates=A=true,B=false`). */
export function parseMap(value: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of parseList(value)) {
    const i = item.indexOf('=');
    if (i > 0) out.set(item.slice(0, i).trim(), item.slice(i + 1).trim());
  }
  return out;
}

/** True when the setting has a non-empty value (set explicitly or by default). */
export function hasValue(s: Setting): boolean {
  return s.value !== undefined && s.value.trim() !== '';
}

/**
 * Evidence for a setting: its own evidence, with the flag name as path when the settings record
 * pointed only at the object, and the value when there is one (a default is labelled as such).
 */
export function settingEvidence(s: Setting, settings?: ComponentSettings): Evidence {
  const base = s.evidence;
  const path = base.path ?? `--${s.name}`;
  const value =
    s.value === undefined
      ? s.origin === 'default'
        ? '(unset; no default)'
        : '(unset)'
      : s.origin === 'default'
        ? `${s.value} (default${settings?.minorVersion === undefined ? '' : ` for 1.${settings.minorVersion}`})`
        : s.value;
  return {
    ...base,
    ...(base.source === undefined && settings?.source !== undefined ? { source: settings.source } : {}),
    path,
    value: base.value ?? value,
  };
}

/** Evidence for a credential-carrying setting: where it is, never what it holds. */
export function credentialSettingEvidence(s: Setting): Evidence {
  return credentialEvidence({ ...s.evidence, path: s.evidence.path ?? `--${s.name}` });
}
