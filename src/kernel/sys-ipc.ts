// System V IPC: shared memory segments (shmget/shmat/shmdt/shmctl),
// semaphore sets (semget/semop/semtimedop/semctl) and message queues
// (msgget/msgsnd/msgrcv/msgctl), one namespace per machine.
// A segment's pages are SharedMemory in the page cache (mm/page-cache.ts), so
// every attachment, in any process, shares them; an attachment is a MAP_SHARED
// VMA of the segment, which fork copies and exit drops, as on Linux.
import type { SyscallDef, Handler } from './syscall.js';
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import { Blocked, POLL_ALL, type Waitable } from '../base/wait.js';
import { E2BIG, EACCES, EAGAIN, EEXIST, EFAULT, EFBIG, EIDRM, EINVAL, ENOENT, ENOMEM, ENOMSG, ENOSPC, EPERM, ERANGE } from '../base/errno.js';
import { SharedMemory } from '../mm/page-cache.js';
import { PAGE, pageCeil, PROT_EXEC, PROT_READ, PROT_WRITE, TASK_SIZE, type AddressSpace } from '../mm/address-space.js';
import { WaitQueue } from '../fs/wait-queue.js';

const IPC_PRIVATE = 0, IPC_CREAT = 0o1000, IPC_EXCL = 0o2000, IPC_NOWAIT = 0o4000;
const IPC_RMID = 0, IPC_SET = 1, IPC_STAT = 2, IPC_INFO = 3;
const SHM_RDONLY = 0o10000, SHM_RND = 0o20000, SHM_REMAP = 0o40000, SHM_EXEC = 0o100000;
const SHM_LOCK = 11, SHM_UNLOCK = 12, SHM_STAT = 13, SHM_INFO = 14, SHM_STAT_ANY = 15, SHM_DEST = 0o1000, SHM_LOCKED = 0o2000;
const GETPID = 11, GETVAL = 12, GETALL = 13, GETNCNT = 14, GETZCNT = 15, SETVAL = 16, SETALL = 17, SEM_STAT = 18, SEM_INFO = 19, SEM_STAT_ANY = 20;
const MSG_STAT = 11, MSG_INFO = 12, MSG_STAT_ANY = 13, MSG_NOERROR = 0o10000, MSG_EXCEPT = 0o20000, MSG_COPY = 0o40000;
const IPC_64 = 0x100;
const SEMVMX = 32767;
// The limits /proc/sys/kernel sets (shmmax, shmall, shmmni, sem, msgmax, msgmnb, msgmni).
export class IpcLimits {
  shmmax = 18446744073692774399n; shmall = 18446744073692774399n; shmmni = 4096;
  semmsl = 32000; semmns = 1024000000; semopm = 500; semmni = 32000;
  msgmax = 8192; msgmnb = 16384; msgmni = 32000;
}
const MSG_COST = 64; // what one message costs the machine's memory beyond its bytes (struct msg_msg)

interface Perm { key: number; uid: number; gid: number; cuid: number; cgid: number; mode: number; seq: number }
interface Segment { kind: 'shm'; perm: Perm; size: number; mem: SharedMemory; atime: bigint; dtime: bigint; ctime: bigint; cpid: number; lpid: number; removed: boolean; locked: boolean }
interface SemSet { kind: 'sem'; perm: Perm; vals: Int32Array; pids: Int32Array; otime: bigint; ctime: bigint; queue: WaitQueue; removed: boolean; ncnt: Uint32Array; zcnt: Uint32Array }
interface Message { type: bigint; data: Uint8Array }
interface MsgQueue { kind: 'msg'; perm: Perm; msgs: Message[]; bytes: number; qbytes: number; stime: bigint; rtime: bigint; ctime: bigint; lspid: number; lrpid: number; queue: WaitQueue; removed: boolean }
type Obj = Segment | SemSet | MsgQueue;

