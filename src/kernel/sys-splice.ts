// Moving data through pipes without a user buffer: splice(2), tee(2) and
// vmsplice(2). One end of a splice is a pipe; tee copies between two pipes and
// leaves the bytes in the first; vmsplice moves user memory into a pipe (or
// out of one). Bytes are copied (xos has no page references to lend).
import type { SyscallDef, Handler } from './syscall.js';
import type { Task } from './task.js';
import { Blocked, blockOn, POLLIN, POLLOUT, POLLHUP, POLLERR } from '../base/wait.js';
import { EAGAIN, EBADF, EFAULT, EINVAL, EPIPE, ESPIPE } from '../base/errno.js';
import { O_APPEND, O_NONBLOCK, type FileDescription } from '../fs/file.js';
import { PipeEnd, PIPE_BUF } from '../fs/pipe.js';
import { copy, readI64, i64, readIovecs, readv, writev, seekable } from './sys-file.js';
import { queueSignal, SIGPIPE, SI_USER } from './signal.js';

const SPLICE_F_MOVE = 1, SPLICE_F_NONBLOCK = 2, SPLICE_F_MORE = 4, SPLICE_F_GIFT = 8;
const SPLICE_F_ALL = SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT;
const MAX_RW = 0x7ffff000;

const pipeOf = (f: FileDescription | undefined) => (f instanceof PipeEnd ? f : undefined);

// A would-block answer of a pipe step: EAGAIN under SPLICE_F_NONBLOCK (or an O_NONBLOCK pipe).
function nonblocking(r: number | Blocked, flags: number, ...ends: (PipeEnd | undefined)[]): number | Blocked {
  if (!(r instanceof Blocked)) return r;
  return flags & SPLICE_F_NONBLOCK || ends.some((e) => e && e.flags & O_NONBLOCK) ? -EAGAIN : r;
}

// splice(2)
const sysSplice: Handler = (t, a) => {
  const fin = t.proc.files.get(a.i(0)), fout = t.proc.files.get(a.i(2));
  const offIn = a.u(1), offOut = a.u(3), len = Math.min(a.u(4), MAX_RW), flags = a.u32(5);
  // checked in Linux's order: length, flags, descriptors, their modes, then the pipes
  if (len === 0) return 0;
  if (flags & ~SPLICE_F_ALL) return -EINVAL;
  if (!fin || !fout || !fin.readable || !fout.writable) return -EBADF;
  const pin = pipeOf(fin), pout = pipeOf(fout);
  if ((pin && offIn) || (pout && offOut)) return -ESPIPE;
  if (pin && pout && pin.pipe === pout.pipe) return -EINVAL;
  if (!pin && !pout) return -EINVAL;
  if (fout.flags & O_APPEND) return -EINVAL;
  let inPos: number | undefined, outPos: number | undefined;
  if (offIn) {
    const v = readI64(t, offIn);
    if (v === undefined) return -EFAULT;
    if (!seekable(fin)) return -ESPIPE;
    if (v < 0n) return -EINVAL;
    inPos = Number(v);
  }
  if (offOut) {
    const v = readI64(t, offOut);
    if (v === undefined) return -EFAULT;
    if (!seekable(fout)) return -ESPIPE;
    if (v < 0n) return -EINVAL;
    outPos = Number(v);
  }
  // into a pipe: no more than it has room for, so that nothing read is left over
  let n = len;
  if (pout) {
    const p = pout.pipe;
    if (!p.hasReaders()) { queueSignal(t, { signo: SIGPIPE, code: SI_USER, pid: t.proc.pid }); return -EPIPE; }
    const room = p.capacity - p.size;
    if (room <= 0) return nonblocking(blockOn('pipe', p.queue, POLLOUT | POLLERR), flags, pin, pout);
    n = Math.min(n, room);
  }
  if (pin && pin.pipe.size === 0) {
    if (!pin.pipe.hasWriters()) return 0;
    return nonblocking(blockOn('pipe', pin.pipe.queue, POLLIN | POLLHUP), flags, pin, pout);
  }
  const { done, r } = copy(t, fin, fout, n, inPos, outPos);
  if (offIn && t.proc.mm.write(offIn, i64((inPos ?? 0) + done)) === false) return -EFAULT;
  if (offOut && t.proc.mm.write(offOut, i64((outPos ?? 0) + done)) === false) return -EFAULT;
  return done || nonblocking(r ?? 0, flags, pin, pout);
};

