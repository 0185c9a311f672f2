// Credentials: setuid, setgid, setreuid, setregid, setresuid, setresgid,
// setgroups, setfsuid, setfsgid, capget, capset. Root (euid 0) may set any id;
// others may only switch among their real, effective and saved ids.
import type { SyscallDef, Handler } from './syscall.js';
import { ALL_CAPS, CAP_LAST_CAP, capsOf, type Credentials, type Task } from './task.js';
import { EFAULT, EINVAL, EPERM, ESRCH } from '../base/errno.js';

const NGROUPS_MAX = 65536;
const keep = (v: number) => v === -1;

function allowed(c: Credentials, uid: boolean, v: number): boolean {
  if (c.euid === 0) return true;
  return uid ? v === c.uid || v === c.euid || v === c.suid : v === c.gid || v === c.egid || v === c.sgid;
}

// setresuid(2) / setresgid(2): the general form the others reduce to.
function setres(t: Task, uid: boolean, r: number, e: number, s: number): number {
  const c = t.proc.creds;
  for (const v of [r, e, s]) if (!keep(v) && !allowed(c, uid, v)) return -EPERM;
  if (uid) {
    const before = { uid: c.uid, euid: c.euid, suid: c.suid };
    if (!keep(r)) c.uid = r;
    if (!keep(e)) c.euid = e;
    if (!keep(s)) c.suid = s;
    c.fsuid = c.euid;
    uidChanged(c, before);
  } else {
    if (!keep(r)) c.gid = r;
    if (!keep(e)) c.egid = e;
    if (!keep(s)) c.sgid = s;
    c.fsgid = c.egid;
  }
  return 0;
}
// Capabilities across a change of user ids, as Linux does: leaving euid 0 clears the effective set;
// no id 0 left clears the permitted and ambient sets too (unless PR_SET_KEEPCAPS); returning to euid 0
// makes the effective set the permitted one.
function uidChanged(c: Credentials, before: { uid: number; euid: number; suid: number }): void {
  const caps = capsOf(c);
  const hadRoot = before.uid === 0 || before.euid === 0 || before.suid === 0;
  const hasRoot = c.uid === 0 || c.euid === 0 || c.suid === 0;
  if (hadRoot && !hasRoot && !c.keepCaps) { caps.prm = 0n; caps.eff = 0n; caps.amb = 0n; }
  if (before.euid === 0 && c.euid !== 0) caps.eff = 0n;
  if (before.euid !== 0 && c.euid === 0) caps.eff = caps.prm;
  c.caps = caps;
}

const sysSetuid: Handler = (t, a) => {
  const v = a.i(0);
  if (v < 0) return -EINVAL;
  // root sets all three; others only the effective id
  return t.proc.creds.euid === 0 ? setres(t, true, v, v, v) : setres(t, true, -1, v, -1);
};
const sysSetgid: Handler = (t, a) => {
  const v = a.i(0);
  if (v < 0) return -EINVAL;
  return t.proc.creds.euid === 0 ? setres(t, false, v, v, v) : setres(t, false, -1, v, -1);
};
// setreuid(2): the saved id follows the new effective one when the real id is set or the effective one changes
function setre(t: Task, uid: boolean, r: number, e: number): number {
  const c = t.proc.creds;
  const oldReal = uid ? c.uid : c.gid;
  let s = -1;
  if (!keep(r) || (!keep(e) && e !== oldReal)) s = keep(e) ? (uid ? c.euid : c.egid) : e;
  if (!keep(r) && c.euid !== 0 && r !== (uid ? c.uid : c.gid) && r !== (uid ? c.euid : c.egid)) return -EPERM;
  return setres(t, uid, r, e, s);
}
const sysSetreuid: Handler = (t, a) => setre(t, true, a.i(0), a.i(1));
const sysSetregid: Handler = (t, a) => setre(t, false, a.i(0), a.i(1));
const sysSetresuid: Handler = (t, a) => setres(t, true, a.i(0), a.i(1), a.i(2));
const sysSetresgid: Handler = (t, a) => setres(t, false, a.i(0), a.i(1), a.i(2));

