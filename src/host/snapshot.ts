// A whole machine as bytes, and back: the kernel's objects (kernel/snapshot),
// the memory frames in use, and the processes the embedder started with its
// ends of their stdio. Restoring builds a new machine the way the saved one
// was built (its options are in the snapshot; the caller builds it), with its
// monotonic clock continuing from the saved one's (deadlines keep their
// remaining time), then writes the saved state into it and lets it run.
// Platform-neutral: the platform's classes (host directories) are added to
// the registry by the caller.
import { encodeGraph, decodeGraph, SnapshotError, type Registry, type Encoded } from '../kernel/snapshot/codec.js';
import { packSnapshot, unpackSnapshot } from '../kernel/snapshot/format.js';
import { kernelExternal, kernelRegistry, kernelRoles, resumeKernel } from '../kernel/snapshot/kernel-state.js';
import type { Host } from '../base/host.js';
import { crc32 } from '../base/crc32.js';
import type { GuestEnds, GuestProcess, MachineCore } from './machine.js';
import type { PlatformHost } from './platform.js';

// What the caller keeps about how the machine was built (its options), and the clocks at the save.
export interface SnapshotMeta { options: unknown; monotonicNs: string; realtimeNs: string; processes: number }

// How a saved machine was built, as both Machine APIs write it into SnapshotMeta.options: its
// options (in Node's vocabulary: the page writes net 'none' and tmpfs mounts), the image's digest
// (sha256 of its bytes), where the image was (a host path, or the URL a page fetched it from),
// and a page's tmpfs root (no image, no host directory).
// `tars`: the archives mounted after the machine was made (mountTarBytes), in order, by digest.
export interface SavedOptions<O> {
  opts: O; image?: string; imageDigest?: string; imageUrl?: string; rootfs?: 'tmpfs'; tars?: { at: string; digest: string }[];
}

// The tars a snapshot's machine had mounted, in its order, found by digest among those `given`.
export function checkTars(saved: { at: string; digest: string }[] | undefined, given: Uint8Array[] | undefined,
  digestOf: (b: Uint8Array) => string): { at: string; bytes: Uint8Array }[] {
  const pool = (given ?? []).map((b) => ({ b, d: digestOf(b) }));
  return (Array.isArray(saved) ? saved : []).map((t) => {
    const found = pool.find((p) => p.d === t.digest);
    if (!found) throw new SnapshotError(`the snapshot's machine had a tar archive mounted at ${t.at} (${t.digest}): restore it with { tars } that include it`);
    return { at: t.at, bytes: found.b };
  });
}

// (`twins`: every object of the machine whose state is saved into the restoring machine's own, also
// those nothing else saved refers to: an overlay's upper, reached through its nodes only)
// The memory's pages are the last blob, outside the graph (`pages: true`): a restore takes them as
// they are, not a copy, to share them (PhysMem's store). (Older snapshots have them in the graph.)
interface Saved { meta: string; state: unknown; frames: { frames: Uint32Array; pages: Uint8Array | true }; guests: GuestEnds[]; twins: object[] }

// Snapshots read in this process, by their bytes: restoring one again reads the same decompressed
// data, so that the machines restored from it share the memory pages they have not touched.
// (the bytes' checksum tells when the caller has changed them since)
const reading = new WeakMap<Uint8Array, { crc: number; read: Promise<{ meta: SnapshotMeta; data: Encoded }> }>();

export function snapshotRegistry(addPlatform?: (r: Registry) => void): Registry {
  const r = kernelRegistry();
  addPlatform?.(r);
  return r;
}

// The machine's state now, as a snapshot's bytes. Throws SnapshotError naming what cannot be saved.
export async function saveMachine(m: MachineCore, registry: Registry, options: unknown): Promise<Uint8Array> {
  return packSnapshot(captureMachine(m, registry, options), m.host);
}

// The machine's state now as data, not compressed (for a clone in this process: its memory pages
// are those of the last clone when nothing has changed since, so that clones share them).
export function captureMachine(m: MachineCore, registry: Registry, options: unknown, forClone = false): Encoded {
  const k = m.kernel;
  k.saveCurrent();
  const { names, twins } = kernelRoles(k);
  const guests = m.processes.filter((g) => g.alive).map((g) => g.ends());
  const meta: SnapshotMeta = { options, monotonicNs: String(k.host.monotonicNs()), realtimeNs: String(k.host.realtimeNs()), processes: guests.length };
  const dump = k.phys.dumpFrames(forClone ? k.phys.lastDump : undefined);
  if (forClone) k.phys.lastDump = dump;
  const saved: Saved = { meta: JSON.stringify(meta), state: k, frames: { frames: dump.frames, pages: true }, guests, twins: [...twins] };
  const e = encodeGraph(saved, registry, names, twins);
  e.blobs.push(dump.pages);
  return e;
}

