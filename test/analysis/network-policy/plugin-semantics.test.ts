// Cilium and Calico policy semantics, one documented behaviour per case: the policies, pods and namespaces, and the connlist ktm prints.
import { describe, expect, it } from 'vitest';
import { computeReachability } from '../../../src/analysis/network-policy/reachability.js';
import { sanitizeObject } from '../../../src/collect/sanitize.js';
import {
  CALICO_PLUGIN,
  CILIUM_PLUGIN,
  calicoNp,
  ccnp,
  cnp,
  connlistOn,
  gnp,
  inventoryOf,
  netpol,
  ns,
  pod,
  tier,
} from './helpers.js';

const WORLD = '0.0.0.0-255.255.255.255[External]';
const FE = 'default/frontend[Pod]';
const BE = 'default/backend[Pod]';
const OTHER = 'default/other[Pod]';
const FE2 = 'prod/frontend2[Pod]';

/** The pods of Cilium's and Calico's getting-started examples: a frontend and a backend, and a frontend elsewhere. */
const pods = [
  ns('default'),
  ns('prod', { env: 'prod' }),
  pod('default', 'frontend', { labels: { role: 'frontend' } }),
  pod('default', 'backend', {
    labels: { role: 'backend' },
    ports: [{ name: 'http', containerPort: 8080 }],
  }),
  pod('default', 'other', { labels: { role: 'other' } }),
  pod('prod', 'frontend2', { labels: { role: 'frontend' } }),
];