// A machine's System V IPC objects (Kernel.ipc).
export class Ipc {
  readonly objs = new Map<number, Obj>();
  private readonly gone = new Set<number>(); // removed ids: their waiters and late callers get EIDRM
  private seq = 0;
  readonly limits = new IpcLimits();
  // kernel.{msg,sem,shm}_next_id: the id the next get of that kind takes (-1: chosen as usual).
  readonly nextId = { shm: -1, sem: -1, msg: -1 };
  remove(id: number): void {
    const o = this.objs.get(id);
    if (!o) return;
    o.removed = true;
    this.objs.delete(id);
    this.gone.add(id);
  }
  // -EIDRM for an id that was removed, else -EINVAL.
  missing(id: number): number { return this.gone.has(id) ? -EIDRM : -EINVAL; }
  add(o: Obj): number {
    const want = this.nextId[o.kind];
    if (want >= 0 && !this.objs.has(want)) {
      this.nextId[o.kind] = -1;
      o.perm.seq = want >> 15;
      this.objs.set(want, o);
      return want;
    }
    // ids as Linux makes them: slot + 32768 * sequence
    let slot = 0;
    const used = new Set([...this.objs.keys()].map((id) => id % 32768));
    while (used.has(slot)) slot++;
    const id = slot + 32768 * (this.seq++ % 65536);
    o.perm.seq = id >> 15;
    this.objs.set(id, o);
    return id;
  }
  byKey(kind: Obj['kind'], key: number): [number, Obj] | undefined {
    for (const e of this.objs) if (e[1].kind === kind && e[1].perm.key === key && !e[1].removed) return e;
    return undefined;
  }
  get<K extends Obj['kind']>(kind: K, id: number): Extract<Obj, { kind: K }> | undefined {
    const o = id >= 0 ? this.objs.get(id) : undefined;
    return o && o.kind === kind && !o.removed ? (o as Extract<Obj, { kind: K }>) : undefined;
  }
  // The object at index `n` (SHM_STAT and the like): its id, or undefined.
  atIndex(kind: Obj['kind'], n: number): number | undefined {
    for (const [id, o] of this.objs) if (o.kind === kind && id % 32768 === n && !o.removed) return id;
    return undefined;
  }
}
const ipcOf = (k: Kernel): Ipc => k.ipc;
const lim = (k: Kernel): IpcLimits => k.ipc.limits;

// Permission to read (4) or alter (2): owner, group, other bits; root may do anything.
function allowed(t: Task, p: Perm, want: number): boolean {
  const c = t.proc.creds;
  if (c.euid === 0) return true;
  let bits = p.mode & 7;
  if (c.euid === p.uid || c.euid === p.cuid) bits = (p.mode >> 6) & 7;
  else if (c.groups.includes(p.gid) || c.egid === p.gid || c.egid === p.cgid || c.groups.includes(p.cgid)) bits = (p.mode >> 3) & 7;
  return (bits & want) === want;
}
const isOwner = (t: Task, p: Perm) => t.proc.creds.euid === 0 || t.proc.creds.euid === p.uid || t.proc.creds.euid === p.cuid;
const secs = (ns: bigint) => ns / 1_000_000_000n;

function newPerm(t: Task, key: number, flags: number): Perm {
  const c = t.proc.creds;
  return { key, uid: c.euid, gid: c.egid, cuid: c.euid, cgid: c.egid, mode: flags & 0o777, seq: 0 };
}
// The get step shared by shmget, semget and msgget: an existing object by key, or -errno, or a new one from make().
function getCommon(t: Task, k: Kernel, kind: Obj['kind'], key: number, flags: number, fits: (o: Obj) => number, make: () => Obj | number): number {
  const ipc = ipcOf(k);
  if (key !== IPC_PRIVATE) {
    const found = ipc.byKey(kind, key);
    if (found) {
      if (flags & IPC_CREAT && flags & IPC_EXCL) return -EEXIST;
      const want = ((flags >> 6) & 7) & 6; // read or alter as asked in the owner bits
      if (!allowed(t, found[1].perm, want)) return -EACCES;
      const r = fits(found[1]);
      return r < 0 ? r : found[0];
    }
    if (!(flags & IPC_CREAT)) return -ENOENT;
  }
  const o = make();
  if (typeof o === 'number') return o;
  return ipc.add(o);
}

function permBytes(dv: DataView, p: Perm): void {
  dv.setInt32(0, p.key, true); dv.setUint32(4, p.uid, true); dv.setUint32(8, p.gid, true);
  dv.setUint32(12, p.cuid, true); dv.setUint32(16, p.cgid, true); dv.setUint32(20, p.mode, true); dv.setUint16(24, p.seq, true);
}
// IPC_SET: uid, gid and the low 9 mode bits from the caller's ipc64_perm.
function setPerm(t: Task, p: Perm, addr: number, k: Kernel): number {
  if (!isOwner(t, p)) return -EPERM;
  const b = t.proc.mm.read(addr, 48);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  p.uid = dv.getUint32(4, true);
  p.gid = dv.getUint32(8, true);
  p.mode = (p.mode & ~0o777) | (dv.getUint32(20, true) & 0o777);
  void k;
  return 0;
}

