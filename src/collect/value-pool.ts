// One copy of every repeated value the reader keeps: strings and, bottom up, equal objects and arrays (pods share their template's parts).
/**
 * Strings longer than this are rarely repeated (certificates, scripts): they are not pooled, and a
 * value holding one is compared by content when its hash matches.
 */
const POOLED_STRING_MAX = 128;
/** Objects are a few dozen levels deep; the reader refuses anything deeper than 1000. */
const MAX_DEPTH = 1000;

const OBJECT_SEED = 0x2f6b3a91;
const ARRAY_SEED = 0x5c1d7e43;

/** One step of a 32-bit multiplicative hash (the constants of MurmurHash3's finaliser). */
function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x85ebca6b);
  return (h ^ (h >>> 13)) | 0;
}

function numberHash(n: number): number {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 31 ? n | 0 : mix(n | 0, Math.round((n % 1) * 2 ** 30));
}

/** The same string, number, boolean or null (zero's sign included: a JSON `-0` is kept as parsed), or the same object. */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b && (a !== 0 || 1 / (a as number) === 1 / (b as number));
}

/**
 * One copy of each repeated value across the objects read. JSON.parse makes a new string for every
 * value and a new object for every object, so 150,000 pods hold 150,000 copies of each namespace,
 * label set, owner reference, container env list, probe, toleration list and service-account token
 * volume. The pool walks each object once, children first: strings are looked up by content, and an
 * object or array whose (already pooled) children equal a pooled one's, key by key in order, is
 * replaced by that one. Pods of a ReplicaSet then share every part their template gave them, and
 * what differs per pod (name, uid, node, IP, a random volume name) stays their own.
 *
 * Shared values are frozen, so code that would change one pod's copy through another fails loudly
 * instead of changing both. Used on objects the reader has just built (nothing else holds them);
 * replacing a value with an equal one changes no value. The pool itself is dropped with the reader.
 */
export class ValuePool {
  private readonly strings = new Map<string, string>();
  private readonly values = new Map<number, object>();
  private readonly collisions = new Map<number, object[]>();
  /** The hash of the value the last `share` call returned. */
  private hash = 0;
  /**
   * The value the last `share` call returned holds a string the pool had never seen: no pooled value
   * can equal it, so it is not pooled and what holds it is not looked up (an object's uid, a pod's
   * IP, and what holds them). A later equal value is pooled, and the ones after it share it.
   */
  private fresh = false;

  /**
   * A Kubernetes object with its repeated parts replaced by the pooled copies. The object and its
   * top-level fields (metadata, spec, status) are its own, as are the name and uid in its metadata:
   * pooling what is never shared would only grow the pool that every lookup searches.
   */
  intern<T extends object>(object: T): T {
    const o = object as Record<string, unknown>;
    for (const k in o) {
      if (!Object.hasOwn(o, k) || k === '__proto__') continue;
      const x = o[k];
      if (typeof x === 'string') o[k] = this.string(x);
      else if (typeof x === 'object' && x !== null) {
        const metadata = k === 'metadata';
        this.children(x, 1, metadata);
        this.settle(x, metadata);
      }
    }
    return object;
  }

  /** The pooled copy of one string; sets `fresh` when the pool had not seen it. */
  private string(s: string): string {
    if (s.length > POOLED_STRING_MAX) return s;
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    this.fresh = true;
    return s;
  }

