// Accumulates components and flows while the model is derived; ids are unique and the first definition wins.
import type { KubeObject } from '../collect/inventory.js';
import type { Evidence, Source } from '../types.js';
import type { AttributeEvidence, Component, Flow } from './types.js';

export type FlowInit = Omit<Flow, 'id'>;

export function flowId(f: Pick<Flow, 'from' | 'to' | 'protocol' | 'port' | 'socket' | 'purpose'>): string {
  const where = f.port !== undefined ? `/${f.port}` : f.socket !== undefined ? `@${f.socket}` : '';
  return `${f.from}->${f.to}:${f.protocol}${where}#${f.purpose}`;
}

export function ev(
  attribute: AttributeEvidence['attribute'],
  evidence: readonly Evidence[],
  note?: string,
): AttributeEvidence {
  return note === undefined ? { attribute, evidence } : { attribute, evidence, note };
}

/** Evidence naming an object read from the input, with its file and line. */
export function sourceEvidence(
  item: { readonly object: KubeObject; readonly source: Source },
  path?: string,
  value?: string,
): Evidence {
  return {
    ref: {
      kind: item.object.kind,
      ...(item.object.metadata.namespace === undefined ? {} : { namespace: item.object.metadata.namespace }),
      name: item.object.metadata.name,
    },
    ...(path === undefined ? {} : { path }),
    ...(value === undefined ? {} : { value }),
    source: item.source,
  };
}

export class ModelBuilder {
  readonly components = new Map<string, Component>();
  readonly flows = new Map<string, Flow>();
  readonly notes = new Set<string>();

  addComponent(c: Component): Component {
    const existing = this.components.get(c.id);
    if (existing !== undefined) return existing;
    this.components.set(c.id, c);
    return c;
  }

  has(id: string): boolean {
    return this.components.has(id);
  }

  addFlow(init: FlowInit): Flow | undefined {
    if (!this.components.has(init.from) || !this.components.has(init.to)) return undefined;
    const id = flowId(init);
    const existing = this.flows.get(id);
    if (existing !== undefined) return existing;
    const flow: Flow = { id, ...init };
    this.flows.set(id, flow);
    return flow;
  }

  /** Replaces a flow by a new value of the same id (the mesh pass sets mTLS attributes this way). */
  replaceFlow(flow: Flow): void {
    if (this.flows.has(flow.id)) this.flows.set(flow.id, flow);
  }

  note(s: string): void {
    this.notes.add(s);
  }
}
