// Escaping for every output format: cluster-supplied strings are hostile (markup, newlines, terminal escapes).

/** Terminal: control characters (ESC, CR, BEL, C1 controls, newlines) shown as \xNN; very long strings cut. */
export function escapeTerminal(s: string, max = 200): string {
  const clean = s.replace(
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must be neutralised
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * Markdown inline text: control characters folded (so no line break can start a heading or a list), inline
 * markup (emphasis, code, links, images, HTML, tables) escaped, and a leading block marker (#, -, +, >, 1.) escaped.
 */
export function escapeMarkdown(s: string): string {
  return escapeTerminal(s, 10_000)
    .replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`)
    .replace(
      /^(\s*)(#{1,6}(?=\s|$)|[-+=](?=\s|$)|>|\d+[.)](?=\s|$))/,
      (_m, space: string, marker: string) => `${space}\\${marker}`,
    );
}

/** HTML text and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A DOT double-quoted string (also safe inside HTML-like labels' text). */
export function escapeDot(s: string): string {
  return escapeTerminal(s, 10_000)
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/[<>{}|]/g, (c) => `\\${c}`);
}
