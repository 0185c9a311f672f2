// The machine's objects as data: an object graph (the kernel, its processes,
// files, pipes, terminals, file systems…) written as a JSON-able document plus
// binary blobs, and read back into new objects of the same classes. Shared
// and cyclic references keep their identity (an fd table shared by threads,
// a description shared by two processes, a pipe with two ends). Classes are
// known by name (a registry of codecs); a codec names the fields that are not
// state (caches, watchers of a live wait) and rebuilds them after reading.
// Things of the platform (the host, the core's wasm instance) are externals:
// written by name and supplied anew by the machine that reads the snapshot.
// Anything else (a closure, a promise, a class no codec knows) is refused
// with the path that leads to it, so nothing is silently lost.

type Ctor = { readonly prototype: object; readonly name: string }; // a class (its constructor may be private)

export interface ClassCodec<T extends object = object> {
  readonly name: string; // stable across versions of xos: the snapshot's word for the class
  readonly ctor: Ctor;
  // Fields that are not state: left out, and rebuilt by `restore`.
  readonly skip?: readonly string[];
  // Written in place of the object (a value that is not state: a live timer's entry → undefined).
  replace?(o: T): unknown;
  // After the whole graph has been read: rebuild what was skipped, re-arm what was live.
  restore?(o: T, ctx: RestoreContext): void;
}

export interface RestoreContext {
  external<T>(name: string): T;
}

export class SnapshotError extends Error {}

// A value of the encoded form.
type Doc = null | boolean | number | string | Doc[] | { [k: string]: Doc };

const TYPED: Record<string, new (b: ArrayBuffer) => ArrayBufferView> = {
  Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array,
  BigUint64Array, BigInt64Array, Uint8ClampedArray,
};

export class Registry {
  private readonly byCtor = new Map<Ctor, ClassCodec>();
  private readonly byName = new Map<string, ClassCodec>();