const sysSetgroups: Handler = (t, a) => {
  const n = a.i(0);
  if (n < 0 || n > NGROUPS_MAX) return -EINVAL;
  if (t.proc.creds.euid !== 0) return -EPERM;
  const groups: number[] = [];
  if (n) {
    const b = t.proc.mm.read(a.u(1), n * 4);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    for (let i = 0; i < n; i++) groups.push(dv.getUint32(i * 4, true));
  }
  t.proc.creds.groups = groups;
  return 0;
};
// setfsuid(2)/setfsgid(2): the id file access checks would use; the old one is returned whether or
// not the new one is allowed (root, or one of the real, effective, saved and current fs ids).
function setfs(t: Task, uid: boolean, v: number): number {
  const c = t.proc.creds;
  const old = uid ? c.fsuid ?? c.euid : c.fsgid ?? c.egid;
  const ids = uid ? [c.uid, c.euid, c.suid, old] : [c.gid, c.egid, c.sgid, old];
  if (v !== -1 && (c.euid === 0 || ids.includes(v))) {
    if (uid) c.fsuid = v; else c.fsgid = v;
  }
  return old;
}
const sysSetfsuid: Handler = (t, a) => setfs(t, true, a.i(0));
const sysSetfsgid: Handler = (t, a) => setfs(t, false, a.i(0));

// capget(2)/capset(2): version 1 (one 32-bit word per set) or 2 and 3 (two words).
const LINUX_CAPABILITY_VERSION_1 = 0x19980330, LINUX_CAPABILITY_VERSION_2 = 0x20071026, LINUX_CAPABILITY_VERSION_3 = 0x20080522;
// The header's version (a bad one is replaced by the version this kernel prefers: EINVAL) and pid.
function capHeader(t: Task, addr: number): { words: number; pid: number } | number {
  const hdr = t.proc.mm.read(addr, 8);
  if (!hdr) return -EFAULT;
  const dv = new DataView(hdr.buffer);
  const version = dv.getUint32(0, true);
  if (version !== LINUX_CAPABILITY_VERSION_3 && version !== LINUX_CAPABILITY_VERSION_1 && version !== LINUX_CAPABILITY_VERSION_2) {
    dv.setUint32(0, LINUX_CAPABILITY_VERSION_3, true);
    t.proc.mm.write(addr, hdr.subarray(0, 4));
    return -EINVAL;
  }
  return { words: version === LINUX_CAPABILITY_VERSION_1 ? 1 : 2, pid: dv.getInt32(4, true) };
}
const sysCapget: Handler = (t, a, k) => {
  const h = capHeader(t, a.u(0));
  if (typeof h === 'number') return h === -EINVAL && !a.u(1) ? 0 : h;
  if (h.pid < 0) return -EINVAL;
  const target = h.pid === 0 ? t.proc : k.processes.get(h.pid) ?? k.tasks.find((x) => x.tid === h.pid)?.proc;
  if (!target) return -ESRCH;
  if (!a.u(1)) return 0;
  const caps = capsOf(target.creds);
  const data = new Uint8Array(12 * h.words);
  const dv = new DataView(data.buffer);
  for (let w = 0; w < h.words; w++) {
    const part = (v: bigint) => Number((v >> BigInt(32 * w)) & 0xffffffffn);
    dv.setUint32(w * 12, part(caps.eff), true);
    dv.setUint32(w * 12 + 4, part(caps.prm), true);
    dv.setUint32(w * 12 + 8, part(caps.inh), true);
  }
  return t.proc.mm.write(a.u(1), data) ? 0 : -EFAULT;
};
// capset: a process changes only its own sets; permitted can only shrink, effective stays within
// permitted, inheritable within the old inheritable and permitted; ambient keeps what both allow.
const sysCapset: Handler = (t, a) => {
  const h = capHeader(t, a.u(0));
  if (typeof h === 'number') return h;
  if (h.pid !== 0 && h.pid !== t.proc.pid) return -EPERM;
  const b = t.proc.mm.read(a.u(1), 12 * h.words);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  let eff = 0n, prm = 0n, inh = 0n;
  for (let w = 0; w < h.words; w++) {
    const sh = BigInt(32 * w);
    eff |= BigInt(dv.getUint32(w * 12, true)) << sh;
    prm |= BigInt(dv.getUint32(w * 12 + 4, true)) << sh;
    inh |= BigInt(dv.getUint32(w * 12 + 8, true)) << sh;
  }
  const c = t.proc.creds, old = capsOf(c);
  if (h.words === 1) { eff |= old.eff & ~0xffffffffn; prm |= old.prm & ~0xffffffffn; inh |= old.inh & ~0xffffffffn; }
  eff &= ALL_CAPS; prm &= ALL_CAPS; inh &= ALL_CAPS;
  const setpcap = (old.eff >> 8n) & 1n; // CAP_SETPCAP
  if (prm & ~old.prm) return -EPERM;
  if (eff & ~prm) return -EPERM;
  if (inh & ~(old.inh | (setpcap ? old.bnd : old.prm)) || inh & ~(old.inh | old.bnd)) return -EPERM;
  c.caps = { eff, prm, inh, bnd: old.bnd, amb: old.amb & prm & inh };
  return 0;
};