describe('CiliumNetworkPolicy (https://docs.cilium.io/en/stable/security/policy/language/)', () => {
  it('fromEndpoints in a namespaced policy selects the policy namespace only; the endpoint goes into default deny', () => {
    const l = connlistOn(CILIUM_PLUGIN, [
      ...pods,
      cnp('default', 'l3-rule', {
        endpointSelector: { matchLabels: { role: 'backend' } },
        ingress: [{ fromEndpoints: [{ matchLabels: { role: 'frontend' } }] }],
      }),
    ]);
    expect(l.filter((x) => x.includes(`=> ${BE}`))).toEqual([`${FE} => ${BE} : All Connections`]);
    // Egress is not selected: the backend still reaches everything.
    expect(l).toContain(`${BE} => ${WORLD} : All Connections`);
    expect(l).toContain(`${BE} => ${FE2} : All Connections`);
  });

  it('k8s:io.kubernetes.pod.namespace in fromEndpoints reaches across namespaces', () => {
    const l = connlistOn(CILIUM_PLUGIN, [
      ...pods,
      cnp('default', 'from-prod', {
        endpointSelector: { matchLabels: { role: 'backend' } },
        ingress: [
          {
            fromEndpoints: [
              { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'prod', 'k8s:role': 'frontend' } },
            ],
          },
        ],
      }),
    ]);
    expect(l.filter((x) => x.includes(`=> ${BE}`))).toEqual([`${FE2} => ${BE} : All Connections`]);
  });

  it('an empty ingress rule `- {}` denies every ingress; a rule with only toPorts allows those ports from anyone', () => {
    const deny = connlistOn(CILIUM_PLUGIN, [
      ...pods,
      cnp('default', 'deny', { endpointSelector: {}, ingress: [{}] }),
    ]);
    expect(deny.filter((x) => x.includes('=> default/'))).toEqual([]);
    const l4 = connlistOn(CILIUM_PLUGIN, [
      ...pods,
      cnp('default', 'l4', {
        endpointSelector: { matchLabels: { role: 'backend' } },
        ingress: [
          {
            toPorts: [
              {
                ports: [
                  { port: '80', protocol: 'TCP' },
                  { port: '8000', endPort: 8010 },
                ],
              },
            ],
          },
        ],
      }),
    ]);
    expect(l4.filter((x) => x.includes(`=> ${BE}`))).toEqual([
      `${WORLD} => ${BE} : SCTP 8000-8010,TCP 80,8000-8010,UDP 8000-8010`,
      `${FE} => ${BE} : SCTP 8000-8010,TCP 80,8000-8010,UDP 8000-8010`,
      `${OTHER} => ${BE} : SCTP 8000-8010,TCP 80,8000-8010,UDP 8000-8010`,
      `${FE2} => ${BE} : SCTP 8000-8010,TCP 80,8000-8010,UDP 8000-8010`,
    ]);
  });

  it('entities: world is every address outside the cluster, cluster every pod', () => {
    const l = connlistOn(CILIUM_PLUGIN, [
      ...pods,
      cnp('default', 'egress-world', {
        endpointSelector: { matchLabels: { role: 'frontend' } },
        egress: [{ toEntities: ['world'] }],
        ingress: [{ fromEntities: ['cluster'] }],
      }),
    ]);
    expect(l.filter((x) => x.startsWith(`${FE} =>`))).toEqual([`${FE} => ${WORLD} : All Connections`]);
    expect(l.filter((x) => x.endsWith(`=> ${FE} : All Connections`))).toEqual([
      `${BE} => ${FE} : All Connections`,
      `${OTHER} => ${FE} : All Connections`,
      `${FE2} => ${FE} : All Connections`,
    ]);
    expect(l.some((x) => x.startsWith(`${WORLD} => ${FE}`))).toBe(false);
  });

  it('toCIDRSet with except: the excepted block is left out', () => {
    const l = connlistOn(CILIUM_PLUGIN, [
      ...pods,
      cnp('default', 'cidr', {
        endpointSelector: { matchLabels: { role: 'frontend' } },
        egress: [{ toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] }] }],
      }),
    ]);
    expect(l.filter((x) => x.startsWith(`${FE} =>`))).toEqual([
      `${FE} => 10.0.0.0-10.95.255.255[External] : All Connections`,
      `${FE} => 10.112.0.0-10.255.255.255[External] : All Connections`,
    ]);
  });

  it('a deny rule wins over an allow of the same traffic (the deny policies table, second column)', () => {
    const l = connlistOn(CILIUM_PLUGIN, [
      ...pods,
      cnp('default', 'allow', {
        endpointSelector: { matchLabels: { role: 'backend' } },
        ingress: [{ fromEndpoints: [{ matchLabels: { role: 'frontend' } }] }],
      }),
      cnp('default', 'deny-80', {
        endpointSelector: { matchLabels: { role: 'backend' } },
        ingressDeny: [
          {
            fromEndpoints: [{ matchLabels: { role: 'frontend' } }],
            toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }],
          },
        ],
      }),
    ]);
    expect(l).toContain(`${FE} => ${BE} : SCTP 1-65535,TCP 1-79,81-65535,UDP 1-65535`);
  });

  it('a cluster-wide deny also wins over a Kubernetes NetworkPolicy allow', () => {
    const l = connlistOn(CILIUM_PLUGIN, [
      ...pods,
      netpol('default', 'allow-all-to-backend', {
        podSelector: { matchLabels: { role: 'backend' } },
        ingress: [{}],
      }),
      ccnp('deny-other', {
        endpointSelector: { matchLabels: { role: 'backend' } },
        ingressDeny: [{ fromEndpoints: [{ matchLabels: { role: 'other' } }] }],
      }),
    ]);
    expect(l).toContain(`${FE} => ${BE} : All Connections`);
    expect(l.some((x) => x.startsWith(`${OTHER} => ${BE}`))).toBe(false);
  });

  it('a cluster-wide policy selects pods of every namespace, and its fromEndpoints span every namespace', () => {
    const l = connlistOn(CILIUM_PLUGIN, [
      ...pods,
      ccnp('frontends-only', {
        endpointSelector: {},
        ingress: [{ fromEndpoints: [{ matchLabels: { role: 'frontend' } }] }],
      }),
    ]);
    expect(l.filter((x) => x.includes(`=> ${BE}`))).toEqual([
      `${FE} => ${BE} : All Connections`,
      `${FE2} => ${BE} : All Connections`,
    ]);
    expect(l.filter((x) => x.includes(`=> ${FE2}`))).toEqual([`${FE} => ${FE2} : All Connections`]);
  });

  it('enableDefaultDeny false: a deny-only policy denies its traffic and leaves the rest open', () => {
    const objects = (enable: boolean | undefined) => [
      ...pods,
      ccnp('deny-other', {
        endpointSelector: { matchLabels: { role: 'backend' } },
        ingressDeny: [{ fromEndpoints: [{ matchLabels: { role: 'other' } }] }],
        ...(enable === undefined ? {} : { enableDefaultDeny: { ingress: enable } }),
      }),
    ];
    const open = connlistOn(CILIUM_PLUGIN, objects(false));
    expect(open).toContain(`${FE} => ${BE} : All Connections`);
    expect(open.some((x) => x.startsWith(`${OTHER} => ${BE}`))).toBe(false);
    // Without the field, a policy with ingressDeny rules puts the endpoint in default deny at ingress.
    const closed = connlistOn(CILIUM_PLUGIN, objects(undefined));
    expect(closed.filter((x) => x.includes(`=> ${BE}`))).toEqual([]);
  });

  it('an L7 (HTTP) rule leaves its port undecidable and a toFQDNs rule its destinations; neither is allowed outright', () => {
    const objects = [
      ...pods,
      cnp('default', 'l7', {
        endpointSelector: { matchLabels: { role: 'backend' } },
        ingress: [
          {
            fromEndpoints: [{ matchLabels: { role: 'frontend' } }],
            toPorts: [
              { ports: [{ port: '80', protocol: 'TCP' }], rules: { http: [{ method: 'GET', path: '/' }] } },
            ],
          },
        ],
      }),
      cnp('default', 'fqdn', {
        endpointSelector: { matchLabels: { role: 'other' } },
        egress: [
          {
            toFQDNs: [{ matchName: 'api.example.com' }],
            toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }],
          },
        ],
      }),
    ];
    const l = connlistOn(CILIUM_PLUGIN, objects);
    expect(l).toContain(`${FE} => ${BE} : undecidable: TCP 80`);
    expect(l.filter((x) => x.startsWith(`${OTHER} =>`))).toEqual([
      `${OTHER} => ${WORLD} : undecidable: TCP 443`,
    ]);
    const r = computeReachability(inventoryOf(objects), { plugin: CILIUM_PLUGIN });
    expect(r.undecidableReasons).toEqual(['FQDN rule (toFQDNs)', 'L7 rule (http)']);
  });

  it('on a cluster that runs Calico, Cilium policies are inert: nothing they say holds', () => {
    const objects = [...pods, cnp('default', 'deny', { endpointSelector: {}, ingress: [{}] })];
    const l = connlistOn(CALICO_PLUGIN, objects);
    expect(l).toContain(`${FE} => ${BE} : All Connections`);
    const r = computeReachability(inventoryOf(objects), { plugin: CALICO_PLUGIN });
    expect(r.inertPluginPolicies).toEqual([
      {
        ref: { kind: 'CiliumNetworkPolicy', namespace: 'default', name: 'deny' },
        plugin: 'cilium',
        running: 'calico',
      },
    ]);
  });
});