  add<T extends object>(c: ClassCodec<T>): this {
    if (this.byName.has(c.name)) throw new Error(`snapshot codec ${c.name} registered twice`);
    this.byCtor.set(c.ctor, c as ClassCodec);
    this.byName.set(c.name, c as ClassCodec);
    return this;
  }
  // Every class a module exports, named `prefix.ExportName`.
  addModule(prefix: string, ns: Record<string, unknown>): this {
    for (const [k, v] of Object.entries(ns)) {
      if (typeof v !== 'function' || !/^class[\s{]/.test(Function.prototype.toString.call(v))) continue;
      if (!this.byCtor.has(v as Ctor)) this.add({ name: `${prefix}.${k}`, ctor: v as Ctor });
    }
    return this;
  }
  // What to skip and rebuild for a class already added.
  refine<T extends object>(ctor: Ctor, how: Pick<ClassCodec<T>, 'skip' | 'restore' | 'replace'>): this {
    const c = this.byCtor.get(ctor);
    if (!c) throw new Error(`snapshot codec: ${ctor.name} is not registered`);
    const refined = { ...c, ...how } as ClassCodec;
    this.byCtor.set(ctor, refined);
    this.byName.set(c.name, refined);
    return this;
  }
  ofCtor(c: Ctor): ClassCodec | undefined { return this.byCtor.get(c); }
  ofName(n: string): ClassCodec | undefined { return this.byName.get(n); }
}

export interface Encoded { doc: Doc; blobs: Uint8Array[] }

// A twin's wiring (kept from the reader's object): a function, or a plain object of functions.
function isWiring(x: unknown): boolean {
  if (typeof x === 'function') return true;
  if (x === null || typeof x !== 'object' || Object.getPrototypeOf(x) !== Object.prototype) return false;
  const v = Object.values(x);
  return v.length > 0 && v.every((f) => typeof f === 'function');
}

// Write the graph under `root`. `externals` maps platform objects (and functions) to their names.
// A twin (in `twins`) is an external whose state is written too: the reader's own object of that
// name gets the fields (its functions and the fields its class skips stay the reader's).
export function encodeGraph(root: unknown, registry: Registry, externals: Map<unknown, string>, twins: ReadonlySet<object> = new Set()): Encoded {
  const ids = new Map<object, number>();
  const blobs: Uint8Array[] = [];
  const path: string[] = [];
  const fail = (why: string): never => { throw new SnapshotError(`cannot save ${path.join('') || '(root)'}: ${why}`); };

  const enc = (v: unknown): Doc => {
    switch (typeof v) {
      case 'undefined': return { $u: 1 };
      case 'boolean': case 'string': return v;
      case 'number':
        if (Number.isFinite(v) && !Object.is(v, -0)) return v;
        return { $n: Object.is(v, -0) ? '-0' : String(v) };
      case 'bigint': return { $b: v.toString() };
      case 'symbol': return fail('a symbol');
    }
    if (v === null) return null;
    const ext = externals.get(v);
    if (ext !== undefined && !twins.has(v as object)) return { $e: ext };
    if (typeof v === 'function') return fail(`a function (${(v as { name?: string }).name || 'anonymous'})`);
    const o = v as object;
    const seen = ids.get(o);
    if (seen !== undefined) return { $r: seen };
    const id = ids.size;
    ids.set(o, id);
    if (ext !== undefined) {
      const skip = registry.ofCtor(Object.getPrototypeOf(o).constructor)?.skip;
      const f: Record<string, Doc> = {};
      for (const [k, x] of Object.entries(o)) {
        if (typeof x === 'function' || isWiring(x) || skip?.includes(k)) continue;
        path.push(`.${k}`);
        f[k] = enc(x);
        path.pop();
      }
      return { $id: id, $w: ext, $f: f };
    }
    if (Array.isArray(o)) {
      const a: Doc[] = [];
      // every index, holes too (as undefined): a sparse array (an fd table with fd 10 after 0-2) keeps its indices
      for (let i = 0; i < o.length; i++) { path.push(`[${i}]`); a.push(enc(o[i])); path.pop(); }
      return { $id: id, $a: a };
    }
    if (o instanceof Map) {
      const m: Doc[] = [];
      let i = 0;
      for (const [k, x] of o) {
        path.push(`<key ${i}>`); const ek = enc(k); path.pop();
        path.push(`.get(${typeof k === 'string' || typeof k === 'number' ? JSON.stringify(k) : `#${i}`})`);
        m.push([ek, enc(x)]);
        path.pop();
        i++;
      }
      return { $id: id, $m: m };
    }
    if (o instanceof Set) {
      const a: Doc[] = [];
      let i = 0;
      for (const x of o) { path.push(`<item ${i++}>`); a.push(enc(x)); path.pop(); }
      return { $id: id, $s: a };
    }
    if (ArrayBuffer.isView(o)) {
      const name = o.constructor.name;
      if (o instanceof DataView) {
        blobs.push(new Uint8Array(o.buffer, o.byteOffset, o.byteLength).slice());
        return { $id: id, $t: 'DataView', $x: blobs.length - 1 };
      }
      if (!TYPED[name]) return fail(`a ${name}`);
      blobs.push(new Uint8Array(o.buffer, o.byteOffset, o.byteLength).slice());
      return { $id: id, $t: name, $x: blobs.length - 1 };
    }
    if (o instanceof ArrayBuffer) {
      blobs.push(new Uint8Array(o).slice());
      return { $id: id, $t: 'ArrayBuffer', $x: blobs.length - 1 };
    }
    const proto = Object.getPrototypeOf(o);
    if (proto === Object.prototype || proto === null) {
      const f: Record<string, Doc> = {};
      for (const [k, x] of Object.entries(o)) { path.push(`.${k}`); f[k] = enc(x); path.pop(); }
      return { $id: id, $o: f };
    }
    const codec = registry.ofCtor(proto.constructor);
    if (!codec) return fail(`an object of class ${proto.constructor?.name ?? '?'} that no snapshot codec knows`);
    if (codec.replace) { ids.delete(o); return enc(codec.replace(o)); }
    const skip = codec.skip;
    const f: Record<string, Doc> = {};
    for (const [k, x] of Object.entries(o)) {
      if (skip?.includes(k)) continue;
      path.push(`.${k}`);
      f[k] = enc(x);
      path.pop();
    }
    return { $id: id, $c: codec.name, $f: f };
  };
  const doc = enc(root);
  return { doc, blobs };
}

// Read a graph written by encodeGraph. `externals` gives the objects for the names it used.
export function decodeGraph(e: Encoded, registry: Registry, externals: Map<string, unknown>): unknown {
  const objs: unknown[] = [];
  const restores: [ClassCodec, object][] = [];
  const bad = (why: string): never => { throw new SnapshotError(`corrupt snapshot: ${why}`); };
  const blob = (x: Doc): Uint8Array => {
    if (typeof x !== 'number' || !(x >= 0 && x < e.blobs.length)) return bad(`no blob ${String(x)}`);
    return e.blobs[x];
  };
  const dec = (d: Doc): unknown => {
    if (d === null || typeof d === 'boolean' || typeof d === 'string' || typeof d === 'number') return d;
    if (Array.isArray(d)) return bad('a bare array');
    if ('$u' in d) return undefined;
    if ('$n' in d) return d.$n === '-0' ? -0 : Number(d.$n);
    if ('$b' in d) return BigInt(d.$b as string);
    if ('$r' in d) {
      const id = d.$r as number;
      return id >= 0 && id < objs.length ? objs[id] : bad(`a reference to ${id} before it`);
    }
    if ('$e' in d) {
      const name = d.$e as string;
      if (!externals.has(name)) return bad(`the external ${name} is not provided`);
      return externals.get(name);
    }
    const id = d.$id as number;
    if (id !== objs.length) return bad(`object ${id} out of order`);
    if ('$w' in d) {
      const name = d.$w as string;
      if (!externals.has(name)) return bad(`the external ${name} is not provided`);
      const o = externals.get(name) as Record<string, unknown>;
      objs.push(o);
      for (const [k, x] of Object.entries(d.$f as Record<string, Doc>)) o[k] = dec(x);
      const codec = registry.ofCtor(Object.getPrototypeOf(o).constructor);
      if (codec?.restore) restores.push([codec, o]);
      return o;
    }
    if ('$a' in d) {
      const a: unknown[] = [];
      objs.push(a);
      for (const x of d.$a as Doc[]) a.push(dec(x));
      return a;
    }
    if ('$m' in d) {
      const m = new Map();
      objs.push(m);
      for (const kv of d.$m as Doc[][]) m.set(dec(kv[0]), dec(kv[1]));
      return m;
    }
    if ('$s' in d) {
      const s = new Set();
      objs.push(s);
      for (const x of d.$s as Doc[]) s.add(dec(x));
      return s;
    }
    if ('$t' in d) {
      const bytes = blob(d.$x);
      const buf = bytes.slice().buffer;
      const t = d.$t as string;
      const v = t === 'ArrayBuffer' ? buf : t === 'DataView' ? new DataView(buf) : TYPED[t] ? new TYPED[t](buf) : bad(`array type ${t}`);
      objs.push(v);
      return v;
    }
    if ('$o' in d) {
      const o: Record<string, unknown> = {};
      objs.push(o);
      for (const [k, x] of Object.entries(d.$o as Record<string, Doc>)) o[k] = dec(x);
      return o;
    }
    if ('$c' in d) {
      const codec = registry.ofName(d.$c as string) ?? bad(`unknown class ${String(d.$c)}`);
      const o = Object.create(codec.ctor.prototype) as Record<string, unknown>;
      objs.push(o);
      for (const [k, x] of Object.entries(d.$f as Record<string, Doc>)) o[k] = dec(x);
      if (codec.restore) restores.push([codec, o]);
      return o;
    }
    return bad('an unknown value');
  };
  const root = dec(e.doc);
  const ctx: RestoreContext = {
    external<T>(name: string): T {
      if (!externals.has(name)) throw new SnapshotError(`corrupt snapshot: the external ${name} is not provided`);
      return externals.get(name) as T;
    },
  };
  for (const [c, o] of restores) c.restore!(o, ctx);
  return root;
}
