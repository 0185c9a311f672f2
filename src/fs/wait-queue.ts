// Readiness waiting. A WaitQueue belongs to something that can become readable
// or writable (a pipe, a socket, an eventfd); poll, epoll and blocked reads and
// writes watch it. Each notification names the POLL* events that may have
// changed, so an edge-triggered epoll entry waiting for POLLIN is not woken by
// a read that only made room for writers.
import type { FileDescription } from './file.js';

export const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20,
  POLLRDNORM = 0x40, POLLRDBAND = 0x80, POLLWRNORM = 0x100, POLLWRBAND = 0x200, POLLMSG = 0x400,
  POLLRDHUP = 0x2000;
export const POLL_ALL = 0xffff;

interface Watcher { mask: number; cb: () => void }

export class WaitQueue {
  private watchers = new Set<Watcher>();

  // Call `cb` once, at the next notification that names any of `mask`. Returns a canceller.
  watch(mask: number, cb: () => void): () => void {
    const w = { mask, cb };
    this.watchers.add(w);
    return () => { this.watchers.delete(w); };
  }
  // A promise that settles at the next notification naming any of `mask`.
  wait(mask = POLL_ALL): Promise<void> {
    return new Promise((resolve) => { this.watch(mask, resolve); });
  }
  notify(events = POLL_ALL): void {
    for (const w of [...this.watchers]) {
      if (w.mask & events) { this.watchers.delete(w); w.cb(); }
    }
  }
}

// Call `cb` once, when the readiness of any of `files` (each with the events it
// is watched for) may have changed. Files without watch() fall back to
// waitReady(); files with neither never change (regular files: always ready).
// Returns a canceller that drops every other subscription.
export function watchAll(files: Iterable<[FileDescription, number]>, cb: () => void): () => void {
  const cancels: (() => void)[] = [];
  let done = false;
  const cancel = () => { done = true; for (const c of cancels) c(); cancels.length = 0; };
  const fire = () => { if (done) return; cancel(); cb(); };
  for (const [f, events] of files) {
    if (done) break;
    if (f.watch) cancels.push(f.watch(events | POLLERR | POLLHUP, fire));
    else if (f.waitReady) f.waitReady().then(fire, fire);
  }
  return cancel;
}

// Linux's poll masks carry the *NORM twins of POLLIN and POLLOUT.
export function pollMask(f: FileDescription): number {
  let r = f.poll();
  if (r & POLLIN) r |= POLLRDNORM;
  if (r & POLLOUT) r |= POLLWRNORM;
  return r;
}

// Whether a description supports poll at all (epoll_ctl refuses the rest with EPERM).
export const pollable = (f: FileDescription): boolean => !!(f.watch || f.waitReady);
