// Waits as objects. A syscall that cannot finish now returns a Blocked: the
// typed record of what the calling task waits on. The kernel parks the task
// on it (a watch on each source, a machine timer for the deadline), and
// disarms all of them when the wait ends — woken, interrupted by a signal,
// timed out, or the task gone — so nothing is left pending on the host. The
// task then runs the syscall again from the start (Linux's restart model); a
// call that keeps state across its re-runs finds its last wait in
// `resumed(…)` (a sleep's deadline, a send's progress). A wait is data:
// `describe()` gives what a snapshot stores.

export const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20,
  POLLRDNORM = 0x40, POLLRDBAND = 0x80, POLLWRNORM = 0x100, POLLWRBAND = 0x200, POLLMSG = 0x400,
  POLLRDHUP = 0x2000;
export const POLL_ALL = 0xffff;

// Something a task can wait for: `cb` runs once, at the next change that names
// any of `events`; the returned function cancels the watch.
export interface Waitable {
  watch(events: number, cb: () => void): () => void;
}

interface Watcher { mask: number; cb: () => void }

// The watchers of one object that can become readable or writable (a pipe, a
// socket, a terminal, a process's children). Each notification names the
// POLL* events that may have changed, so an edge-triggered epoll entry waiting
// for POLLIN is not woken by a read that only made room for writers.
export class WaitQueue implements Waitable {
  private watchers = new Set<Watcher>();

  watch(mask: number, cb: () => void): () => void {
    const w = { mask, cb };
    this.watchers.add(w);
    return () => { this.watchers.delete(w); };
  }
  notify(events = POLL_ALL): void {
    for (const w of [...this.watchers]) {
      if (w.mask & events) { this.watchers.delete(w); w.cb(); }
    }
  }
  get size(): number { return this.watchers.size; }
}

// What a blocked call waits on, as data. `object` names what an I/O call waits
// for (pipe, fifo, socket, tty, eventfd…); the other kinds are the kernel's.
export type WaitOn =
  | { kind: 'io'; object: string; progress?: number } // read, write, accept, connect, send, recv…
  | { kind: 'tty-read'; deadlineMs?: number; have: number } // a terminal read with VMIN/VTIME timing
  | { kind: 'fifo-open'; reader: boolean; other: number } // opening a FIFO until the other side opens
  | { kind: 'poll'; masked: boolean } // poll, select, epoll_wait (masked: ppoll's temporary mask is in force)
  | { kind: 'futex'; key: string; bitset: number; woken: boolean }
  | { kind: 'futexv'; keys: string[]; woken: number } // futex_waitv: woken is the index of the futex that woke it (-1: none yet)
  | { kind: 'child' } // wait4, waitid
  | { kind: 'vfork'; child: number } // a vfork parent until its child execs or exits
  | { kind: 'sleep'; clock: number; until: bigint } // nanosleep, clock_nanosleep (until: on that clock)
  | { kind: 'signal'; set: bigint; until?: bigint } // sigsuspend and pause (set 0: any handled signal), sigtimedwait (set: the signals taken)
  | { kind: 'stop' } // a job-control stop (SIGTTIN/SIGTTOU) that a signal ends
  | { kind: 'lock' } // flock, F_SETLKW
  | { kind: 'lease' } // an open or truncate until a lease in its way is given up or its break time passes
  | { kind: 'semaphore'; semid: number; realtime?: boolean }
  | { kind: 'msgqueue'; msqid: number };

// A deadline on a clock: the monotonic clock, or the real-time clock (an absolute CLOCK_REALTIME timeout).
export interface Deadline { ns: bigint; realtime?: boolean }

export interface WaitSource { on: Waitable; events: number }

export class Blocked {
  // Only SIGKILL ends the wait early (a vfork parent): other signals stay pending until it is over.
  killable = false;
  // While armed: undoes the watches and the timer.
  disarm?: () => void;

  constructor(readonly on: WaitOn, readonly sources: readonly WaitSource[] = [], readonly deadline?: Deadline) {}

  // The wait as plain data (for snapshots and /proc): what, which events, until when.
  describe(): { on: WaitOn; events: number[]; deadline?: Deadline; killable: boolean } {
    return { on: this.on, events: this.sources.map((s) => s.events), deadline: this.deadline, killable: this.killable };
  }
}

// The common case: wait for `events` on one object.
export function blockOn(object: string, on: Waitable, events: number, progress?: number): Blocked {
  return new Blocked(progress === undefined ? { kind: 'io', object } : { kind: 'io', object, progress }, [{ on, events }]);
}

export type SyscallResult = number | Blocked;

// What a task carries across the re-runs of a blocked call: the wait it was woken from.
export interface Resumable { resumed?: Blocked }

// The last wait of the call being re-run, when it was of `kind`.
export function resumed<K extends WaitOn['kind']>(t: Resumable | undefined, kind: K): Extract<WaitOn, { kind: K }> | undefined {
  const on = t?.resumed?.on;
  return on && on.kind === kind ? on as Extract<WaitOn, { kind: K }> : undefined;
}
