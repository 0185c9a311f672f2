// The machine's timers: every deadline the kernel keeps (a sleep, a poll or
// futex timeout, an interval timer, a timerfd, a terminal's VTIME) is an entry
// here, and one host timer is armed for the nearest. Entries are cancellable,
// so a wait that ends or a task that dies leaves nothing behind; a machine
// with no entries holds no timer on the host's event loop. Long delays are
// armed in chunks (a host timer takes at most 2^31 - 1 ms).
import type { Host } from '../base/host.js';

const MAX_HOST_DELAY_MS = 2 ** 30;

// An armed timer (a class, so that a snapshot knows it: it is rebuilt by its owner, not saved).
export class Timer { constructor(readonly at: bigint, readonly cb: () => void, readonly seq: number) {} }

export class TimerQueue {
  private entries: Timer[] = []; // sorted by `at`, then by the order they were added
  private armedAt?: bigint;
  private handle?: unknown;
  private seq = 0;

  // onError: a callback threw (a bug of xos): reported, and the other timers still fire.
  constructor(private readonly host: Host, private readonly onError: (e: unknown) => void = (e) => { throw e; }) {}

  // Call `cb` once the monotonic clock reaches `at` (ns).
  add(at: bigint, cb: () => void): Timer {
    const t = new Timer(at, cb, this.seq++);
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1].at > at) i--;
    this.entries.splice(i, 0, t);
    if (i === 0) this.arm();
    return t;
  }
  // Call `cb` after `ms` milliseconds.
  after(ms: number, cb: () => void): Timer {
    return this.add(this.host.monotonicNs() + BigInt(Math.max(0, Math.ceil(ms))) * 1_000_000n, cb);
  }
  cancel(t: Timer | undefined): void {
    if (!t) return;
    const i = this.entries.indexOf(t);
    if (i < 0) return;
    this.entries.splice(i, 1);
    if (i === 0) this.arm();
  }
  get pending(): number { return this.entries.length; }
  // Drop every entry (the machine is closing).
  clear(): void {
    this.entries = [];
    this.arm();
  }

  private arm(): void {
    const first = this.entries[0];
    if (first && this.armedAt === first.at) return;
    if (this.handle !== undefined) { this.host.clearTimer(this.handle); this.handle = undefined; this.armedAt = undefined; }
    if (!first) return;
    const ms = Math.min(MAX_HOST_DELAY_MS, Number((first.at - this.host.monotonicNs() + 999_999n) / 1_000_000n));
    this.armedAt = first.at;
    this.handle = this.host.setTimer(Math.max(0, ms), () => this.fire());
  }

  private fire(): void {
    this.handle = undefined;
    this.armedAt = undefined;
    const now = this.host.monotonicNs();
    const due: Timer[] = [];
    while (this.entries.length && this.entries[0].at <= now) due.push(this.entries.shift()!);
    this.arm();
    for (const t of due) {
      try { t.cb(); } catch (e) { this.onError(e); }
    }
  }
}
