// The value pool keeps one copy of equal parts of the objects read, and never changes a value.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValuePool } from '../../src/collect/value-pool.js';

type Obj = Record<string, unknown> & { metadata: Record<string, unknown>; spec: Record<string, unknown> };

function pod(name: string, node: string): Obj {
  return JSON.parse(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, uid: `uid-${name}`, namespace: 'shop', labels: { app: 'web' } },
      spec: {
        nodeName: node,
        containers: [{ name: 'app', image: 'web:1', env: [{ name: 'MODE', value: 'production' }] }],
        tolerations: [{ key: 'k', operator: 'Exists' }],
      },
    }),
  ) as Obj;
}

describe('ValuePool', () => {
  it('shares equal parts of objects read one after another, frozen; what differs stays each its own', () => {
    const pool = new ValuePool();
    const [a, b, c] = [pool.intern(pod('a', 'n1')), pool.intern(pod('b', 'n2')), pool.intern(pod('c', 'n1'))];
    // The first holds strings never seen before, so the second is the first pooled and the third shares it.
    expect(c.spec['containers']).toBe(b.spec['containers']);
    expect(c.spec['tolerations']).toBe(b.spec['tolerations']);
    expect(c.metadata['labels']).toBe(b.metadata['labels']);
    expect(a.spec['containers']).not.toBe(b.spec['containers']);
    expect(Object.isFrozen(b.spec['containers'])).toBe(true);
    expect(() => (b.spec['tolerations'] as unknown[]).push(1)).toThrow(TypeError);
    // The object, its metadata and its top-level fields are its own, whatever they hold.
    expect(c.spec).not.toBe(b.spec);
    expect(c.metadata).not.toBe(b.metadata);
    expect(Object.isFrozen(c.spec)).toBe(false);
    // Equal strings are one string (the namespace), names and uids are left as parsed.
    expect(c.metadata['namespace']).toBe('shop');
    expect(c.metadata['name']).toBe('c');
  });

  it('shares only values equal key by key in order, zero signs and long strings included', () => {
    const pool = new ValuePool();
    const long = 'x'.repeat(300);
    const make = (spec: unknown): Obj =>
      JSON.parse(JSON.stringify({ metadata: { name: 'n' }, spec: { v: spec } })) as Obj;
    const first = [make({ a: 1, b: 2 }), make({ a: 1, b: 2 })].map((o) => pool.intern(o));
    const swapped = pool.intern(make({ b: 2, a: 1 }));
    expect(first[1]!.spec['v']).not.toBe(swapped.spec['v']);
    expect(Object.keys(swapped.spec['v'] as object)).toEqual(['b', 'a']);
    const zeros = [
      JSON.parse('{"metadata":{},"spec":{"v":[0]}}'),
      JSON.parse('{"metadata":{},"spec":{"v":[-0]}}'),
    ];
    const [zero, minusZero] = zeros.map((o: Obj) => pool.intern(o));
    expect(Object.is((minusZero!.spec['v'] as number[])[0], -0)).toBe(true);
    expect(Object.is((zero!.spec['v'] as number[])[0], 0)).toBe(true);
    const longs = [1, 2, 3].map(() => pool.intern(make([long])));
    expect(longs[2]!.spec['v']).toBe(longs[1]!.spec['v']);
    const other = pool.intern(make(['y'.repeat(300)]));
    expect(other.spec['v']).not.toBe(longs[1]!.spec['v']);
  });

  it('leaves a __proto__ key an own property and never changes a prototype', () => {
    const pool = new ValuePool();
    const text = '{"metadata":{"name":"a"},"spec":{"inner":{"__proto__":{"polluted":true},"k":"v"}}}';
    const objects = [1, 2, 3].map(() => pool.intern(JSON.parse(text) as Obj));
    const inner = objects[2]!.spec['inner'] as Record<string, unknown>;
    expect(Object.hasOwn(inner, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(inner)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(inner).not.toBe(objects[1]!.spec['inner']);
  });

  it('changes no value: what it returns equals what it was given', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.constantFrom('metadata', 'spec', 'status', 'x'), json), { maxLength: 8 }),
        (objects) => {
          const pool = new ValuePool();
          // Parsed from text, as the reader's objects are; -0 is compared as JSON keeps it.
          const texts = objects.map((o) => JSON.stringify(o));
          const kept = texts.map((t) => pool.intern(JSON.parse(t) as object));
          expect(kept.map((k) => JSON.stringify(k))).toEqual(texts);
        },
      ),
      { numRuns: 200 },
    );
  });
});
