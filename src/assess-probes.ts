// Probe results in an assessment: endpoint discrepancies (configuration vs. what the endpoint did), unverifiable
// findings decided by a probe, and assumptions the probe confirms or contradicts. Probe evidence has source `probe`.
import type { ProbeResult, ProbeRun, TlsVersion } from './collect/probe/types.js';
import type { AssumptionResult } from './assumptions/result.js';
import type { Endpoint, Model } from './model/types.js';
import type { Finding } from './rules/finding.js';
import { ruleStatus, type RulesSummary } from './rules/framework/run-rules.js';
import { refToString, type Evidence } from './types.js';
import { probeFacts } from './collect/probe/facts.js';

/** The source every probe evidence carries, so reports show it beside configuration evidence. */
export const PROBE_SOURCE = { file: 'probe' } as const;

export const PROBE_DISCREPANCY_KINDS = [
  'plaintext-accepted',
  'client-certificate-not-required',
  'anonymous-access',
  'model-says-plaintext',
  'old-tls-accepted',
  'weak-cipher-accepted',
  'certificate-untrusted',
  'certificate-expired',
  'certificate-self-signed',
  'certificate-wrong-name',
] as const;
export type ProbeDiscrepancyKind = (typeof PROBE_DISCREPANCY_KINDS)[number];

export interface ProbeDiscrepancy {
  /** `${kind}@${target}`. */
  readonly id: string;
  readonly kind: ProbeDiscrepancyKind;
  readonly target: string;
  readonly component?: string;
  /** What the configuration (the model) says, when it says something. */
  readonly configured?: string;
  readonly message: string;
  readonly evidence: readonly Evidence[];
}

/** A finding the probe decided: an unverifiable result confirmed (now fail) or contradicted (dropped, listed here). */
export interface ProbeDecision {
  readonly finding: string;
  readonly outcome: 'confirmed' | 'contradicted';
  readonly message: string;
  readonly evidence: readonly Evidence[];
}

/** An assumption whose result the probe set or changed. */
export interface ProbeAssumptionChange {
  readonly assumption: string;
  readonly before: AssumptionResult['result'];
  readonly after: AssumptionResult['result'];
  readonly message: string;
}

export interface ProbeSection {
  readonly results: readonly ProbeResult[];
  readonly skipped: ProbeRun['skipped'];
  readonly caGiven: boolean;
  /** Per target, the facts in words (what reports print). */
  readonly facts: Readonly<Record<string, readonly string[]>>;
  readonly discrepancies: readonly ProbeDiscrepancy[];
  readonly findings: readonly ProbeDecision[];
  readonly assumptions: readonly ProbeAssumptionChange[];
}

const OLD_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1'];

function ev(r: ProbeResult, path: string, value: string): Evidence {
  return { ref: { kind: 'ProbeTarget', name: r.target.id }, path, value, source: PROBE_SOURCE };
}

function endpointOf(model: Model, r: ProbeResult): Endpoint | undefined {
  const c = model.components.find((x) => x.id === r.target.component);
  return c?.listens.find((e) => e.port === r.target.endpointPort);
}

/** Whether a refused connection says the port is closed (decisive), unlike a timeout (a firewall may drop it). */
const closed = (r: ProbeResult): boolean => !r.reachable && /ECONNREFUSED/.test(r.error ?? '');

