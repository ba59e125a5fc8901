// Flag parsing corner cases: the forms pflag and Go's flag package accept, shell wrappers, credential flags.
import { describe, expect, it } from 'vitest';
import {
  containerTokens,
  isCredentialFlag,
  parseFlags,
  parseMapFlag,
  splitShellWords,
} from '../../../src/collect/settings/command-line.js';

const value = (tokens: string[], name: string): string | undefined =>
  parseFlags(tokens).flags.get(name)?.value;

describe('parseFlags', () => {
  it('reads --flag=value, --flag value and -flag=value (etcd uses Go flag syntax)', () => {
    const t = ['kube-apiserver', '--secure-port=6443', '--bind-address', '0.0.0.0', '-name=infra0'];
    expect(value(t, 'secure-port')).toBe('6443');
    expect(value(t, 'bind-address')).toBe('0.0.0.0');
    expect(value(t, 'name')).toBe('infra0');
    expect(parseFlags(t).positional).toEqual(['kube-apiserver']);
  });

  it('never lets a boolean flag swallow the next word, as pflag does', () => {
    const parsed = parseFlags(['--profiling', 'false', '--anonymous-auth', '--v', '2']);
    expect(parsed.flags.get('profiling')?.value).toBe('true');
    expect(parsed.positional).toEqual(['false']);
    expect(parsed.flags.get('anonymous-auth')?.value).toBe('true');
    expect(parsed.flags.get('v')?.value).toBe('2');
  });

  it('does not take a following flag as a value', () => {
    expect(value(['--kubeconfig', '--v=2'], 'kubeconfig')).toBe('true');
  });

  it('keeps the last value of a repeated scalar flag and the index of the word carrying it', () => {
    const parsed = parseFlags(['--secure-port=1', '--secure-port', '2']);
    expect(parsed.flags.get('secure-port')).toEqual({ name: 'secure-port', value: '2', index: 2 });
    expect(parsed.occurrences).toHaveLength(2);
  });

  it('accumulates repeated slice flags and merges feature gates gate by gate', () => {
    const t = [
      '--authorization-mode=Node',
      '--authorization-mode=RBAC',
      '--feature-gates=A=true,C=true',
      '--feature-gates=B=false,A=false',
    ];
    expect(value(t, 'authorization-mode')).toBe('Node,RBAC');
    const gates = parseMapFlag(value(t, 'feature-gates') ?? '');
    expect(Object.fromEntries(gates)).toEqual({ A: 'false', B: 'false', C: 'true' });
  });

  it('strips quotes left around a value', () => {
    expect(value(['--authorization-mode="Node,RBAC"'], 'authorization-mode')).toBe('Node,RBAC');
    expect(value(["--name='a b'"], 'name')).toBe('a b');
  });

  it('treats negative numbers as values, not flags', () => {
    expect(value(['--pod-max-pids', '-1'], 'pod-max-pids')).toBe('-1');
  });
});

describe('splitShellWords', () => {
  it('handles quotes, escapes, continuation lines and operators', () => {
    expect(splitShellWords(`a "b c" 'd e' f\\ g \\\n --x="y z" && exec h; i`)).toEqual([
      'a',
      'b c',
      'd e',
      'f g',
      '--x=y z',
      '&&',
      'exec',
      'h',
      ';',
      'i',
    ]);
  });
});

describe('containerTokens', () => {
  it('joins command and args with the field path of each word', () => {
    const t = containerTokens(['kube-scheduler'], ['--bind-address=0.0.0.0'], 'spec.containers[1]');
    expect(t.tokens).toEqual(['kube-scheduler', '--bind-address=0.0.0.0']);
    expect(t.paths).toEqual(['spec.containers[1].command[0]', 'spec.containers[1].args[0]']);
  });

  it('unwraps /bin/sh -c and picks the segment running the component', () => {
    const t = containerTokens(
      ['/bin/sh', '-c', 'mkdir -p /d && exec /usr/local/bin/etcd --name="x y" --auto-tls'],
      undefined,
      'spec.containers[0]',
      'etcd',
    );
    expect(t.tokens).toEqual(['/usr/local/bin/etcd', '--name=x y', '--auto-tls']);
    expect(t.paths.every((p) => p === 'spec.containers[0].command[2]')).toBe(true);
  });
});

describe('isCredentialFlag', () => {
  it('recognises credential values but not paths to credential files', () => {
    for (const f of [
      'token',
      'bootstrap-token',
      'password',
      'oidc-client-secret',
      'etcd-password',
      'datastore-endpoint',
    ])
      expect(isCredentialFlag(f), f).toBe(true);
    for (const f of [
      'token-auth-file',
      'kubelet-client-key',
      'service-account-key-file',
      'tls-private-key-file',
      'authentication-token-webhook-cache-ttl',
      'authentication-token-webhook',
      'use-service-account-credentials',
    ])
      expect(isCredentialFlag(f), f).toBe(false);
  });
});
