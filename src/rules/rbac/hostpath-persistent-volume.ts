// Rule hostpath-persistent-volume: hostPath/local PersistentVolumes that give pods the node's files, and who may create them.
import { capsOf } from '../../analysis/privilege/rbac-edges.js';
import { isSameOrParent, normaliseHostPath, writeSensitive } from '../../analysis/host-paths.js';
import { defineRule } from '../framework/define-rule.js';
import { itemRef, objectEvidence } from '../framework/evidence.js';
import {
  boundSubjects,
  isClusterAdminSubject,
  subjectRef,
  systemExclusion,
} from './support/rbac-subjects.js';
import { RBAC_KINDS } from '../framework/inputs.js';

/** Host trees whose read yields credentials or other tenants' data, beyond those where a write takes the node. */
const READ_SENSITIVE = ['/var/lib/etcd', '/var/log', '/var/lib/kubelet', '/etc/kubernetes'];

function sensitive(p: string): string | undefined {
  return writeSensitive(p) ?? READ_SENSITIVE.find((s) => isSameOrParent(p, s) || isSameOrParent(s, p));
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export default defineRule({
  meta: {
    id: 'hostpath-persistent-volume',
    aliases: ['TOB-K8S-038'],
    sources: ['TOB-K8S-038'],
    tier: 'seed',
    inputs: { kinds: [...RBAC_KINDS, 'PersistentVolume'] },
    title: 'hostPath PersistentVolumes bypass pod security policy',
    description:
      'A PersistentVolume of type hostPath (or a local volume) hands a directory of the node to whichever pod ' +
      'mounts the claim bound to it. Pod Security admission and PodSecurityPolicy look at the pod, which only ' +
      'names a PersistentVolumeClaim, so a namespace forbidden to use hostPath volumes still gets the host ' +
      "through the claim (TOB-K8S-038). An identity that may create PersistentVolumes can create one on '/' " +
      'and claim it.',
    zone: 'Worker',
    stride: ['elevation-of-privilege', 'tampering', 'information-disclosure'],
    likelihood: 'medium',
    impact: 'high',
    attack: ['HOSTPATH_PV', 'EXPLOIT_HOST_READ', 'EXPLOIT_HOST_WRITE'],
    variants: {
      'hostpath-volume': { title: 'a hostPath PersistentVolume' },
      'local-volume': { title: 'a local PersistentVolume on a sensitive host path' },
      'create-pv': { title: 'an identity that may create PersistentVolumes', likelihood: 'low' },
    },
    detection:
      'Every PersistentVolume with spec.hostPath fails (any host directory bypasses pod-level policy); one with ' +
      'spec.local fails when its path is or contains a sensitive host location (/, /etc, /root, /home, /var/lib/' +
      'kubelet, /var/lib/etcd, /var/log, runtime sockets, /proc, /sys, /dev and kin). The message says whether it ' +
      'is bound (claimRef) or bindable (Available). Identities allowed create on persistentvolumes (cluster-wide, ' +
      "from the privilege graph's RBAC index, aggregation and wildcards resolved) are reported as create-pv, " +
      'excluding cluster-admin-equivalent subjects (reported by rbac-dangerous-rights), system:masters, the kubelets, the control-plane identities and kube-system service accounts ' +
      'bound only by the bootstrap policy.',
    falsePositives:
      'Single-node development clusters (minikube, kind) provision hostPath volumes by design; the ' +
      'local-path provisioner uses local volumes under /opt/local-path-provisioner, which is not reported. ' +
      'Storage operators need create on persistentvolumes.',
    remediation: {
      shortTerm:
        'Delete or replace hostPath PersistentVolumes with a CSI driver; restrict create on ' +
        'persistentvolumes to the storage provisioner; keep local volumes on dedicated disks mounted outside ' +
        'system directories.',
      longTerm:
        'Enforce with admission policy (a ValidatingAdmissionPolicy rejecting PersistentVolumes with ' +
        'spec.hostPath), and provision storage only through StorageClasses and CSI drivers.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81110',
      'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
      'https://kubernetes.io/docs/concepts/storage/volumes/#local',
    ],
    messages: {
      hostPath: 'PersistentVolume {{name}} exposes host path {{path}} of its node ({{state}})',
      local:
        'PersistentVolume {{name}} is a local volume on {{path}}, which reaches {{sensitive}} ({{state}})',
      createPv: '{{subject}} may create PersistentVolumes, including hostPath volumes on any node path',
    },
  },
  check(ctx) {
    for (const item of ctx.inventory.ofKind('PersistentVolume')) {
      const ref = itemRef(item);
      ctx.examined(ref);
      const spec = rec(item.object.spec);
      const claim = rec(spec['claimRef']);
      const phase = rec(item.object.status)['phase'];
      const claimName = typeof claim['name'] === 'string' ? claim['name'] : undefined;
      const state =
        claimName !== undefined
          ? `bound to claim ${typeof claim['namespace'] === 'string' ? `${claim['namespace']}/` : ''}${claimName}`
          : typeof phase === 'string'
            ? `${phase}, bindable by any matching claim`
            : 'bindable by any matching claim';
      const host = rec(spec['hostPath'])['path'];
      if (typeof host === 'string') {
        ctx.report({
          messageId: 'hostPath',
          data: { name: ref.name, path: host, state },
          subject: ref,
          variant: 'hostpath-volume',
          evidence: [objectEvidence(item, 'spec.hostPath.path', host)],
        });
        continue;
      }
      const local = rec(spec['local'])['path'];
      if (typeof local === 'string') {
        const hit = sensitive(normaliseHostPath(local));
        if (hit !== undefined)
          ctx.report({
            messageId: 'local',
            data: { name: ref.name, path: local, sensitive: hit, state },
            subject: ref,
            variant: 'local-volume',
            evidence: [objectEvidence(item, 'spec.local.path', local)],
          });
      }
    }
    for (const b of boundSubjects(ctx.analyses.rbacIndex())) {
      if (systemExclusion(ctx.inventory, b) !== undefined || isClusterAdminSubject(b)) continue;
      const v = capsOf(b.grants).get('*')?.get('pvCreate');
      if (v === undefined) continue;
      const ref = subjectRef(b.subject);
      ctx.report({
        messageId: 'createPv',
        data: {
          subject:
            ref.namespace === undefined
              ? `${ref.kind} ${ref.name}`
              : `${ref.kind} ${ref.namespace}/${ref.name}`,
        },
        subject: ref,
        variant: 'create-pv',
        evidence: v.evidence,
      });
    }
  },
});
