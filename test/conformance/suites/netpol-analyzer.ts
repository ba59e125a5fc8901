// STUB (owned by the netpol-analyzer conformance owner): run ktm on ../shared/corpora/netpol-analyzer and compare with the expected answers.
import type { Suite } from '../suite.js';

export const netpolAnalyzerSuite: Suite = {
  name: 'netpol-analyzer',
  corpus: 'netpol-analyzer',
  run() {
    return Promise.resolve({ suite: 'netpol-analyzer', groups: [], bar: 1 });
  },
};
