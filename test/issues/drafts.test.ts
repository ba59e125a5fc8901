// Issue drafts and tracker formats: stable fingerprints, escaped cluster strings, CSV injection neutralised.
import { describe, expect, it } from 'vitest';
import { draftIssue, draftIssues, fingerprintOf } from '../../src/issues/drafts.js';
import { csvCell, renderIssues } from '../../src/issues/formats.js';
import { fingerprintIn } from '../../src/issues/draft.js';
import type { Discrepancy } from '../../src/issues/discrepancy.js';

const hostile = 'evil<script>alert(1)</script>\n# heading\u001b[31m';

function disc(key: string, severity: Discrepancy['severity'] = 'high'): Discrepancy {
  return {
    kind: 'finding',
    key,
    identity: ['privileged-workload', '', 'Pod', 'shop', key],
    title: `Pod ${hostile} runs privileged`,
    zone: 'Container',
    owner: 'team-shop',
    relatedTeams: ['platform'],
    severity,
    subject: { kind: 'Pod', namespace: 'shop', name: hostile },
    statement: 'privileged: true',
    evidence: [
      {
        ref: { kind: 'Pod', namespace: 'shop', name: hostile },
        path: 'spec.containers[0].securityContext.privileged',
        value: 'true',
      },
    ],
    remediation: { shortTerm: 'Drop privileged.', longTerm: 'Enforce the restricted Pod Security level.' },
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/'],
  };
}

describe('issue drafts', () => {
  it('derives a stable fingerprint from kind and identity only', () => {
    expect(fingerprintOf(disc('a'))).toBe(
      fingerprintOf({ kind: 'finding', identity: ['privileged-workload', '', 'Pod', 'shop', 'a'] }),
    );
    expect(fingerprintOf(disc('a'))).not.toBe(fingerprintOf(disc('b')));
    expect(fingerprintOf(disc('a'))).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives names that join to the same text different fingerprints (namespace a/x name y, namespace a name x/y)', () => {
    const one = fingerprintOf({ kind: 'finding', identity: ['r', '', 'Pod', 'a/x', 'y'] });
    const two = fingerprintOf({ kind: 'finding', identity: ['r', '', 'Pod', 'a', 'x/y'] });
    expect(one).not.toBe(two);
  });

  it('escapes the title, the Key line and a planted marker: only the real, last marker is read', () => {
    const planted = `x <!-- ktm-fingerprint: ${'0'.repeat(16)} -->\u0007\u0000 [link](http://e) <b>b</b>`;
    const d = draftIssue({ ...disc(planted), title: `Pod ${planted} runs privileged` });
    const controls = (t: string): number[] =>
      Array.from({ length: t.length }, (_, i) => t.charCodeAt(i)).filter((c) => c < 0x20 && c !== 0x0a);
    expect(controls(d.title)).toEqual([]);
    // Every `<` from a name is backslash-escaped: no HTML comment (or tag) opens.
    expect(d.body).not.toMatch(/(^|[^\\])<!--/);
    expect(controls(d.body)).toEqual([]);
    expect(d.body).toContain(
      `Key: x \\<!-- ktm-fingerprint: ${'0'.repeat(16)} --\\>\\\\x07\\\\x00 \\[link\\](http://e) \\<b\\>b\\</b\\>`,
    );
    const [md] = renderIssues([d], 'markdown');
    expect(md!.content.split('\n')[0]).toMatch(
      /^# \\\[high\\\] Pod x \\<!-- ktm-fingerprint: 0{16} --\\>\\\\x07/,
    );
    expect(fingerprintIn(md!.content)).toBe(d.fingerprint);
    // A body whose only marker is not its last line has no identity.
    expect(fingerprintIn(`<!-- ktm-fingerprint: ${'0'.repeat(16)} -->\ntext after`)).toBeUndefined();
  });

  it('escapes cluster-supplied strings in the Markdown body', () => {
    const d = draftIssue(disc('k'));
    expect(d.body).not.toContain('<script>');
    expect(d.body).not.toContain('\u001b');
    expect(d.body).not.toMatch(/^# heading/m);
    expect(d.body).toContain('**Short term:** Drop privileged.');
    expect(d.body).toContain('**Long term:**');
    expect(d.body).toContain('Owning team: team-shop');
  });

  it('orders drafts by severity then fingerprint', () => {
    const drafts = draftIssues([disc('a', 'low'), disc('b', 'critical'), disc('c', 'medium')]);
    expect(drafts.map((d) => d.severity)).toEqual(['critical', 'medium', 'low']);
  });
});

describe('tracker formats', () => {
  const drafts = draftIssues([disc('a'), disc('b', 'critical')]);

  it('writes one Markdown file per issue and issues.json, each carrying its fingerprint', () => {
    const files = renderIssues(drafts, 'markdown');
    expect(files.map((f) => f.path)).toEqual([
      expect.stringMatching(/^001-/),
      expect.stringMatching(/^002-/),
      'issues.json',
    ]);
    expect(fingerprintIn(files[0]!.content)).toBe(drafts[0]!.fingerprint);
    expect(files[0]!.content.split('\n')[0]).not.toContain('\n');
    expect(JSON.parse(files[2]!.content)).toHaveLength(2);
  });

  it("writes GitHub's import shape", () => {
    const [file] = renderIssues(drafts, 'github');
    const parsed = JSON.parse(file!.content) as { issue: { title: string; labels: string[] } }[];
    expect(parsed[0]!.issue.labels).toContain('ktm');
    expect(parsed).toHaveLength(2);
  });

  it('neutralises formulas and quotes in CSV cells', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('@SUM(A1)')).toBe('"\'@SUM(A1)"');
    expect(csvCell('plain')).toBe('"plain"');
    const [jira] = renderIssues(drafts, 'jira-csv');
    expect(jira!.content.split('\r\n')[0]).toBe(
      '"Summary","Description","Priority","Labels","Component","Team"',
    );
    expect(jira!.content).toContain('"Highest"');
    const [gitlab] = renderIssues(drafts, 'gitlab');
    expect(gitlab!.content.startsWith('"title","description"\r\n')).toBe(true);
  });
});
