// Opens one input (a file or stdin) as a stream of UTF-8 text chunks, after sniffing it: empty, binary, JSON or YAML.
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export type Sniffed =
  | { readonly kind: 'empty' }
  | { readonly kind: 'binary'; readonly reason: string }
  | { readonly kind: 'text'; readonly format: 'json' | 'yaml'; readonly chunks: AsyncIterable<string> };

/** How many leading bytes decide whether a file is text (git uses the first 8000 bytes the same way). */
const SNIFF_BYTES = 8000;
const READ_CHUNK = 1 << 20;

/** Reads a file in 1 MiB chunks: the whole file is never one string. */
export function fileChunks(file: string): AsyncIterable<Buffer> {
  return createReadStream(file, { highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>;
}

/** Stdin (or any stream) as byte chunks; strings are encoded back to UTF-8 bytes. */
export async function* streamChunks(stream: NodeJS.ReadableStream): AsyncIterable<Buffer> {
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  }
}

/**
 * Looks at the first bytes: no bytes at all (or only whitespace) is empty; mostly NUL and control
 * bytes, or mostly undecodable bytes, is binary; text whose first non-blank character is `{` or `[` is JSON, anything
 * else is YAML. A UTF-8 byte-order mark is dropped.
 */
export async function sniff(bytes: AsyncIterable<Buffer>): Promise<Sniffed> {
  const it = bytes[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  let done = false;
  while (headLength < SNIFF_BYTES) {
    const r = await it.next();
    if (r.done === true) {
      done = true;
      break;
    }
    head.push(r.value);
    headLength += r.value.length;
  }
  const first = Buffer.concat(head);
  if (first.length === 0) return { kind: 'empty' };
  const probe = first.subarray(0, SNIFF_BYTES);
  // A stray NUL byte skips the document or List item holding it (yaml-stream.ts, json-stream.ts),
  // not the whole file: only input that is mostly NUL and control bytes is binary.
  let controls = 0;
  for (const b of probe)
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c)) controls++;
  if (controls * 10 > probe.length)
    return { kind: 'binary', reason: 'binary content (NUL and control bytes)' };
  const decodedProbe = new StringDecoder('utf8').write(probe);
  let bad = 0;
  for (let i = 0; i < decodedProbe.length; i++) if (decodedProbe.charCodeAt(i) === 0xfffd) bad++;
  if (bad > 0 && bad * 20 > decodedProbe.length)
    return { kind: 'binary', reason: 'binary content (not UTF-8 text)' };
  const firstText = decodedProbe.replace(/^\uFEFF/, '');
  const lead = /\S/.exec(firstText);
  if (lead === null && done) return { kind: 'empty' };
  const format = lead !== null && (lead[0] === '{' || lead[0] === '[') ? 'json' : 'yaml';
  async function* text(): AsyncIterable<string> {
    const decoder = new StringDecoder('utf8');
    let s = decoder.write(first);
    if (s.startsWith('\uFEFF')) s = s.slice(1);
    if (s.length > 0) yield s;
    if (!done) {
      for (;;) {
        const r = await it.next();
        if (r.done === true) break;
        const t = decoder.write(r.value);
        if (t.length > 0) yield t;
      }
    }
    const rest = decoder.end();
    if (rest.length > 0) yield rest;
  }
  return { kind: 'text', format, chunks: text() };
}

/**
 * The longest line read (in UTF-16 code units). Kubernetes caps an object's annotations at 256 KiB and
 * a ConfigMap at 1 MiB, so a longer line is not a manifest; without a cap, input with no newline
 * (a stream of one character) would grow one string until the heap runs out.
 */
export const MAX_LINE = 64 * 1024 * 1024;

/** A line longer than MAX_LINE: the rest of the input is not read. */
export class LineTooLong extends Error {
  constructor(readonly line: number) {
    super(`a line longer than ${MAX_LINE / 1024 / 1024} MiB is not a manifest`);
  }
}

/** Complete lines (without their line terminator), one at a time, from text chunks. */
export async function* lines(chunks: AsyncIterable<string>): AsyncIterable<string> {
  let carry = '';
  let count = 0;
  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      let line = carry + chunk.slice(start, nl);
      carry = '';
      if (line.endsWith('\r')) line = line.slice(0, -1);
      count++;
      yield line;
      start = nl + 1;
    }
    carry += chunk.slice(start);
    if (carry.length > MAX_LINE) throw new LineTooLong(count + 1);
  }
  if (carry.length > 0) yield carry.endsWith('\r') ? carry.slice(0, -1) : carry;
}
