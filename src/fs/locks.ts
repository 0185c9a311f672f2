// Advisory file locks, by inode (st_dev:st_ino as the guest sees it):
// POSIX record locks (fcntl F_SETLK: owned by a process, released when it
// closes any descriptor of the file), open-file-description locks (F_OFD_*:
// owned by the description) and flock locks (whole-file, per description, a
// namespace of their own as on Linux's local file systems).
import type { FileDescription } from './file.js';
import { WaitQueue, POLL_ALL, type WaitSource } from '../base/wait.js';

export const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;

export interface RangeLock { owner: object; pid: number; type: number; start: number; end: number } // [start, end), end may be Infinity
interface FileLocks { ranges: RangeLock[]; flocks: Map<FileDescription, number>; queue: WaitQueue }

export class Locks {
  private readonly files = new Map<string, FileLocks>();
  private readonly keyOf = new WeakMap<FileDescription, string>(); // descriptions that hold OFD or flock locks

  get active(): boolean { return this.files.size > 0; }

  private at(key: string): FileLocks {
    let l = this.files.get(key);
    if (!l) this.files.set(key, (l = { ranges: [], flocks: new Map(), queue: new WaitQueue() }));
    return l;
  }
  private tidy(key: string, l: FileLocks): void {
    if (!l.ranges.length && !l.flocks.size) this.files.delete(key);
    l.queue.notify();
  }

  // The first lock of another owner that conflicts with `type` over [start, end).
  conflict(key: string, owner: object, type: number, start: number, end: number): RangeLock | undefined {
    return this.files.get(key)?.ranges.find((r) => r.owner !== owner && r.start < end && start < r.end && (r.type === F_WRLCK || type === F_WRLCK));
  }

  // Lock or unlock [start, end) for `owner`; false when another owner's lock is in the way.
  set(key: string, owner: object, pid: number, type: number, start: number, end: number, desc?: FileDescription): boolean {
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
  flock(key: string, f: FileDescription, type: number): boolean {
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
  changed(key: string): WaitSource { return { on: this.at(key).queue, events: POLL_ALL }; }

  // A process closed a descriptor of `key`: its POSIX locks on the file go.
  closedBy(owner: object, key: string): void {
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
