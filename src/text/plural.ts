// Counted nouns for messages: "1 path", "2 paths", "1 policy", "3 policies". The one helper every message uses.

/** Plurals English forms by rule do not give. */
const IRREGULAR: Readonly<Record<string, string>> = {
  child: 'children',
  person: 'people',
  datum: 'data',
  index: 'indexes',
};

/** The plural of an English noun: policies, addresses, passes, paths, keys. Only the last word changes. */
export function pluralOf(noun: string): string {
  const m = /^(.*?)([A-Za-z]+)$/.exec(noun);
  if (m === null) return noun;
  const [, head, word] = m as unknown as [string, string, string];
  const lower = word.toLowerCase();
  const irregular = IRREGULAR[lower];
  if (irregular !== undefined) return `${head}${word.slice(0, 1)}${irregular.slice(1)}`;
  if (/[^aeiou]y$/i.test(word)) return `${head}${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${head}${word}es`;
  return `${head}${word}s`;
}

/** `count noun`, the noun in its plural form unless count is 1 (`plural(2, 'policy')` → "2 policies"). */
export function plural(count: number, noun: string, pluralForm?: string): string {
  return `${count} ${count === 1 ? noun : (pluralForm ?? pluralOf(noun))}`;
}