// --- shared memory ---------------------------------------------------------------------------
// Attachments of a segment in an address space: its VMAs that start a mapping of it.
function attachments(mm: AddressSpace, seg: Segment): number {
  return mm.vmas.filter((v) => v.file === seg.mem && v.offset === 0).length;
}
function nattch(k: Kernel, seg: Segment): number {
  const seen = new Set<AddressSpace>();
  let n = 0;
  for (const p of k.processes.values()) {
    if (p.waitStatus !== undefined || seen.has(p.mm)) continue;
    seen.add(p.mm);
    n += attachments(p.mm, seg);
  }
  return n;
}
// A segment marked for removal goes once nothing has it attached.
function reapSegments(k: Kernel): void {
  const ipc = ipcOf(k);
  for (const [id, o] of [...ipc.objs]) {
    if (o.kind === 'shm' && o.perm.mode & SHM_DEST && nattch(k, o) === 0) { ipc.remove(id); o.mem.drop(); }
  }
}

const sysShmget: Handler = (t, a, k) => {
  reapSegments(k); // attachments that exits dropped
  const key = a.i(0), size = a.u(1), flags = a.i(2);
  return getCommon(t, k, 'shm', key, flags, (o) => ((o as Segment).size < size ? -EINVAL : 0), () => {
    if (size < 1 || BigInt(size) > lim(k).shmmax) return -EINVAL;
    if ([...ipcOf(k).objs.values()].filter((o) => o.kind === 'shm').length >= lim(k).shmmni) return -ENOSPC;
    const now = k.host.realtimeNs();
    const mem = new SharedMemory(k.pageCache);
    mem.hold(); // the segment keeps its pages until it is removed
    return { kind: 'shm', perm: newPerm(t, key, flags), size, mem, atime: 0n, dtime: 0n, ctime: now, cpid: t.proc.pid, lpid: 0, removed: false, locked: false };
  });
};

const sysShmat: Handler = (t, a, k) => {
  const seg = ipcOf(k).get('shm', a.i(0));
  if (!seg) return -EINVAL;
  let addr = a.u(1);
  const flags = a.i(2);
  const want = flags & SHM_RDONLY ? 4 : 6;
  if (!allowed(t, seg.perm, want)) return -EACCES;
  const mm = t.proc.mm;
  const len = pageCeil(seg.size);
  if (addr) {
    if (flags & SHM_RND) addr -= addr % PAGE;
    if (addr % PAGE || addr + len > TASK_SIZE) return -EINVAL;
    if (!(flags & SHM_REMAP) && !mm.isFree(addr, addr + len)) return -EINVAL;
  } else {
    if (flags & SHM_REMAP) return -EINVAL;
    addr = mm.findFree(len);
    if (addr < 0) return -ENOMEM;
  }
  const prot = PROT_READ | (flags & SHM_RDONLY ? 0 : PROT_WRITE) | (flags & SHM_EXEC ? PROT_EXEC : 0);
  if (!mm.map(addr, len, prot, { shared: true, file: seg.mem, offset: 0, name: `/SYSV${(seg.perm.key >>> 0).toString(16).padStart(8, '0')} (deleted)` })) return -ENOMEM;
  seg.atime = k.host.realtimeNs();
  seg.lpid = t.proc.pid;
  return addr;
};

const sysShmdt: Handler = (t, a, k) => {
  const addr = a.u(0);
  if (addr % PAGE) return -EINVAL;
  const mm = t.proc.mm;
  const v = mm.find(addr);
  const seg = v && v.start === addr && v.offset === 0
    ? [...ipcOf(k).objs.values()].find((o): o is Segment => o.kind === 'shm' && o.mem === v.file) : undefined;
  if (!v || !seg) return -EINVAL;
  // the attachment: this VMA and the following pieces of the same segment (mprotect may have split it)
  const end = addr + pageCeil(seg.size);
  for (const w of mm.vmas.filter((x) => x.file === seg.mem && x.start >= addr && x.end <= end && x.offset === x.start - addr)) {
    mm.unmap(w.start, w.end - w.start);
  }
  seg.dtime = k.host.realtimeNs();
  seg.lpid = t.proc.pid;
  reapSegments(k);
  return 0;
};

