// Credentials: setuid, setgid, setreuid, setregid, setresuid, setresgid,
// setgroups, setfsuid, setfsgid, capget, capset. Root (euid 0) may set any id;
// others may only switch among their real, effective and saved ids.
import type { SyscallDef, Handler } from './syscall.js';
import type { Credentials, Task } from './task.js';
import { EFAULT, EINVAL, EPERM } from '../base/errno.js';

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
    if (!keep(r)) c.uid = r;
    if (!keep(e)) c.euid = e;
    if (!keep(s)) c.suid = s;
  } else {
    if (!keep(r)) c.gid = r;
    if (!keep(e)) c.egid = e;
    if (!keep(s)) c.sgid = s;
  }
  return 0;
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
// setfsuid(2)/setfsgid(2): the file-system id follows the effective id here; they report it.
const sysSetfsuid: Handler = (t) => t.proc.creds.euid;
const sysSetfsgid: Handler = (t) => t.proc.creds.egid;

// capget(2)/capset(2): root holds every capability, others none.
const LINUX_CAPABILITY_VERSION_3 = 0x20080522;
const sysCapget: Handler = (t, a) => {
  const hdr = t.proc.mm.read(a.u(0), 8);
  if (!hdr) return -EFAULT;
  const version = new DataView(hdr.buffer).getUint32(0, true);
  if (version !== LINUX_CAPABILITY_VERSION_3 && version !== 0x19980330 && version !== 0x20071026) {
    const fix = new Uint8Array(4);
    new DataView(fix.buffer).setUint32(0, LINUX_CAPABILITY_VERSION_3, true);
    t.proc.mm.write(a.u(0), fix);
    return a.u(1) ? -EINVAL : 0;
  }
  if (!a.u(1)) return 0;
  const words = version === 0x19980330 ? 1 : 2;
  const data = new Uint8Array(12 * words);
  const dv = new DataView(data.buffer);
  const all = t.proc.creds.euid === 0;
  for (let w = 0; w < words; w++) {
    const bits = all ? (w === 0 ? 0xffffffff : 0x1ff) : 0; // capabilities 0..40
    dv.setUint32(w * 12, bits, true); // effective
    dv.setUint32(w * 12 + 4, bits, true); // permitted
  }
  return t.proc.mm.write(a.u(1), data) ? 0 : -EFAULT;
};
const sysCapset: Handler = (t) => (t.proc.creds.euid === 0 ? 0 : -EPERM);

export const credSyscalls: SyscallDef[] = [
  { nr: 105, name: 'setuid', handler: sysSetuid, args: ['int'], status: 'implemented' },
  { nr: 106, name: 'setgid', handler: sysSetgid, args: ['int'], status: 'implemented' },
  { nr: 113, name: 'setreuid', handler: sysSetreuid, args: ['int', 'int'], status: 'implemented' },
  { nr: 114, name: 'setregid', handler: sysSetregid, args: ['int', 'int'], status: 'implemented' },
  { nr: 117, name: 'setresuid', handler: sysSetresuid, args: ['int', 'int', 'int'], status: 'implemented' },
  { nr: 119, name: 'setresgid', handler: sysSetresgid, args: ['int', 'int', 'int'], status: 'implemented' },
  { nr: 116, name: 'setgroups', handler: sysSetgroups, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 122, name: 'setfsuid', handler: sysSetfsuid, args: ['int'], status: 'partial', note: 'the fs id is the effective id; reports it' },
  { nr: 123, name: 'setfsgid', handler: sysSetfsgid, args: ['int'], status: 'partial', note: 'the fs id is the effective id; reports it' },
  { nr: 125, name: 'capget', handler: sysCapget, args: ['ptr', 'ptr'], status: 'partial', note: 'root has every capability, others none' },
  { nr: 126, name: 'capset', handler: sysCapset, args: ['ptr', 'ptr'], status: 'partial', note: 'accepted for root, no effect' },
];