describe('Calico policies (https://docs.tigera.io/calico/latest/reference/resources/networkpolicy)', () => {
  it('order: a lower-order Deny wins over a higher-order Allow; the first matching rule decides', () => {
    const l = connlistOn(CALICO_PLUGIN, [
      ...pods,
      gnp('deny-prod', {
        order: 100,
        selector: "role == 'backend'",
        ingress: [{ action: 'Deny', source: { namespaceSelector: "env == 'prod'" } }],
      }),
      calicoNp('default', 'allow-frontends', {
        order: 200,
        selector: "role == 'backend'",
        ingress: [{ action: 'Allow', source: { selector: "role == 'frontend'" } }],
      }),
    ]);
    expect(l.filter((x) => x.includes(`=> ${BE}`))).toEqual([`${FE} => ${BE} : All Connections`]);
  });

  it('selectors: in, !has(), ||, parentheses; a selector without namespaceSelector means the policy namespace', () => {
    const l = connlistOn(CALICO_PLUGIN, [
      ...pods,
      pod('default', 'quarantined', { labels: { role: 'frontend', quarantine: 'yes' } }),
      calicoNp('default', 'p', {
        selector: "role in {'backend'}",
        ingress: [
          {
            action: 'Allow',
            source: { selector: "(role == 'frontend' || role == 'admin') && !has(quarantine)" },
          },
        ],
      }),
    ]);
    expect(l.filter((x) => x.includes(`=> ${BE}`))).toEqual([`${FE} => ${BE} : All Connections`]);
  });

  it('ports: numbers, ranges and named ports (resolved on the destination); notPorts taken out', () => {
    const l = connlistOn(CALICO_PLUGIN, [
      ...pods,
      calicoNp('default', 'p', {
        selector: "role == 'backend'",
        ingress: [
          {
            action: 'Allow',
            protocol: 'TCP',
            destination: { ports: [80, '9000:9100', 'http'], notPorts: ['9050:9060'] },
          },
        ],
      }),
    ]);
    expect(l).toContain(`${FE} => ${BE} : TCP 80,8080,9000-9049,9061-9100`);
  });

  it('types: a policy with only egress rules does not touch ingress', () => {
    const l = connlistOn(CALICO_PLUGIN, [
      ...pods,
      calicoNp('default', 'p', {
        selector: "role == 'backend'",
        egress: [{ action: 'Allow', destination: { selector: "role == 'frontend'" } }],
      }),
    ]);
    expect(l).toContain(`${OTHER} => ${BE} : All Connections`);
    expect(l.filter((x) => x.startsWith(`${BE} =>`))).toEqual([`${BE} => ${FE} : All Connections`]);
  });

  it('nets and notNets select addresses; notNets alone also matches pods', () => {
    const l = connlistOn(CALICO_PLUGIN, [
      ...pods,
      calicoNp('default', 'p', {
        selector: "role == 'frontend'",
        types: ['Egress'],
        egress: [
          { action: 'Allow', destination: { nets: ['10.0.0.0/8'] } },
          { action: 'Allow', protocol: 'UDP', destination: { notNets: ['192.168.0.0/16'], ports: [53] } },
        ],
      }),
    ]);
    expect(l.filter((x) => x.startsWith(`${FE} =>`))).toEqual([
      `${FE} => 0.0.0.0-9.255.255.255[External] : UDP 53`,
      `${FE} => 10.0.0.0-10.255.255.255[External] : All Connections`,
      `${FE} => 11.0.0.0-192.167.255.255[External] : UDP 53`,
      `${FE} => 192.169.0.0-255.255.255.255[External] : UDP 53`,
      `${FE} => ${BE} : UDP 53`,
      `${FE} => ${OTHER} : UDP 53`,
      `${FE} => ${FE2} : UDP 53`,
    ]);
  });

  it('tiers: Pass goes to the next tier; a tier that applies denies what none of its policies acted on', () => {
    const security = [
      tier('security', { order: 100 }),
      gnp('security.pass-frontends', {
        tier: 'security',
        order: 1,
        selector: "role == 'backend'",
        ingress: [{ action: 'Pass', source: { selector: "role == 'frontend'" } }],
      }),
    ];
    const l = connlistOn(CALICO_PLUGIN, [
      ...pods,
      ...security,
      netpol('default', 'allow-all', { podSelector: {}, ingress: [{}] }),
    ]);
    // Frontends pass to the default tier, where the NetworkPolicy allows them; the rest dies at the end of security.
    expect(l.filter((x) => x.includes(`=> ${BE}`))).toEqual([
      `${FE} => ${BE} : All Connections`,
      `${FE2} => ${BE} : All Connections`,
    ]);
    // With defaultAction Pass, what the tier did not act on goes on to the NetworkPolicy too.
    const passing = connlistOn(CALICO_PLUGIN, [
      ...pods,
      tier('security', { order: 100, defaultAction: 'Pass' }),
      security[1]!,
      netpol('default', 'allow-frontends', {
        podSelector: {},
        ingress: [{ from: [{ podSelector: { matchLabels: { role: 'other' } } }] }],
      }),
    ]);
    expect(passing.filter((x) => x.includes(`=> ${BE}`))).toEqual([`${OTHER} => ${BE} : All Connections`]);
  });

  it('Kubernetes NetworkPolicy sits in the default tier at order 1000: a Calico Deny at order 500 comes first, at 1500 after', () => {
    const objects = (order: number) => [
      ...pods,
      netpol('default', 'allow-all', { podSelector: {}, ingress: [{}] }),
      calicoNp('default', 'deny-other', {
        order,
        selector: "role == 'backend'",
        ingress: [{ action: 'Deny', source: { selector: "role == 'other'" } }],
      }),
    ];
    expect(connlistOn(CALICO_PLUGIN, objects(500)).some((x) => x.startsWith(`${OTHER} => ${BE}`))).toBe(
      false,
    );
    expect(connlistOn(CALICO_PLUGIN, objects(1500))).toContain(`${OTHER} => ${BE} : All Connections`);
  });

  it('Log decides nothing; an http match is undecidable', () => {
    const l = connlistOn(CALICO_PLUGIN, [
      ...pods,
      calicoNp('default', 'p', {
        selector: "role == 'backend'",
        ingress: [
          { action: 'Log' },
          {
            action: 'Allow',
            protocol: 'TCP',
            source: { selector: "role == 'other'" },
            http: { methods: ['GET'] },
          },
          { action: 'Allow', source: { selector: "role == 'frontend'" } },
        ],
      }),
    ]);
    expect(l.filter((x) => x.includes(`=> ${BE}`))).toEqual([
      `${FE} => ${BE} : All Connections`,
      `${OTHER} => ${BE} : undecidable: TCP 1-65535`,
    ]);
  });

  it('a crd.projectcalico.org/v1 manifest is the same policy, and on a Cilium cluster Calico policies are inert', () => {
    // As read from a file: `kind: NetworkPolicy` of Calico's CRD group is filed as CalicoNetworkPolicy.
    const objects = [
      ...pods,
      sanitizeObject({
        apiVersion: 'crd.projectcalico.org/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'default.deny', namespace: 'default' },
        spec: { selector: 'all()', types: ['Ingress'] },
      }),
    ];
    expect(objects.at(-1)?.kind).toBe('CalicoNetworkPolicy');
    expect(connlistOn(CALICO_PLUGIN, objects).filter((x) => x.includes('=> default/'))).toEqual([]);
    expect(connlistOn(CILIUM_PLUGIN, objects)).toContain(`${FE} => ${BE} : All Connections`);
  });

  it('a selector that does not parse is one error diagnostic with its position; the policy is skipped', () => {
    const r = computeReachability(
      inventoryOf([...pods, calicoNp('default', 'bad', { selector: "role == 'backend' &&", ingress: [] })]),
      { plugin: CALICO_PLUGIN },
    );
    expect(
      r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.where}: ${d.message}`),
    ).toEqual([
      "CalicoNetworkPolicy default/bad: invalid selector 'role == 'backend' &&': expected a label key at the end",
    ]);
    expect(r.policies).toEqual([]);
  });
});
