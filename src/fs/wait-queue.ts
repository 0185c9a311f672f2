// Readiness of file descriptions: poll's masks and watching several at once.
// (The WaitQueue itself and the POLL* bits are the base layer's: base/wait.ts.)
import type { FileDescription } from './file.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from '../base/wait.js';

export {
  WaitQueue, POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLRDBAND, POLLWRNORM, POLLWRBAND,
  POLLMSG, POLLRDHUP, POLL_ALL,
} from '../base/wait.js';

// Call `cb` once, when the readiness of any of `files` (each with the events it
// is watched for) may have changed. Files that cannot be watched never change
// (regular files: always ready). Returns a canceller that drops every subscription.
export function watchAll(files: Iterable<[FileDescription, number]>, cb: () => void): () => void {
  const cancels: (() => void)[] = [];
  let done = false;
  const cancel = () => { done = true; for (const c of cancels) c(); cancels.length = 0; };
  const fire = () => { if (done) return; cancel(); cb(); };
  for (const [f, events] of files) {
    if (done) break;
    if (f.watch) cancels.push(f.watch(events | POLLERR | POLLHUP, fire));
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
export const pollable = (f: FileDescription): boolean => !!f.watch;