// tee(2): copy up to len bytes from one pipe into another, leaving them in the first.
const sysTee: Handler = (t, a) => {
  const fin = t.proc.files.get(a.i(0)), fout = t.proc.files.get(a.i(1));
  const len = Math.min(a.u(2), MAX_RW), flags = a.u32(3);
  if (len === 0) return 0;
  if (flags & ~SPLICE_F_ALL) return -EINVAL;
  if (!fin || !fout || !fin.readable || !fout.writable) return -EBADF;
  const pin = pipeOf(fin), pout = pipeOf(fout);
  if (!pin || !pout || pin.pipe === pout.pipe) return -EINVAL;
  const src = pin.pipe, dst = pout.pipe;
  if (src.size === 0) {
    if (!src.hasWriters()) return 0;
    return nonblocking(blockOn('pipe', src.queue, POLLIN | POLLHUP), flags, pin, pout);
  }
  if (!dst.hasReaders()) { queueSignal(t, { signo: SIGPIPE, code: SI_USER, pid: t.proc.pid }); return -EPIPE; }
  const room = dst.capacity - dst.size;
  if (room <= 0) return nonblocking(blockOn('pipe', dst.queue, POLLOUT | POLLERR), flags, pin, pout);
  const data = src.peek(Math.min(len, room));
  dst.put(data);
  dst.notify(POLLIN);
  return data.length;
};

// vmsplice(2): user memory into a pipe's write end, or (as readv) out of its read end.
const sysVmsplice: Handler = (t, a) => {
  const f = t.proc.files.get(a.i(0));
  const flags = a.u32(3);
  if (!f) return -EBADF;
  if (flags & ~SPLICE_F_ALL) return -EINVAL;
  const p = pipeOf(f);
  if (!p) return -EBADF;
  const iovs = readIovecs(t, a.u(1), a.i(2));
  if (typeof iovs === 'number') return iovs;
  if (iovs.length > 1024) return -EINVAL;
  if (f.writable) {
    // as a pipe write, but bytes beyond PIPE_BUF are not atomic: fill the room there is
    const room = p.pipe.capacity - p.pipe.size;
    if (room <= 0 || !p.pipe.hasReaders()) {
      const r = writev(t, f, iovs, undefined);
      return typeof r === 'number' ? r : nonblocking(r, flags, p);
    }
    const total = iovs.reduce((s, v) => s + v.len, 0);
    const fit = total <= PIPE_BUF || total <= room ? iovs : trim(iovs, room);
    const r = writev(t, f, fit, undefined);
    return typeof r === 'number' ? r : nonblocking(r, flags, p);
  }
  const r = readv(t, f, iovs, undefined);
  return typeof r === 'number' ? r : nonblocking(r, flags, p);
};
function trim(iovs: { base: number; len: number }[], max: number): { base: number; len: number }[] {
  const out = [];
  for (const v of iovs) {
    if (max <= 0) break;
    out.push({ base: v.base, len: Math.min(v.len, max) });
    max -= v.len;
  }
  return out;
}

export const spliceSyscalls: SyscallDef[] = [
  { nr: 275, name: 'splice', handler: sysSplice, args: ['fd', 'ptr', 'fd', 'ptr', 'size', 'hex'], status: 'implemented', note: 'copies the bytes' },
  { nr: 276, name: 'tee', handler: sysTee, args: ['fd', 'fd', 'size', 'hex'], status: 'implemented' },
  { nr: 278, name: 'vmsplice', handler: sysVmsplice, args: ['fd', 'ptr', 'size', 'hex'], status: 'implemented', note: 'copies the bytes (SPLICE_F_GIFT has no effect)' },
];
