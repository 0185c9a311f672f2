// The snapshot's object-graph codec and its container: round trips that keep
// identity (shared and cyclic references, classes, maps, sets, typed arrays,
// bigints, -0 and NaN, externals), refusals that name the path to what cannot
// be saved, and every kind of damaged blob refused with a one-line reason.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, inflateSync } from 'node:zlib';
import { Registry, decodeGraph, encodeGraph, SnapshotError } from '../src/kernel/snapshot/codec.js';
import { packSnapshot, unpackSnapshot, SNAPSHOT_VERSION } from '../src/kernel/snapshot/format.js';

class Node2 { next?: Node2; cache = new Map<string, number>(); constructor(public name: string, public data: Uint8Array) {} }
class Counter { n = 0; derived = 0; }

const zlib = { compress: async (b: Uint8Array) => new Uint8Array(deflateSync(b)), decompress: async (b: Uint8Array) => new Uint8Array(inflateSync(b)) };

function registry(): Registry {
  return new Registry()
    .add({ name: 'node', ctor: Node2, skip: ['cache'], restore: (o: Node2) => { o.cache = new Map([['restored', 1]]); } })
    .add({ name: 'counter', ctor: Counter, skip: ['derived'], restore: (o: Counter) => { o.derived = o.n * 2; } });
}

describe('snapshot codec', () => {
  it('keeps the indices of a sparse array (an fd table with a hole)', () => {
    const slots: (string | undefined)[] = [];
    slots[0] = 'stdin'; slots[10] = 'tty';
    const enc = encodeGraph({ slots }, registry(), new Map());
    const out = decodeGraph({ doc: JSON.parse(JSON.stringify(enc.doc)), blobs: enc.blobs }, registry(), new Map()) as { slots: (string | undefined)[] };
    assert.equal(out.slots.length, 11);
    assert.equal(out.slots[10], 'tty');
    assert.equal(out.slots[3], undefined);
  });

  it('keeps values, classes and identity through a round trip', () => {
    const a = new Node2('a', new Uint8Array([1, 2, 3]));
    const b = new Node2('b', a.data.subarray(1));
    a.next = b; b.next = a; // a cycle
    const shared = [a, b];
    const c = new Counter(); c.n = 21;
    const platform = { host: true };
    const root = {
      list: shared, again: shared, nodes: new Map<unknown, unknown>([[a, 'first'], ['k', b]]), set: new Set([c, 5]),
      nums: [0, -0, NaN, Infinity, -Infinity, 2 ** 53], big: 2n ** 70n, none: undefined, nil: null,
      words: new BigUint64Array([1n, 2n ** 63n]), view: new DataView(new Uint8Array([9, 8]).buffer), platform,
    };
    const enc = encodeGraph(root, registry(), new Map([[platform, 'host']]));
    const platform2 = { host: 'new' };
    // the document goes through JSON, as it does in a snapshot
    const out = decodeGraph({ doc: JSON.parse(JSON.stringify(enc.doc)), blobs: enc.blobs }, registry(), new Map([['host', platform2]])) as typeof root;
    assert.equal(out.list, out.again, 'a shared array stays shared');
    const [a2, b2] = out.list;
    assert.ok(a2 instanceof Node2 && b2 instanceof Node2);
    assert.equal(a2.next, b2);
    assert.equal(b2.next, a2, 'the cycle is kept');
    assert.deepEqual([...a2.data], [1, 2, 3]);
    assert.deepEqual([...b2.data], [2, 3]);
    assert.deepEqual([...a2.cache], [['restored', 1]], 'a skipped field is rebuilt by restore');
    assert.equal(out.nodes.get(a2), 'first', 'an object key keeps its identity');
    assert.equal(out.nodes.get('k'), b2);
    const c2 = [...out.set][0] as Counter;
    assert.ok(c2 instanceof Counter && c2.n === 21 && c2.derived === 42);
    assert.ok(Object.is(out.nums[1], -0) && Number.isNaN(out.nums[2]));
    assert.deepEqual(out.nums.slice(3), [Infinity, -Infinity, 2 ** 53]);
    assert.equal(out.big, 2n ** 70n);
    assert.ok('none' in out && out.none === undefined && out.nil === null);
    assert.deepEqual([...out.words], [1n, 2n ** 63n]);
    assert.equal(out.view.getUint8(1), 8);
    assert.equal(out.platform, platform2, 'an external is the reader\'s own');
  });

  it('refuses what it cannot save, naming the path to it', () => {
    const r = registry();
    assert.throws(() => encodeGraph({ a: [{ f: () => 1 }] }, r, new Map()), (e: Error) => e instanceof SnapshotError && /\.a\[0\]\.f: a function/.test(e.message));
    class Unknown {}
    assert.throws(() => encodeGraph({ m: new Map([['x', new Unknown()]]) }, r, new Map()), /\.m\.get\("x"\): an object of class Unknown/);
    assert.throws(() => encodeGraph({ p: Promise.resolve() }, r, new Map()), /class Promise/);
  });
});

