// Signal-driven I/O (O_ASYNC): a description with an owner (F_SETOWN, F_SETOWN_EX) and O_ASYNC
// set sends its owner SIGIO, or the signal F_SETSIG chose (with si_fd and si_band), each time it
// may have become readable or writable. Leases (F_SETLEASE) are recorded here too.
import type { Kernel } from './kernel.js';
import type { FileDescription, FileOwner } from '../fs/file.js';
import { O_ASYNC } from '../fs/file.js';
import { POLLIN, POLLOUT, POLLERR, POLLHUP, POLLPRI, POLLRDNORM, POLLWRNORM, POLLMSG } from '../base/wait.js';
import { SIGIO } from './signal.js';

export const F_OWNER_TID = 0, F_OWNER_PID = 1, F_OWNER_PGRP = 2;
const POLL_IN = 1, POLL_OUT = 2, POLL_MSG = 3, POLL_ERR = 4, POLL_PRI = 5, POLL_HUP = 6;

// Per description (its `fown`, Linux's f_owner): who gets the signal, which signal, the descriptor a lease (or a
// dnotify registration) was taken through (si_fd). The watch while armed is kept here.
export type AsyncState = FileOwner;

export class AsyncIo {
  private watches = new WeakMap<FileDescription, () => void>();

  get(f: FileDescription): AsyncState {
    return (f.fown ??= { type: F_OWNER_PID, id: 0, sig: 0 });
  }
  peek(f: FileDescription): AsyncState | undefined { return f.fown; }

  // O_ASYNC or the owner changed: watch the description while both are set.
  update(k: Kernel, f: FileDescription, fd: number): void {
    const s = this.get(f);
    s.fd = fd;
    this.watches.get(f)?.();
    this.watches.delete(f);
    if (!(f.flags & O_ASYNC) || !s.id || !f.watch) return;
    const arm = () => {
      this.watches.set(f, f.watch!(POLLIN | POLLOUT | POLLERR | POLLHUP | POLLPRI, () => {
        this.watches.delete(f);
        if (!(f.flags & O_ASYNC) || !s.id || f.refs <= 0) return;
        this.signal(k, f, fd, s);
        arm();
      }));
    };
    arm();
  }
  // A restored machine: the descriptions that had O_ASYNC and an owner are watched again.
  rearm(k: Kernel, f: FileDescription): void {
    if (f.fown?.id && f.flags & O_ASYNC && f.fown.fd !== undefined) this.update(k, f, f.fown.fd);
  }

  private signal(k: Kernel, f: FileDescription, fd: number, s: AsyncState): void {
    const ready = f.poll();
    const band = ready & (POLLIN | POLLOUT | POLLERR | POLLHUP | POLLPRI | POLLRDNORM | POLLWRNORM);
    const code = ready & POLLERR ? POLL_ERR : ready & POLLHUP ? POLL_HUP : ready & POLLPRI ? POLL_PRI : ready & POLLIN ? POLL_IN : POLL_OUT;
    this.send(k, s, code, fd, band);
  }
  // A lease of `f` is being broken, or a directory watched with F_NOTIFY changed: the owner hears
  // with POLL_MSG (SIGIO without F_SETSIG).
  message(k: Kernel, f: FileDescription, fd?: number): void {
    const s = this.peek(f);
    if (s?.id) this.send(k, s, POLL_MSG, fd ?? s.leaseFd ?? -1, POLLIN | POLLRDNORM | POLLMSG);
  }
  // A lease is gone: Linux forgets the description's owner and its F_SETSIG signal with it.
  leaseGone(f: FileDescription): void {
    const s = this.peek(f);
    if (!s) return;
    s.id = 0;
    s.type = F_OWNER_PID;
    s.sig = 0;
    s.leaseFd = undefined;
  }
  private send(k: Kernel, s: AsyncState, code: number, fd: number, band: number): void {
    const info = s.sig ? { signo: s.sig, code, fd, band } : { signo: SIGIO, code: 0x80 /* SI_KERNEL */ };
    if (s.type === F_OWNER_TID) {
      const t = k.tasks.find((x) => x.tid === s.id);
      if (t) k.signalTask(t, info);
    } else if (s.type === F_OWNER_PGRP) {
      for (const p of [...k.processes.values()]) if (p.pgid === s.id && p.alive) k.signalProcess(p, info);
    } else {
      const p = k.processes.get(s.id);
      if (p) k.signalProcess(p, info);
    }
  }
}
