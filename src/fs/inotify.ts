// inotify: watches on inodes (the files' nodes) and
// the event queues of inotify instances. The VFS and the file syscalls report
// what guest processes do (FsNotify.emit); changes made on the host behind a
// host directory's back are not seen.
import { FileDescription, O_NONBLOCK, O_RDONLY, type Stat } from './file.js';
import { WaitQueue, POLLIN } from './wait-queue.js';
import { blockOn, type Blocked } from '../base/wait.js';
import { EAGAIN, EINVAL } from '../base/errno.js';

export const IN_ACCESS = 0x1, IN_MODIFY = 0x2, IN_ATTRIB = 0x4, IN_CLOSE_WRITE = 0x8, IN_CLOSE_NOWRITE = 0x10,
  IN_OPEN = 0x20, IN_MOVED_FROM = 0x40, IN_MOVED_TO = 0x80, IN_CREATE = 0x100, IN_DELETE = 0x200,
  IN_DELETE_SELF = 0x400, IN_MOVE_SELF = 0x800, IN_UNMOUNT = 0x2000, IN_Q_OVERFLOW = 0x4000, IN_IGNORED = 0x8000,
  IN_ONLYDIR = 0x1000000, IN_DONT_FOLLOW = 0x2000000, IN_EXCL_UNLINK = 0x4000000, IN_MASK_CREATE = 0x10000000,
  IN_MASK_ADD = 0x20000000, IN_ISDIR = 0x40000000, IN_ONESHOT = 0x80000000;
export const IN_ALL_EVENTS = 0xfff;
// (the kernel's own) A rename within one directory, told to that directory before IN_MOVED_FROM:
// only dnotify's DN_RENAME hears it, as Linux reports FS_RENAME.
export const FS_RENAME = 0x10000000;

export interface Watch { wd: number; key: object; mask: number; owner: WatchOwner; dev: number; ino: number }
export interface FsEvent { wd: number; mask: number; cookie: number; name: string }
type Event = FsEvent;
// Who a watch reports to: an inotify instance, or a directory's dnotify registration.
export interface WatchOwner { queueEvent(e: FsEvent): void; forget(w: Watch): void }

// The machine's watches, by inode.
export class FsNotify {
  private readonly byKey = new Map<object, Set<Watch>>();
  private cookie = 0;
  // fs.inotify.*: instances and watches the machine's user may have, events a queue holds.
  readonly limits = { instances: 128, watches: 65536, queued: 16384 };
  instances = 0;
  watches = 0;
  get active(): boolean { return this.byKey.size > 0; }
  nextCookie(): number { return ++this.cookie >>> 0; }

  add(w: Watch): void {
    let s = this.byKey.get(w.key);
    if (!s) this.byKey.set(w.key, (s = new Set()));
    s.add(w);
    this.watches++;
  }
  remove(w: Watch): void {
    const s = this.byKey.get(w.key);
    if (!s?.delete(w)) return;
    this.watches--;
    if (!s.size) this.byKey.delete(w.key);
  }
  // Something happened to the inode `key` (name: to the entry `name` in that directory).
  emit(key: object | undefined, mask: number, name = '', cookie = 0): void {
    if (!key) return;
    const s = this.byKey.get(key);
    if (!s) return;
    for (const w of [...s]) {
      const ev = mask & ~IN_ISDIR;
      if (!(w.mask & ev) && !(ev & (IN_IGNORED | IN_DELETE_SELF))) continue;
      if (ev & IN_DELETE_SELF && !(w.mask & IN_DELETE_SELF)) { this.drop(w); continue; }
      w.owner.queueEvent({ wd: w.wd, mask: mask & (w.mask | IN_ISDIR | IN_IGNORED), cookie, name });
      if (ev & IN_DELETE_SELF || w.mask & IN_ONESHOT) this.drop(w);
    }
  }
  // The watch ends: IN_IGNORED to its instance.
  drop(w: Watch): void {
    this.remove(w);
    w.owner.forget(w);
    w.owner.queueEvent({ wd: w.wd, mask: IN_IGNORED, cookie: 0, name: '' });
  }
}

