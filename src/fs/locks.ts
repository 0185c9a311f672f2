// Advisory file locks, by inode (the file's node, whatever names it):
// POSIX record locks (fcntl F_SETLK: owned by a process, released when it
// closes any descriptor of the file), open-file-description locks (F_OFD_*:
// owned by the description) and flock locks (whole-file, per description, a
// namespace of their own as on Linux's local file systems).
import type { FileDescription } from './file.js';
import { WaitQueue, POLL_ALL, type WaitSource } from '../base/wait.js';

// (an OFD lock's owner is its description; a POSIX lock's, its process)
const isDescription = (o: object): boolean => typeof (o as { read?: unknown }).read === 'function' && 'flags' in o;

export const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;

export interface RangeLock { owner: object; pid: number; type: number; start: number; end: number } // [start, end), end may be Infinity
interface FileLocks { ranges: RangeLock[]; flocks: Map<FileDescription, number>; queue: WaitQueue }

export class Locks {
  private readonly files = new Map<object, FileLocks>();
  private keyOf = new WeakMap<FileDescription, object>(); // descriptions that hold OFD or flock locks

  get active(): boolean { return this.files.size > 0; }
  // A snapshot keeps the locks (by file): which description holds which is found from them again.
  rebuildKeys(): void {
    this.keyOf = new WeakMap();
    for (const [key, l] of this.files) {
      for (const f of l.flocks.keys()) this.keyOf.set(f, key);
      for (const r of l.ranges) if (l.flocks.has(r.owner as FileDescription) || isDescription(r.owner)) this.keyOf.set(r.owner as FileDescription, key);
    }
  }

  private at(key: object): FileLocks {
    let l = this.files.get(key);
    if (!l) this.files.set(key, (l = { ranges: [], flocks: new Map(), queue: new WaitQueue() }));
    return l;
  }
  private tidy(key: object, l: FileLocks): void {
    if (!l.ranges.length && !l.flocks.size) this.files.delete(key);
    l.queue.notify();
  }

  // The first lock of another owner that conflicts with `type` over [start, end).
  conflict(key: object, owner: object, type: number, start: number, end: number): RangeLock | undefined {
    return this.files.get(key)?.ranges.find((r) => r.owner !== owner && r.start < end && start < r.end && (r.type === F_WRLCK || type === F_WRLCK));
  }

  // Lock or unlock [start, end) for `owner`; false when another owner's lock is in the way.
  set(key: object, owner: object, pid: number, type: number, start: number, end: number, desc?: FileDescription): boolean {
    if (type !== F_UNLCK && this.conflict(key, owner, type, start, end)) return false;
    const l = this.at(key);
    const kept: RangeLock[] = [];
    for (const r of l.ranges) {
      if (r.owner !== owner || r.end <= start || end <= r.start) { kept.push(r); continue; }
      // the owner's old coverage outside [start, end) stays
      if (r.start < start) kept.push({ ...r, end: start });
      if (end < r.end) kept.push({ ...r, start: end });
    }
    if (type !== F_UNLCK) kept.push({ owner, pid, type, start, end });
    // join the owner's neighbouring ranges of one type
    kept.sort((x, y) => x.start - y.start);
    l.ranges = [];
    for (const r of kept) {
      const prev = [...l.ranges].reverse().find((x) => x.owner === r.owner);
      if (prev && prev.type === r.type && prev.end >= r.start && r.owner === owner) prev.end = Math.max(prev.end, r.end);
      else l.ranges.push(r);
    }
    if (desc) this.keyOf.set(desc, key);
    this.tidy(key, l);
    return true;
  }

  // flock(2): 0 unlock, F_RDLCK shared, F_WRLCK exclusive; false when it would have to wait.
  flock(key: object, f: FileDescription, type: number): boolean {
    const l = this.at(key);
    if (type === F_UNLCK) { l.flocks.delete(f); this.tidy(key, l); return true; }
    l.flocks.delete(f); // a conversion is an unlock and a new lock, as on Linux
    for (const [g, t] of l.flocks) {
      if (g !== f && (t === F_WRLCK || type === F_WRLCK)) { this.tidy(key, l); return false; }
    }
    l.flocks.set(f, type);
    this.keyOf.set(f, key);
    l.queue.notify();
    return true;
  }

  // What a task waiting for a lock of `key` watches: any release.
  changed(key: object): WaitSource { return { on: this.at(key).queue, events: POLL_ALL }; }

  // POSIX lock owners waiting for a range, while their wait is armed (deadlock detection).
  private readonly waiting = new Map<object, { key: object; type: number; start: number; end: number }>();
  // What an F_SETLKW waiter watches: a release of `key`; it counts as waiting for the range meanwhile.
  waitFor(key: object, owner: object, type: number, start: number, end: number): WaitSource {
    const q = this.at(key).queue;
    return {
      on: { watch: (events, cb) => {
        this.waiting.set(owner, { key, type, start, end });
        const cancel = q.watch(events, cb);
        return () => { this.waiting.delete(owner); cancel(); };
      } },
      events: POLL_ALL,
    };
  }
  // Would `owner` waiting for this range close a cycle: the holder in its way waits, directly or
  // through others, for a lock `owner` holds?
  wouldDeadlock(key: object, owner: object, type: number, start: number, end: number): boolean {
    let c = this.conflict(key, owner, type, start, end);
    for (let n = 0; c && n < 64; n++) {
      if (c.owner === owner) return true;
      const w = this.waiting.get(c.owner);
      if (!w) return false;
      c = this.conflict(w.key, c.owner, w.type, w.start, w.end);
    }
    return false;
  }

  // A process closed a descriptor of `key`: its POSIX locks on the file go.
  closedBy(owner: object, key: object): void {
    const l = this.files.get(key);
    if (!l || !l.ranges.some((r) => r.owner === owner)) return;
    l.ranges = l.ranges.filter((r) => r.owner !== owner);
    this.tidy(key, l);
  }
  // A description's last reference is gone: its OFD and flock locks go.
  released(f: FileDescription): void {
    const key = this.keyOf.get(f);
    if (key === undefined) return;
    this.keyOf.delete(f);
    const l = this.files.get(key);
    if (!l) return;
    l.flocks.delete(f);
    l.ranges = l.ranges.filter((r) => r.owner !== f);
    this.tidy(key, l);
  }
}
