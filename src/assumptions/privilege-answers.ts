// Answers the privilege questions assumptions ask (who reads secrets in N; is there a path from A to B) from the graph.
import type { PrivilegeGraph } from '../analysis/privilege/build-graph.js';
import { findAttackPaths, resolveSelector } from '../analysis/privilege/attack-paths.js';
import { allowanceEvidence, type Subject } from '../analysis/privilege/rbac-index.js';
import { vertexLabel } from '../analysis/privilege/attack-graph.js';
import type { Model } from '../model/types.js';
import type { PrivilegeAnswers } from './context.js';

function subjectLabel(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount/${s.namespace}/${s.name}` : `${s.kind}/${s.name}`;
}

/** The audit's top-level zone names the graph knows; model zone ids (`master-data`) are accepted too. */
function zoneSelector(model: Model, sel: string): string {
  const zone = model.zones.find((z) => z.id === sel && z.kind === 'top');
  return zone === undefined ? sel : zone.name;
}

export function privilegeAnswers(pg: PrivilegeGraph, model: Model): PrivilegeAnswers {
  return {
    secretReaders(namespace) {
      const out: { subject: string; evidence: ReturnType<typeof allowanceEvidence> }[] = [];
      const seen = new Set<string>();
      for (const verb of ['get', 'list', 'watch']) {
        const attrs = { verb, group: '', resource: 'secrets', namespace };
        for (const s of pg.rbac.subjectsWith(attrs)) {
          const label = subjectLabel(s);
          if (seen.has(label)) continue;
          seen.add(label);
          out.push({ subject: label, evidence: pg.rbac.explain(s, attrs, 1).flatMap(allowanceEvidence) });
        }
      }
      return out.sort((a, b) => a.subject.localeCompare(b.subject));
    },
    pathBetween(from, to) {
      const fromSel = zoneSelector(model, from);
      // From the Container zone, the control plane's own static pods are not an attacker's starting point
      // (etcd's container reaching etcd's data is no finding): start from the other namespaces' containers.
      const src = resolveSelector(pg, fromSel)?.filter(
        (id) => fromSel !== 'Container' || pg.graph.vertices[id]?.namespace !== 'kube-system',
      );
      const dst = resolveSelector(pg, zoneSelector(model, to));
      if (src === undefined || dst === undefined || src.length === 0 || dst.length === 0) return undefined;
      const r = findAttackPaths(pg, { from: src, to: dst, limit: 1 });
      const path = r.paths[0];
      if (path === undefined) return undefined;
      return path.steps.map((s) => ({
        step: `${vertexLabel(s.from)} --${s.type}--> ${vertexLabel(s.to)}`,
        evidence: s.evidence,
      }));
    },
  };
}
