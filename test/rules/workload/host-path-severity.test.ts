// hostPath findings are ranked by what the path yields: a runtime socket above stock kube-proxy's lock file.
import { describe, expect, it } from 'vitest';
import { hostPathYield } from '../../../src/analysis/host-paths.js';
import { ruleSeverity } from '../../../src/rules/framework/define-rule.js';
import rule from '../../../src/rules/workload/sensitive-host-mount.js';

const severity = (path: string, writable: boolean): string => {
  const y = hostPathYield(path, writable);
  const variant = y.kind === 'other' ? (writable ? 'writable' : 'read-only') : y.kind;
  return `${variant} ${ruleSeverity(rule.meta, variant)}`;
};

describe('hostPath severity', () => {
  it('ranks host paths by what they give', () => {
    expect(severity('/var/run/docker.sock', true)).toBe('runtime-socket critical');
    expect(severity('/run/containerd/containerd.sock', false)).toBe('runtime-socket critical');
    expect(severity('/', true)).toBe('node-takeover critical');
    expect(severity('/etc', true)).toBe('node-takeover critical');
    expect(severity('/var/lib/kubelet', true)).toBe('node-takeover critical');
    expect(severity('/proc', false)).toBe('host-credentials high');
    expect(severity('/var/log', true)).toBe('host-credentials high');
    expect(severity('/etc/kubernetes/pki', false)).toBe('host-credentials high');
    expect(severity('/run/xtables.lock', true)).toBe('low-value info');
    expect(severity('/run/flannel', true)).toBe('low-value info');
    expect(severity('/lib/modules', false)).toBe('low-value info');
    expect(severity('/lib/modules', true)).toBe('node-takeover critical');
    expect(severity('/srv/data', true)).toBe('writable medium');
    expect(severity('/srv/data', false)).toBe('read-only low');
  });
});
