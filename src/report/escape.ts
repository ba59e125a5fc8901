// The escaping helpers moved below the pipeline (src/text/escape.ts): every stage may escape, reporters included.
export * from '../text/escape.js';