function shmidBytes(k: Kernel, seg: Segment): Uint8Array {
  const b = new Uint8Array(112);
  const dv = new DataView(b.buffer);
  permBytes(dv, { ...seg.perm, mode: seg.perm.mode | (seg.locked ? SHM_LOCKED : 0) });
  dv.setBigUint64(48, BigInt(seg.size), true);
  dv.setBigInt64(56, secs(seg.atime), true);
  dv.setBigInt64(64, secs(seg.dtime), true);
  dv.setBigInt64(72, secs(seg.ctime), true);
  dv.setInt32(80, seg.cpid, true);
  dv.setInt32(84, seg.lpid, true);
  dv.setBigUint64(88, BigInt(nattch(k, seg)), true);
  return b;
}

const sysShmctl: Handler = (t, a, k) => {
  reapSegments(k);
  const ipc = ipcOf(k);
  const cmd = a.i(1) & ~IPC_64, buf = a.u(2);
  let id = a.i(0);
  switch (cmd) {
    case IPC_INFO: case SHM_INFO: {
      const b = new Uint8Array(cmd === IPC_INFO ? 80 : 48);
      const dv = new DataView(b.buffer);
      const segs = [...ipc.objs.values()].filter((o): o is Segment => o.kind === 'shm');
      if (cmd === IPC_INFO) {
        // struct shminfo64: shmmax, shmmin, shmmni, shmseg, shmall
        dv.setBigUint64(0, BigInt(lim(k).shmmax), true); dv.setBigUint64(8, 1n, true); dv.setBigUint64(16, BigInt(lim(k).shmmni), true);
        dv.setBigUint64(24, BigInt(lim(k).shmmni), true); dv.setBigUint64(32, BigInt(lim(k).shmall), true);
      } else {
        // struct shm_info: used_ids, shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes
        dv.setInt32(0, segs.length, true);
        dv.setBigUint64(8, BigInt(segs.reduce((n, s) => n + pageCeil(s.size) / PAGE, 0)), true);
      }
      if (!t.proc.mm.write(buf, b)) return -EFAULT;
      return Math.max(0, ...[...ipc.objs.keys()].filter((i) => ipc.objs.get(i)!.kind === 'shm').map((i) => i % 32768));
    }
    case SHM_STAT: case SHM_STAT_ANY: {
      const found = ipc.atIndex('shm', id);
      if (found === undefined) return -EINVAL;
      id = found;
      break;
    }
  }
  const seg = ipc.get('shm', id);
  if (!seg) return -EINVAL;
  switch (cmd) {
    case IPC_STAT: case SHM_STAT: case SHM_STAT_ANY:
      if (cmd !== SHM_STAT_ANY && !allowed(t, seg.perm, 4)) return -EACCES;
      if (!t.proc.mm.write(buf, shmidBytes(k, seg))) return -EFAULT;
      return cmd === IPC_STAT ? 0 : id;
    case IPC_SET: {
      const r = setPerm(t, seg.perm, buf, k);
      if (!r) seg.ctime = k.host.realtimeNs();
      return r;
    }
    case IPC_RMID:
      if (!isOwner(t, seg.perm)) return -EPERM;
      seg.perm.mode |= SHM_DEST;
      seg.perm.key = IPC_PRIVATE; // a removed segment can no longer be found by its key
      seg.ctime = k.host.realtimeNs();
      reapSegments(k);
      return 0;
    case SHM_LOCK: case SHM_UNLOCK:
      if (!isOwner(t, seg.perm)) return -EPERM;
      seg.locked = cmd === SHM_LOCK;
      return 0;
  }
  return -EINVAL;
};

