// STUB (owned by the regolibrary conformance owner): run ktm on ../shared/corpora/regolibrary and compare with the expected answers.
import type { Suite } from '../suite.js';

export const regolibrarySuite: Suite = {
  name: 'regolibrary',
  corpus: 'regolibrary',
  run() {
    return Promise.resolve({ suite: 'regolibrary', groups: [], bar: 1 });
  },
};
