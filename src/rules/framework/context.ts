// RuleContext: what a rule's check() sees — the inventory, shared lazily computed analyses, and report().
import type { Inventory, Provider } from '../../collect/inventory.js';
import type { ComponentName, ComponentSettings } from '../../collect/settings/types.js';
import { refToString, type Evidence, type Ref } from '../../types.js';
import type { Finding } from '../finding.js';
import type { Analyses } from '../../analysis/analyses.js';
import { redactEvidence } from './credentials.js';
import {
  formatMessage,
  ruleSeverity,
  RuleBugError,
  type MessageTemplates,
  type ReportDescriptor,
  type RuleMeta,
  type Zone,
} from './define-rule.js';

/** What every rule of one run shares: the run's analyses and the component views built from the inventory. */
export class RuleRunShared {
  private readonly views = new Map<ComponentName, ComponentView>();
  constructor(readonly analyses: Analyses) {}

  get inventory(): Inventory {
    return this.analyses.inventory;
  }

  componentView(name: ComponentName): ComponentView {
    let v = this.views.get(name);
    if (v === undefined) {
      v = componentView(this.inventory, name);
      this.views.set(name, v);
    }
    return v;
  }
}

/** A rule's view of one component: the instances whose settings are visible, the managed ones, or what is missing. */
export interface ComponentView {
  readonly component: ComponentName;
  /** Instances with visible settings, sorted by node then ref. */
  readonly visible: readonly ComponentSettings[];
  /** Instances a provider runs (settings not visible). */
  readonly managed: readonly ComponentSettings[];
  /** The managed control plane's provider, when known. */
  readonly provider?: Provider;
  /** Nodes (Node objects in the inventory) without kubelet / kube-proxy settings: per-node components only. */
  readonly nodesWithout: readonly Ref[];
}

/** How to collect each component's settings, for unverifiable results. */
export function howToCollect(component: ComponentName): string {
  switch (component) {
    case 'kubelet':
      return 'kubelet configuration not collected: rerun with --node-files or --kubelet-config';
    case 'kube-proxy':
      return 'kube-proxy settings not collected: rerun against a live cluster (reads the kube-proxy DaemonSet and ConfigMap) or include them in the manifests';
    default:
      return `${component} settings not collected: rerun against a live cluster (reads the kube-system mirror pods) or with --node-files for a control-plane node (/etc/kubernetes/manifests)`;
  }
}

export interface RuleContext<M extends MessageTemplates = MessageTemplates, V extends string = string> {
  readonly meta: RuleMeta<M, V>;
  readonly inventory: Inventory;
  /** Kubernetes minor version (30 for 1.30) from the server version, when known. */
  readonly minorVersion: number | undefined;
  /** Reports a fail (default) or unverifiable result about one subject. */
  report<Id extends keyof M & string>(descriptor: ReportDescriptor<M, Id, V>): void;
  /** Reports an unverifiable result with a generic message naming what is missing. */
  unverifiable(d: {
    readonly subject: Ref;
    readonly missing: string;
    readonly variant?: V;
    readonly evidence?: readonly Evidence[];
    readonly zone?: Zone;
  }): void;
  /** Marks a subject as examined (so pass counts are right when it yields no finding). */
  examined(subject: Ref): void;
  /** The run's analyses (model, reachability, network plugin, privilege graph, placement, cascade), each computed once. */
  readonly analyses: Analyses;
  /** The instances of one component. */
  component(name: ComponentName): ComponentView;
  /**
   * Calls `check` for every visible instance of a component, and reports unverifiable for the rest:
   * none collected (how to collect them), managed (the provider setting to check), nodes without kubelet settings.
   */
  eachInstance(
    name: ComponentName,
    options: {
      /** The setting the check reads first: a managed instance's result names the provider setting for it. */
      readonly setting: string;
      readonly variant?: V;
    },
    check: (settings: ComponentSettings) => void,
  ): void;
}

/** Receives a rule's results; the runner owns it. */
export interface ResultSink {
  add(finding: Finding): void;
  examine(ruleId: string, subject: Ref): void;
}

/** Subject of a component-level result when no instance was collected (no object to point at). */
export function componentRef(name: ComponentName): Ref {
  return { kind: 'Component', name };
}

function parseMinor(inv: Inventory): number | undefined {
  const minor = inv.cluster.serverVersion?.minor;
  if (minor === undefined) return undefined;
  const n = Number.parseInt(minor, 10);
  return Number.isFinite(n) ? n : undefined;
}