// --- semaphores ------------------------------------------------------------------------------
const sysSemget: Handler = (t, a, k) => {
  const key = a.i(0), nsems = a.i(1), flags = a.i(2);
  return getCommon(t, k, 'sem', key, flags, (o) => ((o as SemSet).vals.length < nsems ? -EINVAL : 0), () => {
    if (nsems <= 0 || nsems > lim(k).semmsl) return -EINVAL;
    if ([...ipcOf(k).objs.values()].filter((o) => o.kind === 'sem').length >= lim(k).semmni) return -ENOSPC;
    return {
      kind: 'sem', perm: newPerm(t, key, flags), vals: new Int32Array(nsems), pids: new Int32Array(nsems), otime: 0n,
      ctime: k.host.realtimeNs(), queue: new WaitQueue(), removed: false, ncnt: new Uint32Array(nsems), zcnt: new Uint32Array(nsems),
    };
  });
};


function semop(t: Task, k: Kernel, id: number, sopsAddr: number, nsops: number, timeoutAddr: number): number | Blocked {
  const set = ipcOf(k).get('sem', id);
  let deadline = t.resumed?.on.kind === 'semaphore' ? t.resumed.deadline : undefined;
  if (!set) return ipcOf(k).missing(id);
  if (nsops < 1) return -EINVAL;
  if (nsops > lim(k).semopm) return -E2BIG;
  const b = t.proc.mm.read(sopsAddr, nsops * 6);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const ops = Array.from({ length: nsops }, (_, i) => ({ num: dv.getUint16(i * 6, true), op: dv.getInt16(i * 6 + 2, true), flg: dv.getInt16(i * 6 + 4, true) }));
  if (ops.some((o) => o.num >= set.vals.length)) return -EFBIG;
  const alters = ops.some((o) => o.op !== 0);
  if (!allowed(t, set.perm, alters ? 2 : 4)) return -EACCES;
  if (deadline === undefined && timeoutAddr) {
    const tb = t.proc.mm.read(timeoutAddr, 16);
    if (!tb) return -EFAULT;
    const tv = new DataView(tb.buffer);
    const s = tv.getBigInt64(0, true), ns = tv.getBigInt64(8, true);
    if (s < 0n || ns < 0n || ns >= 1_000_000_000n) return -EINVAL;
    deadline = { ns: k.host.monotonicNs() + s * 1_000_000_000n + ns };
  }
  // all or nothing: try them on a copy
  const vals = Int32Array.from(set.vals);
  for (const o of ops) {
    const v = vals[o.num];
    const blockedOn = o.op < 0 ? (v + o.op < 0 ? { n: o.num, zero: false } : undefined) : o.op === 0 && v !== 0 ? { n: o.num, zero: true } : undefined;
    if (blockedOn) {
      if (o.flg & IPC_NOWAIT) return -EAGAIN;
      if (deadline !== undefined && k.host.monotonicNs() >= deadline.ns) return -EAGAIN;
      // counted in semncnt/semzcnt for as long as the wait is armed
      const counts = blockedOn.zero ? set.zcnt : set.ncnt;
      const sem: Waitable = {
        watch(events, cb) {
          counts[blockedOn.n]++;
          const cancel = set.queue.watch(events, cb);
          return () => { counts[blockedOn.n]--; cancel(); };
        },
      };
      return new Blocked({ kind: 'semaphore', semid: id }, [{ on: sem, events: POLL_ALL }], deadline);
    }
    if (v + o.op > SEMVMX) return -ERANGE;
    vals[o.num] = v + o.op;
  }
  set.vals.set(vals);
  for (const o of ops) set.pids[o.num] = t.proc.pid;
  set.otime = k.host.realtimeNs();
  if (alters) set.queue.notify();
  return 0;
}
const sysSemop: Handler = (t, a, k) => semop(t, k, a.i(0), a.u(1), a.u(2), 0);
const sysSemtimedop: Handler = (t, a, k) => semop(t, k, a.i(0), a.u(1), a.u(2), a.u(3));

