// The rule registry: every rule, imported explicitly (one import and one entry per rule; keep both sorted by area).
import type { AnyRule } from './framework/define-rule.js';
import apiServerAuthentication from './control-plane/api-server-authentication.js';
import auditDisabled from './control-plane/audit-disabled.js';
import controllerLeastAuthority from './control-plane/controller-least-authority.js';
import credentialsInLogs from './control-plane/credentials-in-logs.js';
import mutualTlsMissing from './control-plane/mutual-tls-missing.js';
import noCertificateRevocation from './control-plane/no-certificate-revocation.js';
import outboundPlaintext from './control-plane/outbound-plaintext.js';
import plaintextListener from './control-plane/plaintext-listener.js';
import policyNotEnforced from './control-plane/policy-not-enforced.js';
import secretsNotEncryptedAtRest from './control-plane/secrets-not-encrypted-at-rest.js';
import weakTls from './control-plane/weak-tls.js';
import hostLogAccess from './node/host-log-access.js';
import kubeletUnauthenticated from './node/kubelet-unauthenticated.js';
import credentialsInEnvironment from './workload/credentials-in-environment.js';
import podSecurityNotEnforced from './workload/pod-security-not-enforced.js';
import privilegedWorkload from './workload/privileged-workload.js';
import probeHostEnumeration from './workload/probe-host-enumeration.js';
import resourceClaimAbuse from './workload/resource-claim-abuse.js';
import seccompDisabled from './workload/seccomp-disabled.js';
import secretMountedWorkload from './workload/secret-mounted-workload.js';
import sensitiveHostMount from './workload/sensitive-host-mount.js';
import tokenAutomount from './workload/token-automount.js';
import hostpathPersistentVolume from './rbac/hostpath-persistent-volume.js';
import nodesProxyEscalation from './rbac/nodes-proxy-escalation.js';
import rbacDangerousRights from './rbac/rbac-dangerous-rights.js';
import dnsCrossNamespace from './network/dns-cross-namespace.js';
import internetExposure from './network/internet-exposure.js';
import unrestrictedNetwork from './network/unrestricted-network.js';
import admissionWebhookCascade from './placement/admission-webhook-cascade.js';
import attackPath from './placement/attack-path.js';
import controlPlaneColocation from './placement/control-plane-colocation.js';
import singlePointOfFailure from './placement/single-point-of-failure.js';

/** Every rule ktm runs. Findings are sorted by rule id, so the order here only decides the summary order. */
export const RULES: readonly AnyRule[] = [
  // control plane
  apiServerAuthentication,
  auditDisabled,
  controllerLeastAuthority,
  credentialsInLogs,
  mutualTlsMissing,
  noCertificateRevocation,
  outboundPlaintext,
  plaintextListener,
  policyNotEnforced,
  secretsNotEncryptedAtRest,
  weakTls,
  // node
  hostLogAccess,
  kubeletUnauthenticated,
  // workload
  credentialsInEnvironment,
  podSecurityNotEnforced,
  privilegedWorkload,
  probeHostEnumeration,
  resourceClaimAbuse,
  seccompDisabled,
  secretMountedWorkload,
  sensitiveHostMount,
  tokenAutomount,
  // rbac
  hostpathPersistentVolume,
  nodesProxyEscalation,
  rbacDangerousRights,
  // network
  dnsCrossNamespace,
  internetExposure,
  unrestrictedNetwork,
  // placement and paths
  admissionWebhookCascade,
  attackPath,
  controlPlaneColocation,
  singlePointOfFailure,
];