/** Configuration against observation, endpoint by endpoint. */
export function probeDiscrepancies(model: Model, run: ProbeRun): ProbeDiscrepancy[] {
  const out: ProbeDiscrepancy[] = [];
  for (const r of run.results) {
    if (!r.reachable) continue;
    const e = endpointOf(model, r);
    const add = (
      kind: ProbeDiscrepancyKind,
      message: string,
      evidence: Evidence[],
      configured?: string,
    ): void => {
      out.push({
        id: `${kind}@${r.target.id}`,
        kind,
        target: r.target.id,
        ...(r.target.component === undefined ? {} : { component: r.target.component }),
        ...(configured === undefined ? {} : { configured }),
        message,
        evidence: [
          ...evidence,
          ...(e?.evidence
            .filter((a) => a.attribute === 'tls' || a.attribute === 'authn')
            .flatMap((a) => a.evidence) ?? []),
        ],
      });
    };
    const plain = ev(r, 'plainHttp', r.plainHttp.detail);
    if (e !== undefined && r.plainHttp.spoken && e.tls !== 'none' && e.tls !== 'unknown')
      add(
        'plaintext-accepted',
        `${r.target.id}: configured for TLS (${e.tls}) but accepted plain HTTP (status ${r.plainHttp.status ?? '?'})`,
        [plain],
        `tls: ${e.tls}`,
      );
    if (e !== undefined && e.tls === 'none' && !r.plainHttp.spoken && r.tls.spoken)
      add(
        'model-says-plaintext',
        `${r.target.id}: the configuration reads as plain HTTP, but the endpoint speaks only TLS`,
        [plain, ev(r, 'tls.spoken', 'true')],
        'tls: none',
      );
    const etcd = r.target.kind === 'etcd-client' || r.target.kind === 'etcd-peer';
    if (
      etcd &&
      r.tls.clientCertificate === 'not-required' &&
      (e === undefined || e.tls === 'mutual' || e.authn === 'certificate')
    )
      add(
        'client-certificate-not-required',
        `${r.target.id}: ${e === undefined ? 'etcd' : 'configured for mutual TLS, but'} accepted a connection without a client certificate (${r.tls.clientCertificateDetail})`,
        [ev(r, 'tls.clientCertificate', r.tls.clientCertificateDetail)],
        e === undefined ? undefined : `tls: ${e.tls}, authn: ${e.authn}`,
      );
    const allowed = r.anonymous.filter((a) => a.allowed);
    if (allowed.length > 0 && e !== undefined && (e.authn === 'token' || e.authn === 'certificate'))
      add(
        'anonymous-access',
        `${r.target.id}: configured to authenticate (${e.authn}), but answered ${allowed.map((a) => `${a.request} (HTTP ${a.status ?? '?'})`).join(', ')} without credentials`,
        allowed.map((a) => ev(r, `anonymous.${a.request}`, `HTTP ${a.status ?? '?'}`)),
        `authn: ${e.authn}`,
      );
    const old = OLD_VERSIONS.filter((v) => r.tls.versions[v] === 'accepted');
    if (old.length > 0)
      add(
        'old-tls-accepted',
        `${r.target.id}: accepts ${old.join(' and ')}`,
        old.map((v) => ev(r, `tls.versions.${v}`, 'accepted')),
      );
    const weak = r.tls.weakCiphers.filter((w) => w.result === 'accepted');
    if (weak.length > 0)
      add(
        'weak-cipher-accepted',
        `${r.target.id}: accepts weak suites: ${weak.map((w) => `${w.name}${w.negotiated ? ` (${w.negotiated})` : ''}`).join('; ')}`,
        weak.map((w) => ev(r, `tls.weakCiphers.${w.offered}`, w.negotiated ?? 'accepted')),
      );
    const c = r.tls.certificate;
    if (c !== undefined) {
      const cert = (path: string, value: string): Evidence[] => [ev(r, `tls.certificate.${path}`, value)];
      if (c.chainsToCa === false)
        add(
          'certificate-untrusted',
          `${r.target.id}: the certificate (${c.subject}) does not chain to the cluster CA`,
          cert('chainsToCa', c.chainError ?? 'false'),
        );
      if (c.expired)
        add(
          'certificate-expired',
          `${r.target.id}: the certificate expired (valid until ${c.notAfter})`,
          cert('notAfter', c.notAfter),
        );
      if (c.selfSigned)
        add(
          'certificate-self-signed',
          `${r.target.id}: the certificate is self-signed (${c.subject})`,
          cert('issuer', c.issuer),
        );
      if (!c.nameMatches)
        add(
          'certificate-wrong-name',
          `${r.target.id}: the certificate is not valid for ${c.nameChecked}`,
          cert('subject', c.subject),
        );
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** The probed targets a finding's subject stands for: the kubelet of a Node, a Component by id, else the components holding the object. */
function targetsOf(f: Finding, model: Model, run: ProbeRun): ProbeResult[] {
  const s = f.subject;
  const components = new Set<string>();
  if (s.kind === 'Node') components.add(`kubelet:${s.name}`);
  else if (s.kind === 'Component') components.add(s.name);
  else {
    const key = refToString(s);
    for (const c of model.components) if (c.refs.some((x) => refToString(x) === key)) components.add(c.id);
  }
  return run.results.filter((r) => r.target.component !== undefined && components.has(r.target.component));
}

interface Verdict {
  readonly outcome: 'confirmed' | 'contradicted';
  readonly message: string;
  readonly evidence: Evidence[];
}

/** How each rule's weakness shows (or shows absent) on the wire; a rule not listed here is never decided by a probe. */
const DECIDERS: Readonly<Record<string, (f: Finding, rs: readonly ProbeResult[]) => Verdict | undefined>> = {
  'plaintext-listener': (_f, rs) => {
    const spoken = rs.filter((r) => r.plainHttp.spoken);
    if (spoken.length > 0)
      return {
        outcome: 'confirmed',
        message: `plain HTTP answered on ${spoken.map((r) => r.target.id).join(', ')}`,
        evidence: spoken.map((r) => ev(r, 'plainHttp', r.plainHttp.detail)),
      };
    // Only the kubelet's and etcd's variants are about the port alone; the scheduler's and controller manager's are also
    // about the bind address and the legacy insecure port, which a probe through a map or tunnel cannot see.
    const portOnly = rs.every((r) =>
      ['kubelet', 'kubelet-read-only', 'etcd-client', 'etcd-peer'].includes(r.target.kind),
    );
    if (rs.length > 0 && portOnly && rs.every((r) => closed(r) || (r.reachable && !r.plainHttp.spoken)))
      return {
        outcome: 'contradicted',
        message: `no plain HTTP on ${rs.map((r) => `${r.target.id} (${r.reachable ? r.plainHttp.detail : 'port closed'})`).join(', ')}`,
        evidence: rs.map((r) => ev(r, 'plainHttp', r.reachable ? r.plainHttp.detail : (r.error ?? 'closed'))),
      };
    return undefined;
  },
  'kubelet-unauthenticated': (_f, rs) => {
    const kubelets = rs.filter((r) => r.target.kind === 'kubelet' || r.target.kind === 'kubelet-read-only');
    const allowed = kubelets.filter((r) => r.anonymous.some((a) => a.allowed));
    if (allowed.length > 0)
      return {
        outcome: 'confirmed',
        message: `anonymous GET /pods succeeded on ${allowed.map((r) => r.target.id).join(', ')}`,
        evidence: allowed.map((r) =>
          ev(r, 'anonymous.GET /pods', `HTTP ${r.anonymous.find((a) => a.allowed)?.status ?? '?'}`),
        ),
      };
    const denied = (r: ProbeResult): boolean =>
      closed(r) ||
      (r.anonymous.length > 0 && r.anonymous.every((a) => a.status !== undefined && !a.allowed)) ||
      r.tls.clientCertificate === 'required';
    if (kubelets.length >= 2 && kubelets.every(denied))
      return {
        outcome: 'contradicted',
        message: `anonymous reads refused on ${kubelets.map((r) => r.target.id).join(', ')}`,
        evidence: kubelets.map((r) =>
          ev(
            r,
            'anonymous',
            r.reachable
              ? r.anonymous.map((a) => `${a.request}: HTTP ${a.status ?? 'none'}`).join('; ')
              : 'port closed',
          ),
        ),
      };
    return undefined;
  },
  'weak-tls': (f, rs) => {
    const tlsTargets = rs.filter((r) => r.tls.spoken);
    if (tlsTargets.length === 0) return undefined;
    if (f.variant === 'cipher-suites') {
      const weak = tlsTargets.filter((r) => r.tls.weakCiphers.some((w) => w.result === 'accepted'));
      if (weak.length > 0)
        return {
          outcome: 'confirmed',
          message: `weak suites accepted on ${weak.map((r) => r.target.id).join(', ')}`,
          evidence: weak.flatMap((r) =>
            r.tls.weakCiphers
              .filter((w) => w.result === 'accepted')
              .map((w) => ev(r, `tls.weakCiphers.${w.offered}`, w.negotiated ?? 'accepted')),
          ),
        };
      if (tlsTargets.every((r) => r.tls.weakCiphers.every((w) => w.result === 'refused')))
        return {
          outcome: 'contradicted',
          message: `every weak suite refused on ${tlsTargets.map((r) => r.target.id).join(', ')}`,
          evidence: tlsTargets.map((r) => ev(r, 'tls.weakCiphers', 'all refused')),
        };
      return undefined;
    }
    const old = tlsTargets.filter((r) => OLD_VERSIONS.some((v) => r.tls.versions[v] === 'accepted'));
    if (old.length > 0)
      return {
        outcome: 'confirmed',
        message: `TLS 1.0/1.1 accepted on ${old.map((r) => r.target.id).join(', ')}`,
        evidence: old.flatMap((r) =>
          OLD_VERSIONS.filter((v) => r.tls.versions[v] === 'accepted').map((v) =>
            ev(r, `tls.versions.${v}`, 'accepted'),
          ),
        ),
      };
    if (
      f.variant === 'min-tls-version' &&
      tlsTargets.every((r) => OLD_VERSIONS.every((v) => r.tls.versions[v] === 'refused'))
    )
      return {
        outcome: 'contradicted',
        message: `TLS 1.0 and 1.1 refused on ${tlsTargets.map((r) => r.target.id).join(', ')}`,
        evidence: tlsTargets.flatMap((r) => OLD_VERSIONS.map((v) => ev(r, `tls.versions.${v}`, 'refused'))),
      };
    return undefined;
  },
  'mutual-tls-missing': (_f, rs) => {
    const etcd = rs.filter((r) => r.target.kind === 'etcd-client' || r.target.kind === 'etcd-peer');
    const open = etcd.filter((r) => r.tls.clientCertificate === 'not-required' || r.plainHttp.spoken);
    if (open.length > 0)
      return {
        outcome: 'confirmed',
        message: `etcd answered without a client certificate on ${open.map((r) => r.target.id).join(', ')}`,
        evidence: open.map((r) => ev(r, 'tls.clientCertificate', r.tls.clientCertificateDetail)),
      };
    return undefined;
  },
};

export interface ProbedFindings {
  readonly findings: readonly Finding[];
  readonly decisions: readonly ProbeDecision[];
}

/** Unverifiable findings the probe can decide become fail (confirmed) or are dropped (contradicted); the rest stand. */
export function decideFindings(findings: readonly Finding[], model: Model, run: ProbeRun): ProbedFindings {
  const kept: Finding[] = [];
  const decisions: ProbeDecision[] = [];
  for (const f of findings) {
    const decide = DECIDERS[f.rule];
    const verdict =
      f.status === 'unverifiable' && decide !== undefined ? decide(f, targetsOf(f, model, run)) : undefined;
    if (verdict === undefined) {
      kept.push(f);
      continue;
    }
    decisions.push({
      finding: f.id,
      outcome: verdict.outcome,
      message: verdict.message,
      evidence: verdict.evidence,
    });
    if (verdict.outcome === 'confirmed') {
      const { missing: _missing, ...rest } = f;
      kept.push({
        ...rest,
        status: 'fail',
        message: `confirmed by probe: ${verdict.message}`,
        evidence: [...verdict.evidence, ...f.evidence],
      });
    }
  }
  // A rule whose kubelet settings were not collected also reports "Component/kubelet: kubelet configuration not
  // collected". Once the probe has decided the rule on every node, that question is answered node by node (the
  // decisions above say how), so it is dropped; while any node is undecided it stays. Other components' results
  // (the scheduler's, say) are theirs and stay.
  const decidedOnNodes = new Set(
    decisions.filter((d) => d.finding.includes('@Node/')).map((d) => d.finding.split('@')[0]),
  );
  const nodeOpen = new Set(
    kept.filter((f) => f.status === 'unverifiable' && f.subject.kind === 'Node').map((f) => f.rule),
  );
  const answered = kept.filter(
    (f) =>
      !(
        f.status === 'unverifiable' &&
        f.subject.kind === 'Component' &&
        f.subject.name === 'kubelet' &&
        decidedOnNodes.has(f.rule) &&
        !nodeOpen.has(f.rule)
      ),
  );
  return { findings: answered, decisions: decisions.sort((a, b) => a.finding.localeCompare(b.finding)) };
}

/** Rule counts after the probe: a subject whose only unverifiable findings were contradicted now passes. */
export function recountRules(summary: RulesSummary, findings: readonly Finding[]): RulesSummary {
  const results = summary.results.map((r) => {
    const mine = findings.filter((f) => f.rule === r.rule);
    const failed = new Set(mine.filter((f) => f.status === 'fail').map((f) => refToString(f.subject)));
    const unverifiable = new Set(
      mine
        .filter((f) => f.status === 'unverifiable' && !failed.has(refToString(f.subject)))
        .map((f) => refToString(f.subject)),
    );
    const pass = r.pass + (r.fail + r.unverifiable) - (failed.size + unverifiable.size);
    const status = ruleStatus(r.status === 'error', failed.size, unverifiable.size);
    return { ...r, status, pass, fail: failed.size, unverifiable: unverifiable.size };
  });
  const totals = { pass: 0, fail: 0, unverifiable: 0, error: 0 };
  for (const r of results) totals[r.status] += 1;
  return { results, totals };
}

/** Assumptions read from flows (not from findings) that a probe can contradict, or settle when configuration could not. */
export function probeAssumptions(
  assumptions: readonly AssumptionResult[],
  model: Model,
  run: ProbeRun,
  discrepancies: readonly ProbeDiscrepancy[],
  /** The same assumptions judged on configuration alone (before the probe decided any finding). */
  configurationOnly: readonly AssumptionResult[],
): { assumptions: AssumptionResult[]; changes: ProbeAssumptionChange[] } {
  const out = assumptions.map((a): AssumptionResult => {
    let verdict: { result: AssumptionResult['result']; message: string; evidence: Evidence[] } | undefined;
    if (a.check === 'builtin:apiserver-etcd-mutual-tls') {
      const etcdTargets = run.results.filter(
        (r) =>
          r.target.kind === 'etcd-client' &&
          model.flows.some((f) => f.from === 'kube-apiserver' && f.to === r.target.component),
      );
      const open = etcdTargets.filter(
        (r) => r.reachable && (r.plainHttp.spoken || r.tls.clientCertificate === 'not-required'),
      );
      const required = etcdTargets.filter(
        (r) => r.tls.clientCertificate === 'required' && !r.plainHttp.spoken,
      );
      if (open.length > 0)
        verdict = {
          result: 'contradicted',
          message: `probe: etcd accepted connections without a client certificate on ${open.map((r) => r.target.id).join(', ')}`,
          evidence: open.map((r) =>
            ev(
              r,
              r.plainHttp.spoken ? 'plainHttp' : 'tls.clientCertificate',
              r.plainHttp.spoken ? r.plainHttp.detail : r.tls.clientCertificateDetail,
            ),
          ),
        };
      else if (a.result === 'unverifiable' && required.length > 0 && required.length === etcdTargets.length)
        verdict = {
          result: 'confirmed',
          message: `probe: etcd requires a client certificate on ${required.map((r) => r.target.id).join(', ')}`,
          evidence: required.map((r) => ev(r, 'tls.clientCertificate', r.tls.clientCertificateDetail)),
        };
    } else if (a.check === 'builtin:control-plane-tls-verified') {
      const plain = discrepancies.filter(
        (d) =>
          d.kind === 'plaintext-accepted' ||
          d.kind === 'certificate-untrusted' ||
          d.kind === 'certificate-expired',
      );
      if (plain.length > 0)
        verdict = {
          result: 'contradicted',
          message: `probe: ${plain
            .map((d) => d.message)
            .slice(0, 3)
            .join('; ')}`,
          evidence: plain.flatMap((d) => d.evidence.filter((x) => x.source === PROBE_SOURCE)),
        };
    }
    if (verdict === undefined) return a;
    if (verdict.result === a.result) return { ...a, evidence: [...verdict.evidence, ...a.evidence] };
    const { missing: _missing, ...rest } = a;
    return {
      ...rest,
      result: verdict.result,
      message: `${verdict.message} (configuration: ${a.message})`,
      evidence: [...verdict.evidence, ...a.evidence],
    };
  });
  const before = new Map(configurationOnly.map((a) => [a.id, a]));
  const changes = out.flatMap((a): ProbeAssumptionChange[] => {
    const was = before.get(a.id);
    return was === undefined || was.result === a.result
      ? []
      : [{ assumption: a.id, before: was.result, after: a.result, message: a.message }];
  });
  return { assumptions: out, changes };
}

/** The report section: results, their facts in words, and what the probe decided. */
export function probeSection(
  run: ProbeRun,
  discrepancies: readonly ProbeDiscrepancy[],
  decisions: readonly ProbeDecision[],
  changes: readonly ProbeAssumptionChange[],
): ProbeSection {
  return {
    results: run.results,
    skipped: run.skipped,
    caGiven: run.caGiven,
    facts: Object.fromEntries(run.results.map((r) => [r.target.id, probeFacts(r)])),
    discrepancies,
    findings: decisions,
    assumptions: changes,
  };
}