const sysSemctl: Handler = (t, a, k) => {
  const ipc = ipcOf(k);
  let id = a.i(0);
  const num = a.i(1), cmd = a.i(2) & ~IPC_64, arg = a.u(3);
  if (cmd === IPC_INFO || cmd === SEM_INFO) {
    // struct seminfo: semmap semmni semmns semmnu semmsl semopm semume semusz semvmx semaem
    const b = new Uint8Array(40);
    const dv = new DataView(b.buffer);
    const sets = [...ipc.objs.values()].filter((o): o is SemSet => o.kind === 'sem');
    const L = ipc.limits;
    [L.semmni, L.semmni, L.semmns, cmd === SEM_INFO ? sets.length : L.semmni * L.semmsl, L.semmsl, L.semopm, L.semopm,
      cmd === SEM_INFO ? sets.reduce((n, s) => n + s.vals.length, 0) : 20, SEMVMX, 16384].forEach((v, i) => dv.setInt32(i * 4, v, true));
    if (!t.proc.mm.write(arg, b)) return -EFAULT;
    return Math.max(0, ...[...ipc.objs.keys()].filter((i) => ipc.objs.get(i)!.kind === 'sem').map((i) => i % 32768));
  }
  if (cmd === SEM_STAT || cmd === SEM_STAT_ANY) {
    const found = ipc.atIndex('sem', id);
    if (found === undefined) return -EINVAL;
    id = found;
  }
  const set = ipc.get('sem', id);
  if (!set) return -EINVAL;
  const n = set.vals.length;
  const need = (want: number) => allowed(t, set.perm, want);
  switch (cmd) {
    case IPC_STAT: case SEM_STAT: case SEM_STAT_ANY: {
      if (cmd !== SEM_STAT_ANY && !need(4)) return -EACCES;
      const b = new Uint8Array(104);
      const dv = new DataView(b.buffer);
      permBytes(dv, set.perm);
      dv.setBigInt64(48, secs(set.otime), true);
      dv.setBigInt64(64, secs(set.ctime), true);
      dv.setBigUint64(80, BigInt(n), true);
      if (!t.proc.mm.write(arg, b)) return -EFAULT;
      return cmd === IPC_STAT ? 0 : id;
    }
    case IPC_SET: { const r = setPerm(t, set.perm, arg, k); if (!r) set.ctime = k.host.realtimeNs(); return r; }
    case IPC_RMID:
      if (!isOwner(t, set.perm)) return -EPERM;
      ipc.remove(id);
      set.queue.notify(); // waiters wake to EIDRM
      return 0;
    case GETVAL: case GETPID: case GETNCNT: case GETZCNT:
      if (num < 0 || num >= n) return -EINVAL;
      if (!need(4)) return -EACCES;
      return cmd === GETVAL ? set.vals[num] : cmd === GETPID ? set.pids[num] : cmd === GETNCNT ? set.ncnt[num] : set.zcnt[num];
    case GETALL: {
      if (!need(4)) return -EACCES;
      const b = new Uint8Array(n * 2);
      const dv = new DataView(b.buffer);
      set.vals.forEach((v, i) => dv.setUint16(i * 2, v, true));
      return t.proc.mm.write(arg, b) ? 0 : -EFAULT;
    }
    case SETVAL: {
      if (num < 0 || num >= n) return -EINVAL;
      const v = a.i(3);
      if (v < 0 || v > SEMVMX) return -ERANGE;
      if (!need(2)) return -EACCES;
      set.vals[num] = v;
      set.pids[num] = t.proc.pid;
      set.ctime = k.host.realtimeNs();
      set.queue.notify();
      return 0;
    }
    case SETALL: {
      if (!need(2)) return -EACCES;
      const b = t.proc.mm.read(arg, n * 2);
      if (!b) return -EFAULT;
      const dv = new DataView(b.buffer);
      const vals = Array.from({ length: n }, (_, i) => dv.getUint16(i * 2, true));
      if (vals.some((v) => v > SEMVMX)) return -ERANGE;
      set.vals.set(vals);
      set.pids.fill(t.proc.pid);
      set.ctime = k.host.realtimeNs();
      set.queue.notify();
      return 0;
    }
  }
  return -EINVAL;
};

// --- message queues --------------------------------------------------------------------------
const sysMsgget: Handler = (t, a, k) => {
  const key = a.i(0), flags = a.i(1);
  return getCommon(t, k, 'msg', key, flags, () => 0, () => {
    if ([...ipcOf(k).objs.values()].filter((o) => o.kind === 'msg').length >= lim(k).msgmni) return -ENOSPC;
    return {
      kind: 'msg', perm: newPerm(t, key, flags), msgs: [], bytes: 0, qbytes: lim(k).msgmnb, stime: 0n, rtime: 0n,
      ctime: k.host.realtimeNs(), lspid: 0, lrpid: 0, queue: new WaitQueue(), removed: false,
    };
  });
};

