// The interface ioctls of AF_INET sockets (struct ifreq, struct ifconf): what
// busybox ifconfig, glibc's if_nametoindex/if_indextoname and older programs
// ask instead of netlink. Changes (SIOCSIF*) are EPERM, as in a container.
import { EADDRNOTAVAIL, EFAULT, EINVAL, ENODEV, ENOTTY, EPERM } from '../base/errno.js';
import type { GuestMemory } from '../fs/file.js';
import { isMapped, type Ip } from './inet-addr.js';
import type { NetInterface, NetStack } from './stack.js';

const SIOCGIFNAME = 0x8910, SIOCGIFCONF = 0x8912, SIOCGIFFLAGS = 0x8913, SIOCGIFADDR = 0x8915, SIOCGIFDSTADDR = 0x8917,
  SIOCGIFBRDADDR = 0x8919, SIOCGIFNETMASK = 0x891b, SIOCGIFMETRIC = 0x891d, SIOCGIFMTU = 0x8921, SIOCGIFHWADDR = 0x8927,
  SIOCGIFINDEX = 0x8933, SIOCGIFTXQLEN = 0x8942;
const IFREQ = 40, IFNAMSIZ = 16;
// SIOCADDRT, SIOCDELRT, SIOCSIFFLAGS, SIOCSIFADDR, SIOCSIFDSTADDR, SIOCSIFBRDADDR, SIOCSIFNETMASK,
// SIOCSIFMETRIC, SIOCSIFMTU, SIOCSIFNAME, SIOCSIFHWADDR, SIOCSIFTXQLEN
const SETTERS = new Set([0x890b, 0x890c, 0x8914, 0x8916, 0x8918, 0x891a, 0x891c, 0x891e, 0x8922, 0x8923, 0x8924, 0x8943]);

const le32 = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, v, true); return b; };
function sockaddrIn(ip: Uint8Array): Uint8Array {
  const b = new Uint8Array(16);
  b[0] = 2; // AF_INET
  b.set(ip.subarray(12), 4);
  return b;
}
function mask4(bits: number): Uint8Array {
  const m = new Uint8Array(16);
  for (let i = 0; i < 16; i++) { const n = Math.max(0, Math.min(8, bits - i * 8)); m[i] = (0xff << (8 - n)) & 0xff; }
  return m;
}
const v4addr = (i: NetInterface): { ip: Ip; bits: number; broadcast?: Ip } | undefined => i.addrs.find((a) => isMapped(a.ip));

// Answer `request` (its ifreq or ifconf at `arg`), or ENOTTY when it is not an interface ioctl.
export function interfaceIoctl(stack: NetStack, request: number, arg: number, mem: GuestMemory): number {
  if (request === SIOCGIFCONF) {
    const hdr = mem.read(arg, 16);
    if (!hdr) return -EFAULT;
    const dv = new DataView(hdr.buffer, hdr.byteOffset, 16);
    const room = dv.getInt32(0, true), buf = Number(dv.getBigUint64(8, true));
    const entries = stack.interfaces.filter((i) => v4addr(i));
    let used = 0;
    if (buf) {
      for (const i of entries) {
        if (used + IFREQ > room) break;
        const req = new Uint8Array(IFREQ);
        req.set(new TextEncoder().encode(i.name).subarray(0, IFNAMSIZ - 1));
        req.set(sockaddrIn(v4addr(i)!.ip), IFNAMSIZ);
        if (!mem.write(buf + used, req)) return -EFAULT;
        used += IFREQ;
      }
    } else used = entries.length * IFREQ;
    return mem.write(arg, le32(used)) ? 0 : -EFAULT;
  }
  if ((request & 0xff00) !== 0x8900) return -ENOTTY;
  const req = mem.read(arg, IFREQ);
  if (!req) return -EFAULT;
  let iface: NetInterface | undefined;
  if (request === SIOCGIFNAME) {
    const index = new DataView(req.buffer, req.byteOffset + IFNAMSIZ, 4).getInt32(0, true);
    iface = stack.interfaces.find((i) => i.index === index);
    if (!iface) return -ENODEV;
    const name = new Uint8Array(IFNAMSIZ);
    name.set(new TextEncoder().encode(iface.name).subarray(0, IFNAMSIZ - 1));
    return mem.write(arg, name) ? 0 : -EFAULT;
  }
  const end = req.indexOf(0);
  const name = new TextDecoder().decode(req.subarray(0, end < 0 || end > IFNAMSIZ ? IFNAMSIZ : end));
  iface = stack.interfaces.find((i) => i.name === name);
  if (SETTERS.has(request)) return iface ? -EPERM : -ENODEV;
  if (!iface) return -ENODEV;
  const out = (data: Uint8Array) => (mem.write(arg + IFNAMSIZ, data) ? 0 : -EFAULT);
  const a = v4addr(iface);
  switch (request) {
    case SIOCGIFFLAGS: return out(Uint8Array.of(iface.flags & 0xff, (iface.flags >> 8) & 0xff));
    case SIOCGIFINDEX: return out(le32(iface.index));
    case SIOCGIFMTU: return out(le32(iface.mtu));
    case SIOCGIFMETRIC: return out(le32(0));
    case SIOCGIFTXQLEN: return out(le32(1000));
    case SIOCGIFHWADDR: {
      const b = new Uint8Array(16);
      b[0] = iface.type & 0xff; b[1] = iface.type >> 8;
      b.set(iface.mac, 2);
      return out(b);
    }
    case SIOCGIFADDR: case SIOCGIFDSTADDR: return a ? out(sockaddrIn(a.ip)) : -EADDRNOTAVAIL;
    case SIOCGIFNETMASK: return a ? out(sockaddrIn(mask4(a.bits))) : -EADDRNOTAVAIL;
    case SIOCGIFBRDADDR: return a ? out(sockaddrIn(a.broadcast ?? new Uint8Array(16))) : -EADDRNOTAVAIL;
  }
  return -EINVAL;
}
