// epoll: an interest list of (fd, description) entries, itself a pollable
// description. Level-triggered entries are reported while ready; EPOLLET
// entries once per change of the events they ask for; EPOLLONESHOT entries
// once until re-armed with EPOLL_CTL_MOD.
import { FileDescription, O_RDWR, type Stat } from './file.js';
import { WaitQueue, watchAll, pollMask, POLLERR, POLLHUP, POLLIN } from './wait-queue.js';
import { anonStat } from './eventfd.js';

export const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
export const EPOLLEXCLUSIVE = 1 << 28, EPOLLWAKEUP = 1 << 29, EPOLLONESHOT = 1 << 30, EPOLLET = 1 << 31;
const PRIVATE = EPOLLEXCLUSIVE | EPOLLWAKEUP | EPOLLONESHOT | EPOLLET;

interface Entry {
  fd: number;
  file: FileDescription;
  events: number; // as given, with EPOLLET/EPOLLONESHOT
  data: bigint;
  disabled: boolean; // a one-shot entry that has fired
  armed: boolean; // edge-triggered: a change since the last report
  unwatch?: () => void;
}
export interface EpollEvent { events: number; data: bigint }

export class Epoll extends FileDescription {
  // in report order: a level-triggered entry moves to the end once reported
  private entries = new Map<string, Entry>();
  // The file registered as `fd`, the nth such registration (kcmp's KCMP_EPOLL_TFD).
  target(fd: number, nth: number): FileDescription | undefined {
    return [...this.entries.values()].filter((e) => e.fd === fd)[nth]?.file;
  }
  // Each watched descriptor: its fd, events (EPOLLERR and EPOLLHUP always watched) and data, and its file's inode and device.
  override fdinfo(): string {
    return [...this.entries.values()].map((e) => {
      const st = e.file.stat();
      const ino = typeof st === 'number' ? 0 : st.ino, dev = typeof st === 'number' ? 0 : st.dev;
      return `tfd: ${String(e.fd).padStart(8)} events: ${((e.events | 0x18) >>> 0).toString(16).padStart(8)} data: ${BigInt.asUintN(64, BigInt(e.data)).toString(16).padStart(16)}  pos:0 ino:${ino.toString(16)} sdev:${dev.toString(16)}\n`;
    }).join('');
  }
  private readonly queue = new WaitQueue();

  constructor(private readonly now: () => bigint) { super(O_RDWR, 'anon_inode:[eventpoll]'); }

  // Descriptions have no identity number of their own; the interest list's keys need one.
  private ids = new WeakMap<FileDescription, number>();
  // A restored epoll: the ids again from its interest list's keys, and the clock of its machine.
  restored(now: () => bigint): void {
    (this as unknown as { now: () => bigint }).now = now;
    this.ids = new WeakMap();
    for (const [k, e] of this.entries) this.ids.set(e.file, Number(k.split(':')[1]));
  }
  private nextId = 1;
  private key(fd: number, file: FileDescription): string {
    let id = this.ids.get(file);
    if (id === undefined) this.ids.set(file, (id = this.nextId++));
    return `${fd}:${id}`;
  }

  // epoll_ctl; the caller has checked fd, file and op.
  add(fd: number, file: FileDescription, events: number, data: bigint): boolean {
    const k = this.key(fd, file);
    if (this.entries.has(k)) return false;
    this.entries.set(k, { fd, file, events, data, disabled: false, armed: true });
    this.queue.notify(POLLIN);
    return true;
  }
  modify(fd: number, file: FileDescription, events: number, data: bigint): boolean {
    const e = this.entries.get(this.key(fd, file));
    if (!e) return false;
    e.unwatch?.();
    Object.assign(e, { events: (e.events & EPOLLEXCLUSIVE) | events, data, disabled: false, armed: true, unwatch: undefined });
    this.queue.notify(POLLIN);
    return true;
  }
  remove(fd: number, file: FileDescription): boolean {
    const k = this.key(fd, file);
    const e = this.entries.get(k);
    if (!e) return false;
    e.unwatch?.();
    this.entries.delete(k);
    return true;
  }
  has(fd: number, file: FileDescription): Entry | undefined { return this.entries.get(this.key(fd, file)); }
  // Whether `target` is this epoll or watches it (directly or through nested epolls): adding would loop.
  reaches(target: FileDescription, depth = 0): boolean {
    if (target === this) return true;
    if (depth > 5) return true;
    for (const e of this.entries.values()) if (e.file instanceof Epoll && e.file.reaches(target, depth + 1)) return true;
    return false;
  }

  private live(): Entry[] {
    const out: Entry[] = [];
    for (const [k, e] of this.entries) {
      // a description closed everywhere leaves every interest list
      if (e.file.refs <= 0) { e.unwatch?.(); this.entries.delete(k); continue; }
      out.push(e);
    }
    return out;
  }
  private readyOf(e: Entry): number {
    if (e.disabled || !e.armed) return 0;
    return pollMask(e.file) & ((e.events & ~PRIVATE) | POLLERR | POLLHUP);
  }

  // Up to `max` ready events, updating edge-triggered and one-shot state.
  collect(max: number): EpollEvent[] {
    const out: EpollEvent[] = [];
    const again: Entry[] = [];
    for (const e of this.live()) {
      if (out.length >= max) break;
      const ready = this.readyOf(e);
      if (!ready) continue;
      out.push({ events: ready, data: e.data });
      if (e.events & EPOLLONESHOT) e.disabled = true;
      else if (e.events & EPOLLET) {
        e.armed = false;
        const rearm = () => { e.unwatch = undefined; e.armed = true; this.queue.notify(POLLIN); };
        if (e.file.watch) e.unwatch = e.file.watch((e.events & ~PRIVATE) | POLLERR | POLLHUP, rearm);
      } else again.push(e);
    }
    // level-triggered entries go to the back, so that a small maxevents sees every entry in turn
    for (const e of again) {
      const k = this.key(e.fd, e.file);
      this.entries.delete(k);
      this.entries.set(k, e);
    }
    return out;
  }

  override read(): number { return -22; }
  override write(): number { return -22; }
  override poll(): number { return this.live().some((e) => this.readyOf(e)) ? POLLIN : 0; }
  override watch(events: number, cb: () => void): () => void {
    if (!(events & POLLIN)) return () => {};
    const own = this.queue.watch(POLLIN, () => { others(); cb(); });
    const others = watchAll(this.live().filter((e) => !e.disabled && e.armed).map((e) => [e.file, e.events & ~PRIVATE]), () => { own(); cb(); });
    return () => { own(); others(); };
  }
  override stat(): Stat { return anonStat(this.now()); }
  override release(): void {
    for (const e of this.entries.values()) e.unwatch?.();
    this.entries.clear();
  }
}