const sysMsgsnd: Handler = (t, a, k) => {
  const id = a.i(0), addr = a.u(1), size = a.u(2), flags = a.i(3);
  const q = ipcOf(k).get('msg', id);
  if (!q) return ipcOf(k).missing(id);
  if (size > lim(k).msgmax) return -EINVAL;
  const hdr = t.proc.mm.read(addr, 8);
  if (!hdr) return -EFAULT;
  const type = new DataView(hdr.buffer).getBigInt64(0, true);
  if (type < 1n) return -EINVAL;
  if (!allowed(t, q.perm, 2)) return -EACCES;
  const data = t.proc.mm.read(addr + 8, size);
  if (!data) return -EFAULT;
  if (q.bytes + size > q.qbytes || q.msgs.length >= q.qbytes) {
    if (flags & IPC_NOWAIT) return -EAGAIN;
    return new Blocked({ kind: 'msgqueue', msqid: id }, [{ on: q.queue, events: POLL_ALL }]);
  }
  if (!k.budget.charge(size + MSG_COST)) return -ENOMEM;
  q.msgs.push({ type, data });
  q.bytes += size;
  q.lspid = t.proc.pid;
  q.stime = k.host.realtimeNs();
  q.queue.notify();
  return 0;
};

const sysMsgrcv: Handler = (t, a, k) => {
  const id = a.i(0), addr = a.u(1), size = a.u(2), want = BigInt.asIntN(64, a.big(3)), flags = a.i(4);
  const q = ipcOf(k).get('msg', id);
  if (!q) return ipcOf(k).missing(id);
  if (BigInt.asIntN(64, a.big(2)) < 0n) return -EINVAL;
  if (!allowed(t, q.perm, 4)) return -EACCES;
  let i: number;
  if (flags & MSG_COPY) {
    if (!(flags & IPC_NOWAIT) || flags & MSG_EXCEPT) return -EINVAL;
    i = want >= 0n && want < BigInt(q.msgs.length) ? Number(want) : -1;
  } else if (want === 0n) i = q.msgs.length ? 0 : -1;
  else if (want > 0n) i = q.msgs.findIndex((m) => (flags & MSG_EXCEPT ? m.type !== want : m.type === want));
  else {
    // the lowest type not above |want|, first of them
    i = -1;
    q.msgs.forEach((m, j) => { if (m.type <= -want && (i < 0 || m.type < q.msgs[i].type)) i = j; });
  }
  if (i < 0) {
    if (flags & IPC_NOWAIT) return -ENOMSG;
    return new Blocked({ kind: 'msgqueue', msqid: id }, [{ on: q.queue, events: POLL_ALL }]);
  }
  const m = q.msgs[i];
  if (m.data.length > size && !(flags & MSG_NOERROR)) return -E2BIG;
  const n = Math.min(size, m.data.length);
  const out = new Uint8Array(8 + n);
  new DataView(out.buffer).setBigInt64(0, m.type, true);
  out.set(m.data.subarray(0, n), 8);
  if (!t.proc.mm.write(addr, out)) return -EFAULT;
  if (!(flags & MSG_COPY)) {
    q.msgs.splice(i, 1);
    q.bytes -= m.data.length;
    k.budget.uncharge(m.data.length + MSG_COST);
    q.lrpid = t.proc.pid;
    q.rtime = k.host.realtimeNs();
    q.queue.notify();
  }
  return n;
};