export class InotifyFile extends FileDescription implements WatchOwner {
  private readonly queue = new WaitQueue();
  private readonly events: Event[] = [];
  private readonly watches = new Map<number, Watch>();
  private nextWd = 1;
  constructor(private readonly registry: FsNotify, flags: number, private readonly st: () => Stat) {
    super(O_RDONLY | (flags & O_NONBLOCK), 'anon_inode:inotify');
    registry.instances++;
  }

  // inotify_add_watch on the inode `key`; returns the watch descriptor or -errno.
  addWatch(key: object, mask: number, at: { dev: number; ino: number } = { dev: 0, ino: 0 }): number {
    const old = [...this.watches.values()].find((w) => w.key === key);
    if (old) {
      if (mask & IN_MASK_CREATE) return -17; // EEXIST
      old.mask = (mask & IN_MASK_ADD ? old.mask : 0) | (mask & ~IN_MASK_ADD);
      return old.wd;
    }
    if (this.registry.watches >= this.registry.limits.watches) return -28; // ENOSPC: fs.inotify.max_user_watches
    const w: Watch = { wd: this.nextWd++, key, mask: mask & ~(IN_MASK_ADD | IN_MASK_CREATE), owner: this, dev: at.dev, ino: at.ino };
    this.watches.set(w.wd, w);
    this.registry.add(w);
    return w.wd;
  }
  // One line a watch, newest first, as Linux prints them: the inode and device in hex (the kernel's dev_t).
  override fdinfo(): string {
    return [...this.watches.values()].reverse().map((w) => {
      const { dev, ino } = w;
      const sdev = ((dev >>> 8) & 0xfff) * 0x100000 + ((dev & 0xff) | ((dev >>> 12) & 0xfff00));
      return `inotify wd:${w.wd} ino:${ino.toString(16)} sdev:${sdev.toString(16)} mask:${w.mask.toString(16)} ignored_mask:0\n`;
    }).join('');
  }
  rmWatch(wd: number): number {
    const w = this.watches.get(wd);
    if (!w) return -EINVAL;
    this.registry.drop(w);
    return 0;
  }
  forget(w: Watch): void { this.watches.delete(w.wd); }

  queueEvent(e: Event): void {
    const last = this.events[this.events.length - 1];
    // identical to the last unread event: merged, as Linux does
    if (last && last.wd === e.wd && last.mask === e.mask && last.cookie === e.cookie && last.name === e.name) return;
    if (this.events.length >= this.registry.limits.queued) {
      if (last?.mask !== IN_Q_OVERFLOW) this.events.push({ wd: -1, mask: IN_Q_OVERFLOW, cookie: 0, name: '' });
    } else this.events.push(e);
    this.queue.notify(POLLIN);
  }
  private static size(e: Event): number { return 16 + (e.name ? (e.name.length + 16) & ~15 : 0); }

  override read(n: number): Uint8Array | number | Blocked {
    if (!this.events.length) return this.flags & O_NONBLOCK ? -EAGAIN : blockOn('inotify', this.queue, POLLIN);
    if (InotifyFile.size(this.events[0]) > n) return -EINVAL;
    let total = 0, count = 0;
    while (count < this.events.length && total + InotifyFile.size(this.events[count]) <= n) total += InotifyFile.size(this.events[count++]);
    const out = new Uint8Array(total);
    const dv = new DataView(out.buffer);
    let o = 0;
    for (const e of this.events.splice(0, count)) {
      const len = InotifyFile.size(e) - 16;
      dv.setInt32(o, e.wd, true);
      dv.setUint32(o + 4, e.mask >>> 0, true);
      dv.setUint32(o + 8, e.cookie, true);
      dv.setUint32(o + 12, len, true);
      for (let i = 0; i < e.name.length; i++) out[o + 16 + i] = e.name.charCodeAt(i) & 0xff;
      o += 16 + len;
    }
    return out;
  }
  override write(): number { return -EINVAL; }
  override poll(): number { return this.events.length ? POLLIN : 0; }
  override available(): number { return this.events.reduce((s, e) => s + InotifyFile.size(e), 0); }
  override watch(events: number, cb: () => void): () => void { return this.queue.watch(events, cb); }
  override stat(): Stat { return this.st(); }
  override release(): void {
    for (const w of [...this.watches.values()]) this.registry.remove(w);
    this.watches.clear();
    this.registry.instances--;
  }
}
