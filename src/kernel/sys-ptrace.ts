// Reaching into another process: process_vm_readv(2) and process_vm_writev(2).
import type { SyscallDef, Handler } from './syscall.js';
import type { Task } from './task.js';
import type { Kernel } from './kernel.js';
import { EFAULT, EINVAL, EPERM, ESRCH } from '../base/errno.js';
import { readIovecs, type Iov } from './sys-file.js';
import { mayInspect } from './sys-process.js';

// Copy between the caller's iovecs and another process's: bytes moved up to the first fault
// (EFAULT when none moved). write: into the other process.
function processVm(t: Task, a: Parameters<Handler>[1], k: Kernel, write: boolean): number {
  if (a.u(5) !== 0) return -EINVAL;
  const local = readIovecs(t, a.u(1), a.i(2));
  if (typeof local === 'number') return local;
  const remote = readIovecs(t, a.u(3), a.i(4));
  if (typeof remote === 'number') return remote;
  const p = k.processes.get(a.i(0)) ?? k.tasks.find((x) => x.tid === a.i(0))?.proc;
  if (!p || !p.alive) return -ESRCH;
  if (!mayInspect(t.proc, p)) return -EPERM;
  const src = write ? t.proc.mm : p.mm, dst = write ? p.mm : t.proc.mm;
  const from = write ? local : remote, to = write ? remote : local;
  // walk both lists in step, a page-bounded piece at a time
  const pieces = (list: Iov[]) => list.filter((v) => v.len > 0);
  const f = pieces(from), d = pieces(to);
  let done = 0, fi = 0, fo = 0, li = 0, lo = 0;
  while (fi < f.length && li < d.length) {
    const s = f[fi].base + fo, dd = d[li].base + lo;
    const n = Math.min(f[fi].len - fo, d[li].len - lo, 4096 - (s % 4096), 4096 - (dd % 4096));
    const bytes = src.read(s, n);
    if (!bytes || !dst.write(dd, bytes)) return done || -EFAULT;
    done += n;
    fo += n; lo += n;
    if (fo === f[fi].len) { fi++; fo = 0; }
    if (lo === d[li].len) { li++; lo = 0; }
  }
  return done;
}
const sysProcessVmReadv: Handler = (t, a, k) => processVm(t, a, k, false);
const sysProcessVmWritev: Handler = (t, a, k) => processVm(t, a, k, true);

export const ptraceSyscalls: SyscallDef[] = [
  { nr: 310, name: 'process_vm_readv', handler: sysProcessVmReadv, args: ['int', 'ptr', 'uint', 'ptr', 'uint', 'hex'], status: 'implemented' },
  { nr: 311, name: 'process_vm_writev', handler: sysProcessVmWritev, args: ['int', 'ptr', 'uint', 'ptr', 'uint', 'hex'], status: 'implemented' },
];