  /**
   * The pooled copy of any value; sets `hash`, and `fresh` for an object or array that cannot be
   * pooled. Strings are only hashed here: a value found in the pool brings its own, and only the
   * strings of a value that is kept (`settle`) are looked up, so the strings of every pod's copy of
   * its template are never searched for.
   */
  private share(x: unknown, depth: number): unknown {
    switch (typeof x) {
      case 'string':
        this.hash = stringHash(x);
        return x;
      case 'number':
        this.hash = numberHash(x);
        return x;
      case 'boolean':
        this.hash = x ? 1 : 2;
        return x;
      case 'object': {
        if (x === null) {
          this.hash = 3;
          return x;
        }
        const h = this.children(x, depth + 1, false);
        let fresh = this.fresh;
        if (!fresh) {
          const first = this.values.get(h);
          if (first !== undefined && sameChildren(first, x)) return this.found(first, h);
          for (const other of this.collisions.get(h) ?? [])
            if (sameChildren(other, x)) return this.found(other, h);
        }
        fresh = this.settle(x, false) || fresh;
        if (!fresh) {
          const first = this.values.get(h);
          if (first === undefined) this.values.set(h, x);
          else {
            // Another value with the same hash: the rare collisions are kept in a list of their own.
            const more = this.collisions.get(h);
            if (more === undefined) this.collisions.set(h, [x]);
            else more.push(x);
          }
        }
        this.hash = h;
        this.fresh = fresh;
        return x;
      }
      default:
        this.hash = 4;
        return x;
    }
  }

  /** A pooled value equal to the one being read: shared, and frozen so that no holder can change it for the others. */
  private found(v: object, h: number): object {
    if (!Object.isFrozen(v)) Object.freeze(v);
    this.hash = h;
    this.fresh = false;
    return v;
  }

  /**
   * Pools the objects and arrays an object or array holds, in place, and returns its hash; sets
   * `fresh` when one of them could not be pooled, or when it is too deep or has a `__proto__` key.
   * In an object's metadata (`metadata`), the name and uid are left out.
   */
  private children(v: object, depth: number, metadata: boolean): number {
    if (depth > MAX_DEPTH) {
      this.fresh = true;
      return 0;
    }
    let fresh = false;
    let h: number;
    if (Array.isArray(v)) {
      h = ARRAY_SEED;
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        this.fresh = false;
        const c = this.share(x, depth);
        if (c !== x) v[i] = c;
        h = mix(h, this.hash);
        fresh ||= this.fresh;
      }
    } else {
      const o = v as Record<string, unknown>;
      h = OBJECT_SEED;
      for (const k in o) {
        if (!Object.hasOwn(o, k) || (metadata && (k === 'name' || k === 'uid'))) continue;
        const x = o[k];
        this.fresh = false;
        const c = this.share(x, depth);
        // A `__proto__` key (hostile input) stays an own property, as JSON.parse made it: assigning would set the prototype.
        if (k === '__proto__') fresh = true;
        else if (c !== x) o[k] = c;
        // Keys are hashed by length and first character only: a collision costs one comparison, which checks keys exactly.
        h = mix(mix(h, k.length | (k.charCodeAt(0) << 16)), this.hash);
        fresh ||= this.fresh;
      }
    }
    this.fresh = fresh;
    return h;
  }

  /** Replaces the strings an object or array holds with their pooled copies; true when one was new to the pool. */
  private settle(v: object, metadata: boolean): boolean {
    this.fresh = false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === 'string') {
          const c = this.string(x);
          if (c !== x) v[i] = c;
        }
      }
    } else {
      const o = v as Record<string, unknown>;
      for (const k in o) {
        if (!Object.hasOwn(o, k) || k === '__proto__' || (metadata && (k === 'name' || k === 'uid')))
          continue;
        const x = o[k];
        if (typeof x === 'string') {
          const c = this.string(x);
          if (c !== x) o[k] = c;
        }
      }
    }
    return this.fresh;
  }
}

/**
 * FNV-1a over the length and the first POOLED_STRING_MAX UTF-16 code units: strings are hashed
 * without looking them up (two long strings alike at the start only collide, and are compared).
 */
function stringHash(s: string): number {
  let h = Math.imul(0x811c9dc5 ^ s.length, 0x01000193);
  const n = Math.min(s.length, POOLED_STRING_MAX);
  for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Two objects (or two arrays) with the same keys in the same order and identical values (children are pooled first). */
function sameChildren(a: object, b: object): boolean {
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || !sameValue(ra[k], rb[k])) return false;
  }
  return true;
}