// prctl's capability requests (PR_CAPBSET_READ/DROP, PR_CAP_AMBIENT, PR_GET/SET_KEEPCAPS); undefined: not one of them.
const PR_GET_KEEPCAPS = 7, PR_SET_KEEPCAPS = 8, PR_CAPBSET_READ = 23, PR_CAPBSET_DROP = 24, PR_CAP_AMBIENT = 47;
const PR_CAP_AMBIENT_IS_SET = 1, PR_CAP_AMBIENT_RAISE = 2, PR_CAP_AMBIENT_LOWER = 3, PR_CAP_AMBIENT_CLEAR_ALL = 4;
export function capPrctl(t: Task, op: number, arg2: number, arg3: number, arg4: number, arg5: number): number | undefined {
  const c = t.proc.creds;
  const valid = (cap: number) => cap >= 0 && cap <= CAP_LAST_CAP;
  const bit = (cap: number) => 1n << BigInt(cap);
  switch (op) {
    case PR_GET_KEEPCAPS: return c.keepCaps ? 1 : 0;
    case PR_SET_KEEPCAPS: if (arg2 !== 0 && arg2 !== 1) return -EINVAL; c.keepCaps = arg2 === 1; return 0;
    case PR_CAPBSET_READ: return valid(arg2) ? Number((capsOf(c).bnd >> BigInt(arg2)) & 1n) : -EINVAL;
    case PR_CAPBSET_DROP: {
      const caps = capsOf(c);
      if (!((caps.eff >> 8n) & 1n)) return -EPERM;
      if (!valid(arg2)) return -EINVAL;
      c.caps = { ...caps, bnd: caps.bnd & ~bit(arg2) };
      return 0;
    }
    case PR_CAP_AMBIENT: {
      const caps = capsOf(c);
      if (arg2 === PR_CAP_AMBIENT_CLEAR_ALL) {
        if (arg3 || arg4 || arg5) return -EINVAL;
        c.caps = { ...caps, amb: 0n };
        return 0;
      }
      if (arg4 || arg5) return -EINVAL;
      if (!valid(arg3)) return -EINVAL;
      if (arg2 === PR_CAP_AMBIENT_IS_SET) return Number((caps.amb >> BigInt(arg3)) & 1n);
      if (arg2 === PR_CAP_AMBIENT_LOWER) { c.caps = { ...caps, amb: caps.amb & ~bit(arg3) }; return 0; }
      if (arg2 === PR_CAP_AMBIENT_RAISE) {
        if (!(caps.prm & bit(arg3)) || !(caps.inh & bit(arg3))) return -EPERM;
        c.caps = { ...caps, amb: caps.amb | bit(arg3) };
        return 0;
      }
      return -EINVAL;
    }
  }
  return undefined;
}

// execve: the new program's capabilities (no file capabilities here; root's programs get them all
// as Linux's root emulation gives: permitted = inheritable | bounding, effective = permitted for euid 0).
export function capsAfterExec(c: Credentials): void {
  if (!c.caps) return;
  const old = c.caps;
  if (c.uid === 0 || c.euid === 0) {
    const prm = (old.inh | old.bnd) & ALL_CAPS;
    c.caps = { ...old, prm, eff: c.euid === 0 ? prm : old.amb };
  } else c.caps = { ...old, prm: old.amb, eff: old.amb };
}

export const credSyscalls: SyscallDef[] = [
  { nr: 105, name: 'setuid', handler: sysSetuid, args: ['int'], status: 'implemented' },
  { nr: 106, name: 'setgid', handler: sysSetgid, args: ['int'], status: 'implemented' },
  { nr: 113, name: 'setreuid', handler: sysSetreuid, args: ['int', 'int'], status: 'implemented' },
  { nr: 114, name: 'setregid', handler: sysSetregid, args: ['int', 'int'], status: 'implemented' },
  { nr: 117, name: 'setresuid', handler: sysSetresuid, args: ['int', 'int', 'int'], status: 'implemented' },
  { nr: 119, name: 'setresgid', handler: sysSetresgid, args: ['int', 'int', 'int'], status: 'implemented' },
  { nr: 116, name: 'setgroups', handler: sysSetgroups, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 122, name: 'setfsuid', handler: sysSetfsuid, args: ['int'], status: 'partial', note: 'kept and reported; file access checks use the effective id' },
  { nr: 123, name: 'setfsgid', handler: sysSetfsgid, args: ['int'], status: 'partial', note: 'kept and reported; file access checks use the effective id' },
  { nr: 125, name: 'capget', handler: sysCapget, args: ['ptr', 'ptr'], status: 'implemented' },
  { nr: 126, name: 'capset', handler: sysCapset, args: ['ptr', 'ptr'], status: 'partial', note: 'the sets are kept with Linux\'s rules; permission checks look at euid 0, not at single capabilities' },
];
