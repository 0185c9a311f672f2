// futex(2), the robust-futex list, and the wait queues behind them. Private
// futexes are keyed by address space and virtual address; shared ones by the
// physical address, so processes mapping the same page meet.
import type { SyscallDef, Handler } from './syscall.js';
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import { Blocked, POLL_ALL, resumed, type Deadline, type Waitable, type WaitOn } from '../base/wait.js';
import { EAGAIN, EFAULT, EINVAL, ENOSYS, ETIMEDOUT } from '../base/errno.js';

const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5,
  FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
const FUTEX_WAITERS = 0x80000000, FUTEX_OWNER_DIED = 0x40000000, FUTEX_TID_MASK = 0x3fffffff;

// A task waiting on a futex word: queued under its key while its wait is armed.
export interface FutexWaiter { bitset: number; key: string; wake: () => void }
type FutexOn = Extract<WaitOn, { kind: 'futex' }>;

export function futexKey(t: Task, addr: number, priv: boolean): string {
  if (priv) return `p${t.proc.mm.id}:${addr}`;
  const phys = t.proc.mm.translate(addr, false);
  return phys < 0 ? `p${t.proc.mm.id}:${addr}` : `s${phys}`;
}

// Wake up to n waiters on key whose bitset meets `bitset`; returns how many.
export function futexWake(k: Kernel, key: string, n: number, bitset: number): number {
  const q = k.futexes.get(key);
  if (!q) return 0;
  let woken = 0;
  for (let i = 0; i < q.length && woken < n;) {
    if (q[i].bitset & bitset) { const [w] = q.splice(i, 1); w.wake(); woken++; } else i++;
  }
  if (q.length === 0) k.futexes.delete(key);
  return woken;
}
function dequeue(k: Kernel, w: FutexWaiter): void {
  const q = k.futexes.get(w.key);
  if (!q) return;
  const i = q.indexOf(w);
  if (i >= 0) q.splice(i, 1);
  if (q.length === 0) k.futexes.delete(w.key);
}

function readU32(t: Task, addr: number): number | null {
  if (addr % 4) return null;
  const b = t.proc.mm.read(addr, 4);
  return b ? new DataView(b.buffer).getUint32(0, true) : null;
}

function enqueue(k: Kernel, w: FutexWaiter): void {
  const q = k.futexes.get(w.key) ?? [];
  q.push(w);
  k.futexes.set(w.key, q);
}

// The wait of FUTEX_WAIT: the task is queued under the word's key while the wait is armed, so a
// signal or a timeout that ends it leaves no waiter behind; a FUTEX_WAKE marks it woken.
function futexBlock(k: Kernel, on: FutexOn, deadline?: Deadline): Blocked {
  const word: Waitable = {
    watch(_events, cb) {
      const w: FutexWaiter = { bitset: on.bitset, key: on.key, wake: () => { on.woken = true; cb(); } };
      enqueue(k, w);
      return () => dequeue(k, w);
    },
  };
  return new Blocked(on, [{ on: word, events: POLL_ALL }], deadline);
}

function futexWait(t: Task, k: Kernel, addr: number, val: number, timeout: number, bitset: number, priv: boolean, absolute: boolean, realtime: boolean): number | Blocked {
  const prev = resumed(t, 'futex');
  if (prev) {
    if (prev.woken) return 0;
    const d = t.resumed!.deadline;
    if (d && (d.realtime ? k.host.realtimeNs() : k.host.monotonicNs()) >= d.ns) return -ETIMEDOUT;
    return futexBlock(k, prev, d);
  }
  if (bitset === 0) return -EINVAL;
  const cur = readU32(t, addr);
  if (cur === null) return addr % 4 ? -EINVAL : -EFAULT;
  if (cur !== (val >>> 0)) return -EAGAIN;
  let deadline: Deadline | undefined;
  if (timeout) {
    const b = t.proc.mm.read(timeout, 16);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    const s = dv.getBigInt64(0, true), ns = dv.getBigInt64(8, true);
    if (s < 0n || ns < 0n || ns >= 1_000_000_000n) return -EINVAL;
    const d = s * 1_000_000_000n + ns;
    deadline = { ns: absolute ? d : (realtime ? k.host.realtimeNs() : k.host.monotonicNs()) + d, realtime };
  }
  return futexBlock(k, { kind: 'futex', key: futexKey(t, addr, priv), bitset, woken: false }, deadline);
}

