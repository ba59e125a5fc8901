// Probe results in words: one sentence per fact, for `ktm probe` and the Probes section of an assessment.
import { TLS_VERSIONS, type ProbeResult } from './types.js';

/** The facts a probe established about one target, as short sentences (cluster-supplied strings are not escaped here). */
export function probeFacts(r: ProbeResult): string[] {
  if (!r.reachable) return [`not reachable: ${r.error ?? 'no connection'}`];
  const facts: string[] = [];
  facts.push(`plain HTTP: ${r.plainHttp.spoken ? 'SPOKEN' : 'not spoken'} (${r.plainHttp.detail})`);
  facts.push(
    `TLS versions: ${TLS_VERSIONS.map((v) => `${v === 'TLSv1' ? '1.0' : v.replace('TLSv', '')} ${r.tls.versions[v]}`).join(', ')}`,
  );
  if (r.tls.spoken) {
    const weak = r.tls.weakCiphers.filter((w) => w.result === 'accepted');
    const untested = r.tls.weakCiphers.filter((w) => w.result === 'untested');
    facts.push(
      `weak cipher suites: ${
        weak.length === 0
          ? 'none accepted'
          : `ACCEPTED ${weak.map((w) => `${w.name}${w.negotiated ? ` (${w.negotiated})` : ''}`).join('; ')}`
      }${untested.length > 0 ? `; not testable by this client: ${untested.map((w) => w.name).join(', ')}` : ''}`,
    );
    const c = r.tls.certificate;
    if (c !== undefined) {
      const problems = [
        c.expired ? 'EXPIRED' : undefined,
        c.selfSigned ? 'SELF-SIGNED' : undefined,
        c.nameMatches ? undefined : `WRONG NAME (not valid for ${c.nameChecked})`,
        c.chainsToCa === false ? 'does NOT chain to the given CA' : undefined,
      ].filter((x): x is string => x !== undefined);
      facts.push(
        `certificate: ${c.subject}, issued by ${c.issuer}, valid until ${c.notAfter}; ${
          problems.length > 0 ? problems.join(', ') : 'valid for the name'
        }${c.chainsToCa === true ? ', chains to the given CA' : ''}`,
      );
    }
    facts.push(`client certificate: ${r.tls.clientCertificate} (${r.tls.clientCertificateDetail})`);
  }
  for (const a of r.anonymous)
    facts.push(
      `anonymous ${a.request} over ${a.scheme}: ${a.status === undefined ? 'no answer' : `HTTP ${a.status}`}${
        a.allowed ? ' — ALLOWED' : ''
      }${a.note ? ` (${a.note})` : ''}`,
    );
  for (const l of r.limits) facts.push(`client limit: ${l}`);
  return facts;
}
