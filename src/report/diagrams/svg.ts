// SVG from DOT, rendered offline by Graphviz compiled to WebAssembly (no system binary).
import { Graphviz } from '@hpcc-js/wasm-graphviz';

let loading: Promise<Graphviz> | undefined;

/** Renders DOT text to an SVG document. The WebAssembly module is loaded once per process. */
export async function dotToSvg(dot: string): Promise<string> {
  loading ??= Graphviz.load();
  const graphviz = await loading;
  return graphviz.layout(dot, 'svg', 'dot');
}

/** A synchronous DOT → SVG function for reporters (they take it in their options). */
export async function loadSvgLayout(): Promise<(dot: string) => string> {
  loading ??= Graphviz.load();
  const graphviz = await loading;
  return (dot) => graphviz.layout(dot, 'svg', 'dot');
}