const sysMsgctl: Handler = (t, a, k) => {
  const ipc = ipcOf(k);
  let id = a.i(0);
  const cmd = a.i(1) & ~IPC_64, buf = a.u(2);
  if (cmd === IPC_INFO || cmd === MSG_INFO) {
    // struct msginfo: msgpool msgmap msgmax msgmnb msgmni msgssz msgtql msgseg(u16)
    const b = new Uint8Array(32);
    const dv = new DataView(b.buffer);
    const qs = [...ipc.objs.values()].filter((o): o is MsgQueue => o.kind === 'msg');
    const L = ipc.limits;
    const info = cmd === MSG_INFO
      ? [qs.length, qs.reduce((n, q) => n + q.msgs.length, 0), L.msgmax, L.msgmnb, L.msgmni, 16, qs.reduce((n, q) => n + q.bytes, 0)]
      : [L.msgmni * L.msgmnb / 1024, L.msgmni * L.msgmnb / 16, L.msgmax, L.msgmnb, L.msgmni, 16, L.msgmni * L.msgmnb / 16];
    info.forEach((v, i) => dv.setInt32(i * 4, v, true));
    dv.setUint16(28, 0xffff, true);
    if (!t.proc.mm.write(buf, b)) return -EFAULT;
    return Math.max(0, ...[...ipc.objs.keys()].filter((i) => ipc.objs.get(i)!.kind === 'msg').map((i) => i % 32768));
  }
  if (cmd === MSG_STAT || cmd === MSG_STAT_ANY) {
    const found = ipc.atIndex('msg', id);
    if (found === undefined) return -EINVAL;
    id = found;
  }
  const q = ipc.get('msg', id);
  if (!q) return -EINVAL;
  switch (cmd) {
    case IPC_STAT: case MSG_STAT: case MSG_STAT_ANY: {
      if (cmd !== MSG_STAT_ANY && !allowed(t, q.perm, 4)) return -EACCES;
      const b = new Uint8Array(120);
      const dv = new DataView(b.buffer);
      permBytes(dv, q.perm);
      dv.setBigInt64(48, secs(q.stime), true);
      dv.setBigInt64(56, secs(q.rtime), true);
      dv.setBigInt64(64, secs(q.ctime), true);
      dv.setBigUint64(72, BigInt(q.bytes), true);
      dv.setBigUint64(80, BigInt(q.msgs.length), true);
      dv.setBigUint64(88, BigInt(q.qbytes), true);
      dv.setInt32(96, q.lspid, true);
      dv.setInt32(100, q.lrpid, true);
      if (!t.proc.mm.write(buf, b)) return -EFAULT;
      return cmd === IPC_STAT ? 0 : id;
    }
    case IPC_SET: {
      if (!isOwner(t, q.perm)) return -EPERM;
      const b = t.proc.mm.read(buf, 120);
      if (!b) return -EFAULT;
      const qbytes = Number(new DataView(b.buffer).getBigUint64(88, true));
      if (qbytes > lim(k).msgmnb && t.proc.creds.euid !== 0) return -EPERM;
      const r = setPerm(t, q.perm, buf, k);
      if (r) return r;
      q.qbytes = qbytes;
      q.ctime = k.host.realtimeNs();
      q.queue.notify();
      return 0;
    }
    case IPC_RMID:
      if (!isOwner(t, q.perm)) return -EPERM;
      ipc.remove(id);
      k.budget.uncharge(q.bytes + q.msgs.length * MSG_COST);
      q.queue.notify();
      return 0;
  }
  return -EINVAL;
};

export const ipcSyscalls: SyscallDef[] = [
  { nr: 29, name: 'shmget', handler: sysShmget, args: ['hex', 'size', 'hex'], status: 'implemented' },
  { nr: 30, name: 'shmat', handler: sysShmat, args: ['int', 'ptr', 'hex'], status: 'implemented' },
  { nr: 67, name: 'shmdt', handler: sysShmdt, args: ['ptr'], status: 'implemented' },
  { nr: 31, name: 'shmctl', handler: sysShmctl, args: ['int', 'int', 'ptr'], status: 'partial', note: 'SHM_LOCK only records the flag' },
  { nr: 64, name: 'semget', handler: sysSemget, args: ['hex', 'int', 'hex'], status: 'implemented' },
  { nr: 65, name: 'semop', handler: sysSemop, args: ['int', 'ptr', 'uint'], status: 'partial', note: 'SEM_UNDO is accepted and not undone at exit', restart: 'never' },
  { nr: 220, name: 'semtimedop', handler: sysSemtimedop, args: ['int', 'ptr', 'uint', 'ptr'], status: 'partial', note: 'as semop', restart: 'never' },
  { nr: 66, name: 'semctl', handler: sysSemctl, args: ['int', 'int', 'int', 'hex'], status: 'implemented' },
  { nr: 68, name: 'msgget', handler: sysMsgget, args: ['hex', 'hex'], status: 'implemented' },
  { nr: 69, name: 'msgsnd', handler: sysMsgsnd, args: ['int', 'ptr', 'size', 'hex'], status: 'implemented', restart: 'never' },
  { nr: 70, name: 'msgrcv', handler: sysMsgrcv, args: ['int', 'ptr', 'size', 'int', 'hex'], status: 'implemented', restart: 'never' },
  { nr: 71, name: 'msgctl', handler: sysMsgctl, args: ['int', 'int', 'ptr'], status: 'implemented' },
];
