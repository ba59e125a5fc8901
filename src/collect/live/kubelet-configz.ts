// --kubelet-config: each node's effective kubelet configuration via the API server's node proxy (/configz).
import type { FactCoverage } from '../coverage.js';
import type { InventoryItem } from '../inventory.js';
import type { InputBudget } from '../limits.js';
import { NetworkError, TimedOutError, statusMessage, type ApiClient } from './api-client.js';
import { mapBounded } from './bounded-concurrency.js';
import { isRecord, parseJson } from './list-resource.js';

/** The kind ktm gives a node's configz answer in the inventory and in kubelet-configz.json. */
export const KUBELET_CONFIGZ_KIND = 'KubeletConfigz';
export const KUBELET_CONFIGZ_API_VERSION = 'ktm.dev/v1alpha1';

/** Nodes read at once: each request goes API server → kubelet, so a large cluster is not hit all at once. */
const NODE_CONCURRENCY = 8;

export interface ConfigzResult {
  readonly items: readonly InventoryItem[];
  readonly facts: readonly FactCoverage[];
}

/**
 * GET /api/v1/nodes/NAME/proxy/configz for each node. Needs `get` on `nodes/proxy`, which also
 * lets its holder run commands in every pod through the kubelet API
 * (https://kubernetes.io/docs/concepts/security/rbac-good-practices/#nodes-proxy): off by default.
 * Each answer counts against the run's input limits as a list response does. Two attempts only: an unreachable kubelet answers 503 every time, and there may be 5,000 nodes.
 */
export async function readKubeletConfigz(
  client: ApiClient,
  nodes: readonly string[],
  onRead: () => void,
  budget: InputBudget,
): Promise<ConfigzResult> {
  const results = await mapBounded(nodes, NODE_CONCURRENCY, async (node) => {
    const path = `/api/v1/nodes/${encodeURIComponent(node)}/proxy/configz`;
    try {
      const res = await client.get(path, { attempts: 2 });
      // Counted like every list response: --max-file-bytes for this one, --max-input-bytes for the run.
      budget.response(res.bytes, `${client.server}${path}`);
      if (res.status === 403) return { fact: fact(node, 'forbidden', statusMessage(res)) };
      if (res.status !== 200)
        return { fact: fact(node, 'failed', `HTTP ${res.status}: ${statusMessage(res)}`) };
      const body = parseJson(res.body);
      if (!isRecord(body) || !isRecord(body['kubeletconfig']))
        return { fact: fact(node, 'failed', 'the answer holds no kubeletconfig') };
      budget.object(() => `${client.server}${path}`);
      onRead();
      const item: InventoryItem = {
        object: {
          apiVersion: KUBELET_CONFIGZ_API_VERSION,
          kind: KUBELET_CONFIGZ_KIND,
          metadata: { name: node },
          kubeletconfig: body['kubeletconfig'],
        },
        source: { file: `${client.server}${path}` },
      };
      return { item, fact: fact(node, 'read') };
    } catch (err) {
      if (err instanceof TimedOutError) return { fact: fact(node, 'failed', 'timed out') };
      if (err instanceof NetworkError) return { fact: fact(node, 'failed', `network error: ${err.message}`) };
      throw err;
    }
  });
  return {
    items: results.flatMap((r) => ('item' in r ? [r.item] : [])),
    facts: results.map((r) => r.fact),
  };
}

function fact(node: string, state: FactCoverage['state'], reason?: string): FactCoverage {
  return { fact: 'kubelet-config', subject: node, state, ...(reason === undefined ? {} : { reason }) };
}
