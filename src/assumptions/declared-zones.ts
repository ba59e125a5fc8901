// The declared zones of threatmodel.yaml as the model's zones file (names and memberships override the derived ones),
// and the owning team of each zone.
import type { ZonesFile } from '../model/zones-file.js';
import type { ThreatModelFile } from './threat-model-file.js';

export function threatModelZonesFile(tm: ThreatModelFile, base?: ZonesFile): ZonesFile {
  const assign = [...(base?.assign ?? [])];
  const rename = [...(base?.rename ?? [])];
  for (const z of tm.zones) {
    if (z.status === 'vanished') continue;
    const namespaces = z.members?.namespaces ?? [];
    const components = z.members?.components ?? [];
    if (namespaces.length > 0 || components.length > 0) {
      assign.push({
        zone: z.id,
        ...(z.name === undefined ? {} : { name: z.name }),
        ...(z.parent === undefined ? {} : { parent: z.parent }),
        ...(namespaces.length > 0 ? { namespaces } : {}),
        ...(components.length > 0 ? { components } : {}),
      });
    } else if (z.name !== undefined) {
      rename.push({ zone: z.id, name: z.name });
    }
  }
  return {
    ...(base ?? {}),
    ...(assign.length > 0 ? { assign } : {}),
    ...(rename.length > 0 ? { rename } : {}),
  };
}

/** Owner per declared zone id (children without an owner inherit through the model's zone tree at lookup time). */
export function declaredOwners(tm: ThreatModelFile): Map<string, string> {
  const owners = new Map<string, string>();
  for (const z of tm.zones) if (z.owner !== undefined && z.status !== 'vanished') owners.set(z.id, z.owner);
  return owners;
}