function wakeOp(t: Task, k: Kernel, addr: number, n: number, n2: number, addr2: number, op: number, priv: boolean): number {
  const old = readU32(t, addr2);
  if (old === null) return -EFAULT;
  const kind = (op >>> 28) & 7, cmp = (op >>> 24) & 15;
  let oparg = (op << 8) >> 20;
  const cmparg = (op << 20) >> 20;
  if (op & (8 << 28)) oparg = 1 << (oparg & 31);
  let nv: number;
  switch (kind) {
    case 0: nv = oparg; break;
    case 1: nv = old + oparg; break;
    case 2: nv = old | oparg; break;
    case 3: nv = old & ~oparg; break;
    case 4: nv = old ^ oparg; break;
    default: return -ENOSYS;
  }
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, nv >>> 0, true);
  if (!t.proc.mm.write(addr2, b)) return -EFAULT;
  let r = futexWake(k, futexKey(t, addr, priv), n, -1);
  const o = old | 0;
  const ok = [o === cmparg, o !== cmparg, o < cmparg, o <= cmparg, o > cmparg, o >= cmparg][cmp];
  if (ok === undefined) return -ENOSYS;
  if (ok) r += futexWake(k, futexKey(t, addr2, priv), n2, -1);
  return r;
}

function requeue(t: Task, k: Kernel, addr: number, n: number, n2: number, addr2: number, priv: boolean): number {
  const woken = futexWake(k, futexKey(t, addr, priv), n, -1);
  const from = k.futexes.get(futexKey(t, addr, priv));
  if (!from) return woken;
  const toKey = futexKey(t, addr2, priv);
  const moved = from.splice(0, n2);
  if (from.length === 0) k.futexes.delete(futexKey(t, addr, priv));
  if (moved.length) {
    const q = k.futexes.get(toKey) ?? [];
    for (const w of moved) { w.key = toKey; q.push(w); }
    k.futexes.set(toKey, q);
  }
  return woken + moved.length;
}

// futex(2)
const sysFutex: Handler = (t, a, k) => {
  const addr = a.u(0), op = a.i(1), val = a.u32(2), timeout = a.u(3), addr2 = a.u(4), val3 = a.u32(5);
  const priv = (op & FUTEX_PRIVATE_FLAG) !== 0;
  const realtime = (op & FUTEX_CLOCK_REALTIME) !== 0;
  const cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  switch (cmd) {
    case FUTEX_WAIT: return futexWait(t, k, addr, val, timeout, -1, priv, false, false);
    case FUTEX_WAIT_BITSET: return futexWait(t, k, addr, val, timeout, val3 | 0, priv, true, realtime);
    case FUTEX_WAKE: return futexWake(k, futexKey(t, addr, priv), val, -1);
    case FUTEX_WAKE_BITSET: return val3 === 0 ? -EINVAL : futexWake(k, futexKey(t, addr, priv), val, val3 | 0);
    case FUTEX_REQUEUE: return requeue(t, k, addr, val, timeout, addr2, priv);
    case FUTEX_CMP_REQUEUE: {
      const cur = readU32(t, addr);
      if (cur === null) return -EFAULT;
      if (cur !== val3) return -EAGAIN;
      return requeue(t, k, addr, val, timeout, addr2, priv);
    }
    case FUTEX_WAKE_OP: return wakeOp(t, k, addr, val, timeout, addr2, val3, priv);
    default: return -ENOSYS;
  }
};

