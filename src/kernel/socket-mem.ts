// Moving the socket calls' structures between guest memory and the kernel:
// sockaddrs with their lengths, iovec data, struct msghdr, control messages.
import type { Task } from './task.js';
import type { Iov } from './sys-file.js';
import { EFAULT, EINVAL, EMSGSIZE } from '../base/errno.js';

const SOCKADDR_MAX = 128; // sizeof(struct sockaddr_storage)

export function i32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return b;
}

// A sockaddr the guest passes: longer than sockaddr_storage is EINVAL.
export function readAddr(t: Task, addr: number, len: number): Uint8Array | number {
  if (len < 0 || len > SOCKADDR_MAX) return -EINVAL;
  const b = t.proc.mm.read(addr, len);
  return b ?? -EFAULT;
}
// Copy an address out (truncated to the caller's buffer) and store its full length.
export function writeAddr(t: Task, addr: number, lenAddr: number, name: Uint8Array | undefined): number {
  if (!addr || !lenAddr) return 0;
  const lb = t.proc.mm.read(lenAddr, 4);
  if (!lb) return -EFAULT;
  const room = new DataView(lb.buffer, lb.byteOffset).getInt32(0, true);
  if (room < 0) return -EINVAL;
  const n = name?.length ?? 0;
  if (n && room && !t.proc.mm.write(addr, name!.subarray(0, Math.min(room, n)))) return -EFAULT;
  return t.proc.mm.write(lenAddr, i32(n)) ? 0 : -EFAULT;
}

// The bytes of an iovec array, in one buffer.
export function gather(t: Task, iovs: Iov[]): Uint8Array | number {
  const total = iovs.reduce((s, v) => s + v.len, 0);
  if (total > 0x7ffff000) return -EMSGSIZE;
  const out = new Uint8Array(total);
  let o = 0;
  for (const v of iovs) {
    if (!v.len) continue;
    const d = t.proc.mm.read(v.base, v.len);
    if (!d) return -EFAULT;
    out.set(d, o);
    o += v.len;
  }
  return out;
}
// `data` into an iovec array, starting `skip` bytes in.
export function scatter(t: Task, iovs: Iov[], data: Uint8Array, skip = 0): boolean {
  let off = 0;
  for (const v of iovs) {
    if (off >= data.length) break;
    if (skip >= v.len) { skip -= v.len; continue; }
    const n = Math.min(v.len - skip, data.length - off);
    if (!t.proc.mm.write(v.base + skip, data.subarray(off, off + n))) return false;
    off += n;
    skip = 0;
  }
  return true;
}

export interface MsgHdr { name: number; namelen: number; iov: number; iovlen: number; control: number; controllen: number }
export function readMsghdr(t: Task, addr: number): MsgHdr | number {
  const b = t.proc.mm.read(addr, 56);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer, b.byteOffset);
  const n = (o: number) => Number(dv.getBigUint64(o, true));
  return { name: n(0), namelen: dv.getInt32(8, true), iov: n(16), iovlen: n(24), control: n(32), controllen: n(40) };
}

// Control messages laid out for recvmsg as far as `room` allows: each cmsghdr (len, level, type)
// then its data, padded to 8 bytes; what does not fit is dropped and reported by ctrunc.
export function layoutCmsgs(list: { level: number; type: number; data: Uint8Array }[], room: number): { bytes: Uint8Array; ctrunc: boolean } {
  const parts: Uint8Array[] = [];
  let used = 0, ctrunc = false;
  for (const c of list) {
    const len = 16 + c.data.length, space = (len + 7) & ~7;
    if (used + 16 > room) { ctrunc = true; break; }
    const b = new Uint8Array(Math.min(space, room - used));
    const dv = new DataView(b.buffer);
    dv.setBigUint64(0, BigInt(Math.min(len, room - used)), true);
    dv.setInt32(8, c.level, true);
    dv.setInt32(12, c.type, true);
    b.set(c.data.subarray(0, b.length - 16), 16);
    if (b.length < len) ctrunc = true;
    parts.push(b);
    used += b.length;
  }
  const bytes = new Uint8Array(used);
  let o = 0;
  for (const p of parts) { bytes.set(p, o); o += p.length; }
  return { bytes, ctrunc };
}
