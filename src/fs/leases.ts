// File leases (fcntl F_SETLEASE), by inode: a lease belongs to an open file
// description. An open (or truncate) that conflicts with one breaks it as
// Linux does: a write lease conflicts with any open, a read lease with one for
// writing. The holder is told (the kernel's signal, `onBreak`) once per break;
// the lease then shows the type it must go down to (F_RDLCK for a reader,
// F_UNLCK for a writer) until the holder downgrades or removes it, or the
// break time (/proc/sys/fs/lease-break-time) passes and it is done for it.
// The breaker fails with EWOULDBLOCK (O_NONBLOCK) or waits on the file's
// queue until then; its call runs again and looks once more.
import type { FileDescription } from './file.js';
import type { FsNode } from './backend.js';
import { Blocked, WaitQueue, POLL_ALL } from '../base/wait.js';
import { EAGAIN } from '../base/errno.js';

export const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;

interface Lease {
  file: FileDescription;
  type: number; // F_RDLCK or F_WRLCK
  pending?: number; // while broken: the type it must go down to (F_RDLCK or F_UNLCK)
  breakAt?: bigint; // then: when the kernel does it (monotonic ns)
}
interface FileLeases { list: Lease[]; queue: WaitQueue }

export interface LeaseHooks {
  now(): bigint; // CLOCK_MONOTONIC ns
  breakTimeSec(): number; // fs.lease-break-time
  onBreak(f: FileDescription): void; // signal the holder
  onRemove(f: FileDescription): void; // a lease is gone: Linux forgets the description's owner and F_SETSIG signal
}

export class Leases {
  private readonly files = new Map<FsNode, FileLeases>();
  private nodeOf = new WeakMap<FileDescription, FsNode>();
  // A snapshot keeps the leases by file: which description holds which is found from them again.
  rebuildKeys(): void {
    this.nodeOf = new WeakMap();
    for (const [node, at] of this.files) for (const l of at.list) this.nodeOf.set(l.file, node);
  }
  hooks?: LeaseHooks;

  get active(): boolean { return this.files.size > 0; }

  private mine(f: FileDescription): { at: FileLeases; lease: Lease } | undefined {
    const node = this.nodeOf.get(f);
    const at = node !== undefined ? this.files.get(node) : undefined;
    const lease = at?.list.find((l) => l.file === f);
    return at && lease ? { at, lease } : undefined;
  }
  private drop(node: FsNode, at: FileLeases, lease: Lease): void {
    at.list.splice(at.list.indexOf(lease), 1);
    this.nodeOf.delete(lease.file);
    if (!at.list.length) this.files.delete(node);
    this.hooks?.onRemove(lease.file);
    at.queue.notify();
  }
  // Breaks whose time has passed: the kernel downgrades or removes those leases.
  private timeOut(node: FsNode): void {
    const at = this.files.get(node);
    if (!at || !this.hooks) return;
    const now = this.hooks.now();
    for (const l of [...at.list]) {
      if (l.pending === undefined || l.breakAt === undefined || l.breakAt > now) continue;
      if (l.pending === F_UNLCK) this.drop(node, at, l);
      else { l.type = l.pending; l.pending = l.breakAt = undefined; at.queue.notify(); }
    }
  }

  // F_GETLEASE: the lease's type, or the type it must go down to while it is being broken.
  get(f: FileDescription): number {
    const node = this.nodeOf.get(f);
    if (node !== undefined) this.timeOut(node);
    const m = this.mine(f);
    return m ? m.lease.pending ?? m.lease.type : F_UNLCK;
  }
  // Whether someone else's lease on `node` is being broken for a writer (no new lease then).
  breakingForWriter(node: FsNode, f: FileDescription): boolean {
    return this.files.get(node)?.list.some((l) => l.file !== f && l.pending === F_UNLCK) ?? false;
  }
  // Whether another description holds a lease on `node`.
  othersHold(node: FsNode, f: FileDescription): boolean {
    return this.files.get(node)?.list.some((l) => l.file !== f) ?? false;
  }

  // F_SETLEASE, once the kernel has checked the file's other opens: take, change or remove (EAGAIN
  // when there is none to remove). A change ends the part of a break it satisfies.
  set(f: FileDescription, node: FsNode, type: number): number {
    this.timeOut(node);
    const m = this.mine(f);
    if (type === F_UNLCK) {
      if (!m) return -EAGAIN;
      this.drop(node, m.at, m.lease);
      return 0;
    }
    if (m) {
      m.lease.type = type;
      if (type === F_RDLCK && m.lease.pending === F_RDLCK) m.lease.pending = m.lease.breakAt = undefined;
      m.at.queue.notify();
      return 0;
    }
    let at = this.files.get(node);
    if (!at) this.files.set(node, (at = { list: [], queue: new WaitQueue() }));
    at.list.push({ file: f, type });
    this.nodeOf.set(f, node);
    return 0;
  }

  // The description's last descriptor is closed: its lease goes.
  released(f: FileDescription): void {
    const node = this.nodeOf.get(f);
    const m = this.mine(f);
    if (node !== undefined && m) this.drop(node, m.at, m.lease);
  }

  // An open (write: for writing, or a truncate) of `node`: 0 when no lease is in the way; else the
  // holders are told, and the caller gets EWOULDBLOCK (nonblock) or waits.
  breakFor(node: FsNode, write: boolean, nonblock: boolean): number | Blocked {
    if (!this.hooks || !this.files.has(node)) return 0;
    this.timeOut(node);
    const at = this.files.get(node);
    const conflicting = at?.list.filter((l) => write || l.type === F_WRLCK) ?? [];
    if (!at || !conflicting.length) return 0;
    const breakAt = this.hooks.now() + BigInt(Math.max(1, this.hooks.breakTimeSec() * 1000)) * 1_000_000n;
    for (const l of conflicting) {
      // a break already under way for this kind of opener is not signalled again
      if (write ? l.pending === F_UNLCK : l.pending !== undefined) continue;
      l.pending = write ? F_UNLCK : F_RDLCK;
      l.breakAt = breakAt;
      this.hooks.onBreak(l.file);
    }
    if (nonblock) return -EAGAIN; // EWOULDBLOCK
    let first = breakAt;
    for (const l of conflicting) if (l.breakAt !== undefined && l.breakAt < first) first = l.breakAt;
    return new Blocked({ kind: 'lease' }, [{ on: at.queue, events: POLL_ALL }], { ns: first });
  }
}