describe('snapshot codec: twins, replacements, modules', () => {
  class Wired { n = 1; list: number[] = []; clock = () => 5n; io = { read: () => 0, write: () => 0 }; cache = 'x'; }
  class Entry { constructor(readonly cb: () => void) {} }
  class Holder { entry?: Entry = new Entry(() => {}); keep = 3; }

  it('writes a twin\'s state into the reader\'s object, keeping its wiring and skipped fields', () => {
    const r = new Registry().addModule('t', { Wired, Holder }).refine(Wired, { skip: ['cache'] });
    const old = new Wired();
    old.n = 42; old.list = [7]; old.cache = 'old';
    const enc = encodeGraph({ w: old, again: old }, r, new Map([[old, 'wired']]), new Set([old]));
    const mine = new Wired();
    const myClock = mine.clock, myIo = mine.io;
    const out = decodeGraph({ doc: JSON.parse(JSON.stringify(enc.doc)), blobs: enc.blobs }, r, new Map([['wired', mine]])) as { w: Wired; again: Wired };
    assert.equal(out.w, mine, 'the reader\'s own object');
    assert.equal(out.again, mine);
    assert.equal(mine.n, 42);
    assert.deepEqual(mine.list, [7]);
    assert.equal(mine.clock, myClock, 'functions stay the reader\'s');
    assert.equal(mine.io, myIo, 'an object of functions stays the reader\'s');
    assert.equal(mine.cache, 'x', 'a skipped field stays the reader\'s');
  });

  it('saves a replacement in place of an object, and refuses an unregistered class of a module', () => {
    const r = new Registry().addModule('t', { Holder, Entry, notAClass: () => 1, value: 3 })
      .refine(Entry, { replace: () => undefined });
    assert.equal(r.ofName('t.notAClass'), undefined);
    const out = decodeGraph(encodeGraph(new Holder(), r, new Map()), r, new Map()) as Holder;
    assert.ok(out instanceof Holder && out.entry === undefined && out.keep === 3);
    assert.throws(() => encodeGraph(new Holder(), new Registry().addModule('t', { Holder }), new Map()), /\.entry: an object of class Entry/);
  });
});

describe('snapshot container', () => {
  const sample = async () => packSnapshot(encodeGraph({ text: 'x'.repeat(1000), bytes: new Uint8Array(5000).fill(7) }, registry(), new Map()), zlib);

  it('round-trips', async () => {
    const e = await unpackSnapshot(await sample(), zlib);
    const v = decodeGraph(e, registry(), new Map()) as { text: string; bytes: Uint8Array };
    assert.equal(v.text.length, 1000);
    assert.equal(v.bytes.length, 5000);
    assert.ok(v.bytes.every((x) => x === 7));
  });

  it('refuses random bytes, truncation, a flipped bit, another version, trailing garbage', async () => {
    const good = await sample();
    const refuse = async (bytes: Uint8Array, re: RegExp) => {
      await assert.rejects(unpackSnapshot(bytes, zlib), (e: Error) => e instanceof SnapshotError && re.test(e.message) && !e.message.includes('\n'));
    };
    const random = new Uint8Array(4096);
    for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
    await refuse(random, /not an xos snapshot/);
    await refuse(good.subarray(0, 20), /truncated/);
    await refuse(good.subarray(0, good.length - 1), /truncated/);
    for (const bit of [8 * 40, 8 * (good.length - 3) + 5]) {
      const flipped = good.slice();
      flipped[bit >> 3] ^= 1 << (bit & 7);
      await refuse(flipped, /checksum/);
    }
    const other = good.slice();
    new DataView(other.buffer).setUint32(8, SNAPSHOT_VERSION + 1, true);
    await refuse(other, /version/);
    const longer = new Uint8Array(good.length + 3);
    longer.set(good);
    await refuse(longer, /after its end/);
  });
});