// futex_waitv(2): wait on up to 128 futex words at once; the result is the index of the one woken.
// struct futex_waitv { u64 val; u64 uaddr; u32 flags; u32 __reserved }; flags: FUTEX2_SIZE_U32 (2),
// optionally FUTEX2_PRIVATE (128). The timeout is absolute, on CLOCK_MONOTONIC or CLOCK_REALTIME.
const FUTEX2_SIZE_U32 = 2, FUTEX2_PRIVATE = 128, FUTEX_WAITV_MAX = 128;
type FutexvOn = Extract<WaitOn, { kind: 'futexv' }>;
function futexvBlock(k: Kernel, on: FutexvOn, deadline?: Deadline): Blocked {
  const sources = on.keys.map((key, i) => ({
    on: {
      watch(_events: number, cb: () => void) {
        const w: FutexWaiter = { bitset: -1, key, wake: () => { if (on.woken < 0) on.woken = i; cb(); } };
        enqueue(k, w);
        return () => dequeue(k, w);
      },
    } satisfies Waitable,
    events: POLL_ALL,
  }));
  return new Blocked(on, sources, deadline);
}
const sysFutexWaitv: Handler = (t, a, k) => {
  const prev = resumed(t, 'futexv');
  if (prev) {
    if (prev.woken >= 0) return prev.woken;
    const d = t.resumed!.deadline;
    if (d && (d.realtime ? k.host.realtimeNs() : k.host.monotonicNs()) >= d.ns) return -ETIMEDOUT;
    return futexvBlock(k, prev, d);
  }
  const addr = a.u(0), n = a.u32(1), flags = a.u32(2), timeout = a.u(3), clock = a.i(4);
  if (flags !== 0 || n === 0 || n > FUTEX_WAITV_MAX || !addr) return -EINVAL;
  let deadline: Deadline | undefined;
  if (timeout) {
    if (clock !== 0 && clock !== 1) return -EINVAL;
    const b = t.proc.mm.read(timeout, 16);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    const s = dv.getBigInt64(0, true), ns = dv.getBigInt64(8, true);
    if (s < 0n || ns < 0n || ns >= 1_000_000_000n) return -EINVAL;
    deadline = { ns: s * 1_000_000_000n + ns, realtime: clock === 0 };
    if (!deadline.realtime) deadline = { ns: deadline.ns };
  }
  const b = t.proc.mm.read(addr, n * 24);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const keys: string[] = [];
  const words: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const val = dv.getBigUint64(i * 24, true), uaddr = Number(dv.getBigUint64(i * 24 + 8, true));
    const f = dv.getUint32(i * 24 + 16, true), reserved = dv.getUint32(i * 24 + 20, true);
    if (reserved || (f & ~FUTEX2_PRIVATE) !== FUTEX2_SIZE_U32 || uaddr % 4 || val > 0xffffffffn) return -EINVAL;
    keys.push(futexKey(t, uaddr, (f & FUTEX2_PRIVATE) !== 0));
    words.push([uaddr, Number(val)]);
  }
  for (const [uaddr, val] of words) {
    const cur = readU32(t, uaddr);
    if (cur === null) return -EFAULT;
    if (cur !== val) return -EAGAIN;
  }
  if (deadline && (deadline.realtime ? k.host.realtimeNs() : k.host.monotonicNs()) >= deadline.ns) return -ETIMEDOUT;
  return futexvBlock(k, { kind: 'futexv', keys, woken: -1 }, deadline);
};

// On thread exit: mark the futexes it still holds as owner-died and wake a waiter of each.
export function exitRobustList(k: Kernel, t: Task): void {
  if (!t.robustList) return;
  const mm = t.proc.mm;
  const head = mm.read(t.robustList, 24);
  if (!head) return;
  const hv = new DataView(head.buffer);
  const offset = Number(hv.getBigInt64(8, true));
  const pending = Number(hv.getBigUint64(16, true));
  const mark = (entry: number) => {
    const fa = entry + offset;
    const w = readU32(t, fa);
    if (w === null || (w & FUTEX_TID_MASK) !== t.tid) return;
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, ((w & FUTEX_WAITERS) | FUTEX_OWNER_DIED) >>> 0, true);
    mm.write(fa, b);
    if (w & FUTEX_WAITERS) futexWake(k, futexKey(t, fa, false), 1, -1);
  };
  let entry = Number(hv.getBigUint64(0, true));
  for (let n = 0; entry && entry !== t.robustList && n < 2048; n++) {
    const nb = mm.read(entry, 8);
    if (!nb) break;
    const next = Number(new DataView(nb.buffer).getBigUint64(0, true));
    if (entry !== pending) mark(entry & ~1);
    entry = next;
  }
  if (pending) mark(pending & ~1);
}

const sysSetRobustList: Handler = (t, a) => { if (a.u(1) !== 24) return -EINVAL; t.robustList = a.u(0); return 0; };
const sysGetRobustList: Handler = (t, a, k) => {
  const pid = a.i(0);
  const target = pid ? k.tasks.find((x) => x.tid === pid) : t;
  if (!target) return -3;
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(target.robustList), true);
  const l = new Uint8Array(8);
  new DataView(l.buffer).setBigUint64(0, 24n, true);
  return t.proc.mm.write(a.u(1), b) && t.proc.mm.write(a.u(2), l) ? 0 : -EFAULT;
};

export const futexSyscalls: SyscallDef[] = [
  { nr: 202, name: 'futex', handler: sysFutex, args: ['ptr', 'int', 'uint', 'ptr', 'ptr', 'uint'], status: 'partial', note: 'no PI futexes (FUTEX_LOCK_PI…: ENOSYS)' },
  { nr: 449, name: 'futex_waitv', handler: sysFutexWaitv, args: ['ptr', 'uint', 'hex', 'ptr', 'int'], status: 'implemented' },
  { nr: 273, name: 'set_robust_list', handler: sysSetRobustList, args: ['ptr', 'size'], status: 'implemented' },
  { nr: 274, name: 'get_robust_list', handler: sysGetRobustList, args: ['int', 'ptr', 'ptr'], status: 'implemented' },
];