function componentView(inv: Inventory, name: ComponentName): ComponentView {
  const all = [...inv.settingsOf(name)].sort(
    (a, b) =>
      (a.node ?? '').localeCompare(b.node ?? '') || refToString(a.ref).localeCompare(refToString(b.ref)),
  );
  const perNode = name === 'kubelet' || name === 'kube-proxy';
  const withSettings = new Set(all.map((s) => s.node).filter((n) => n !== undefined));
  const nodesWithout = perNode
    ? inv
        .ofKind('Node')
        .map((n) => n.object.metadata.name)
        .filter((n) => !withSettings.has(n))
        .sort()
        .map((n): Ref => ({ kind: 'Node', name: n }))
    : [];
  const provider = inv.cluster.provider;
  return {
    component: name,
    visible: all.filter((s) => s.visibility === 'visible'),
    managed: all.filter((s) => s.visibility === 'managed'),
    ...(provider === undefined ? {} : { provider }),
    nodesWithout,
  };
}

/** Builds the context one rule sees. `shared` is shared by every rule of the run. */
export function createRuleContext<M extends MessageTemplates, V extends string>(
  meta: RuleMeta<M, V>,
  shared: RuleRunShared,
  sink: ResultSink,
): RuleContext<M, V> {
  const inv = shared.inventory;
  const messages: Readonly<Record<string, string>> = meta.messages;

  const add = (d: {
    readonly template: string;
    readonly data: Readonly<Record<string, string | number | boolean>> | undefined;
    readonly subject: Ref;
    readonly evidence: readonly Evidence[] | undefined;
    readonly variant: string | undefined;
    readonly zone: Zone | undefined;
    readonly status: 'fail' | 'unverifiable';
    readonly missing: string | undefined;
  }): void => {
    if (d.variant !== undefined && meta.variants?.[d.variant as V] === undefined)
      throw new RuleBugError(`rule ${meta.id} reported unknown variant '${d.variant}'`);
    const subjectKey = refToString(d.subject);
    sink.add({
      id: `${meta.id}@${subjectKey}${d.variant === undefined ? '' : `#${d.variant}`}`,
      rule: meta.id,
      ...(d.variant === undefined ? {} : { variant: d.variant }),
      status: d.status,
      severity: ruleSeverity(meta, d.variant),
      zone: d.zone ?? meta.zone,
      subject: d.subject,
      message: formatMessage(d.template, d.data),
      evidence: (d.evidence ?? []).map(redactEvidence),
      remediation: meta.remediation,
      references: meta.references,
      ...(d.missing === undefined ? {} : { missing: d.missing }),
    });
  };

  const ctx: RuleContext<M, V> = {
    meta,
    inventory: inv,
    minorVersion: parseMinor(inv),
    report(descriptor) {
      const template = Object.hasOwn(messages, descriptor.messageId)
        ? messages[descriptor.messageId]
        : undefined;
      if (template === undefined)
        throw new RuleBugError(`rule ${meta.id} reported unknown message id '${descriptor.messageId}'`);
      add({
        template,
        data: descriptor.data,
        subject: descriptor.subject,
        evidence: descriptor.evidence,
        variant: descriptor.variant,
        zone: descriptor.zone,
        status: descriptor.status ?? 'fail',
        missing: descriptor.status === 'unverifiable' ? descriptor.missing : undefined,
      });
    },
    unverifiable(d) {
      add({
        template: `cannot be decided: {{missing}}`,
        data: { missing: d.missing },
        subject: d.subject,
        evidence: d.evidence,
        variant: d.variant,
        zone: d.zone,
        status: 'unverifiable',
        missing: d.missing,
      });
    },
    examined(subject) {
      sink.examine(meta.id, subject);
    },
    analyses: shared.analyses,
    component(name) {
      return shared.componentView(name);
    },
    eachInstance(name, options, check) {
      const view = ctx.component(name);
      const v = options.variant === undefined ? {} : { variant: options.variant };
      for (const s of view.managed) {
        const hint = s.get(options.setting).evidence.value;
        const provider = view.provider ?? (s.ref.kind === 'ManagedControlPlane' ? s.ref.name : undefined);
        ctx.unverifiable({
          subject: s.ref,
          missing: `${name} is run by the provider${provider === undefined ? '' : ` (${provider})`} and --${options.setting} is not visible: check ${hint ?? "the provider's control-plane settings"}`,
          ...v,
        });
      }
      for (const node of view.nodesWithout)
        ctx.unverifiable({ subject: node, missing: howToCollect(name), ...v });
      if (view.visible.length === 0 && view.managed.length === 0 && view.nodesWithout.length === 0)
        ctx.unverifiable({ subject: componentRef(name), missing: howToCollect(name), ...v });
      for (const s of view.visible) {
        ctx.examined(s.ref);
        check(s);
      }
    },
  };
  return ctx;
}