// The snapshot's data and what the machine that reads it must be built with.
export function readSnapshot(bytes: Uint8Array, host: Pick<PlatformHost, 'decompress'>): Promise<{ meta: SnapshotMeta; data: Encoded }> {
  const crc = crc32(bytes);
  const seen = reading.get(bytes);
  if (seen?.crc === crc) return seen.read;
  const read = unpackSnapshot(bytes, { compress: () => Promise.reject(new Error('unused')), decompress: (b) => host.decompress(b) }).then(describeSnapshot);
  reading.set(bytes, { crc, read });
  // (a refused blob is not kept)
  read.catch(() => reading.delete(bytes));
  return read;
}
// What a snapshot's data says the machine that reads it must be built with.
export function describeSnapshot(data: Encoded): { meta: SnapshotMeta; data: Encoded } {
  const doc = data.doc as { $o?: { meta?: unknown } } | null;
  const text = doc && typeof doc === 'object' && !Array.isArray(doc) ? doc.$o?.meta : undefined;
  let meta: SnapshotMeta | undefined;
  try { meta = typeof text === 'string' ? JSON.parse(text) as SnapshotMeta : undefined; } catch { meta = undefined; }
  if (!meta || typeof meta.monotonicNs !== 'string' || !/^\d+$/.test(meta.monotonicNs)) throw new SnapshotError('corrupt snapshot: no machine description in it');
  return { meta, data };
}

// A host whose monotonic clock goes on from `fromNs` (the saved machine's), not from this host's.
export function continuedClock<H extends Host>(host: H, fromNs: string): H {
  const delta = BigInt(fromNs) - host.monotonicNs();
  const h = Object.create(host) as H;
  h.monotonicNs = () => host.monotonicNs() + delta;
  return h;
}

// The restoring machine's objects by name, and those it makes on demand.
class Names extends Map<string, unknown> {
  constructor(entries: [string, unknown][], private readonly make: (name: string) => object | undefined) { super(entries); }
  override has(name: string): boolean { return super.has(name) || this.get(name) !== undefined; }
  override get(name: string): unknown {
    if (super.has(name)) return super.get(name);
    const o = this.make(name);
    if (o !== undefined) this.set(name, o);
    return o;
  }
}

// Write the saved state into `m`, a machine just built from the snapshot's options on a host with
// continuedClock, and start it. The processes the embedder had started come back (`attach` gives
// each its sinks). On an error the machine is closed: it is never left half-built.
export function loadMachine(m: MachineCore, data: Encoded, registry: Registry,
  attach?: (e: GuestEnds) => GuestProcess): GuestProcess[] {
  const k = m.kernel;
  try {
    if (k.processes.size) throw new SnapshotError('cannot restore into a machine that has processes');
    const { names } = kernelRoles(k);
    const byName = new Names([...names].map(([o, n]) => [n, o]), (n) => kernelExternal(k, n));
    let saved: Saved;
    try {
      saved = decodeGraph(data, registry, byName) as Saved;
    } catch (e) {
      if (e instanceof SnapshotError) throw e;
      throw new SnapshotError(`corrupt snapshot: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (saved.state !== k || !saved.frames || !(saved.frames.frames instanceof Uint32Array) || !Array.isArray(saved.guests)) throw new SnapshotError('corrupt snapshot: not a machine');
    const pages = saved.frames.pages === true ? data.blobs[data.blobs.length - 1] : saved.frames.pages;
    if (!(pages instanceof Uint8Array)) throw new SnapshotError('corrupt snapshot: no memory pages in it');
    if (!resumeKernel(k, { frames: saved.frames.frames, pages })) throw new SnapshotError('the snapshot\'s memory does not fit this machine (restore it with as much memory as it had)');
    return saved.guests.map((e) => (attach ? attach(e) : m.adopt(e)));
  } catch (e) {
    m.close();
    throw e;
  }
}
