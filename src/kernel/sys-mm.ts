// Memory syscalls: brk, mmap, munmap, mprotect, mremap, madvise, msync, mincore.
import type { SyscallDef, Handler } from './syscall.js';
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import { EINVAL, ENOMEM, EBADF, EACCES, EEXIST, ENODEV, EFAULT, EOPNOTSUPP, EOVERFLOW, EPERM } from '../base/errno.js';
import { PAGE, pageCeil, pageFloor, PROT_READ, PROT_WRITE, PROT_EXEC, TASK_SIZE, mappedAs, type MappedFile, type Vma } from '../mm/address-space.js';
import { SharedMemory } from '../mm/page-cache.js';
import { O_ACCMODE, O_RDWR, O_WRONLY, S_IFMT, S_IFCHR, isReg, guestStat } from '../fs/file.js';

const MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_SHARED_VALIDATE = 3, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
  MAP_GROWSDOWN = 0x100, MAP_NORESERVE = 0x4000, MAP_FIXED_NOREPLACE = 0x100000;
const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;
const DEV_ZERO = (1 << 8) | 5; // makedev(1, 5)
const MADV_DONTNEED = 4, MADV_FREE = 8, MADV_REMOVE = 9;

// brk(2)
const sysBrk: Handler = (t, a) => {
  const mm = t.proc.mm;
  const want = a.u(0);
  if (want < mm.brkStart) return mm.brk;
  const oldEnd = pageCeil(mm.brk), newEnd = pageCeil(want);
  if (newEnd > oldEnd) {
    if (!mm.isFree(oldEnd, newEnd)) return mm.brk;
    const heap = mm.find(oldEnd - 1);
    if (!mm.map(oldEnd, newEnd - oldEnd, PROT_READ | PROT_WRITE, { name: '[heap]' })) return mm.brk;
    void heap;
  } else if (newEnd < oldEnd) {
    mm.unmap(newEnd, oldEnd - newEnd);
  }
  mm.brk = want;
  return mm.brk;
};

// mmap(2), checking in Linux's order: the offset's alignment, the descriptor (EBADF), the length,
// the map count, a fixed address, then the type and flags against the file's access mode.
const MAP_TYPE = 0xf;
// The flags MAP_SHARED_VALIDATE knows (LEGACY_MAP_MASK and MAP_FIXED_NOREPLACE); others are EOPNOTSUPP.
const MAP_VALIDATE_KNOWN = 0x3f | 0x100 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000 | 0x40000 | 0x4000000 | MAP_FIXED_NOREPLACE;
const MAP_SYNC = 0x80000;
const sysMmap: Handler = (t, a, k) => {
  const mm = t.proc.mm;
  let addr = a.u(0);
  const len = a.u(1), prot = a.i(2), flags = a.i(3), fd = a.i(4), off = a.s64(5);
  if (off % PAGE !== 0) return -EINVAL;
  let anonymous = (flags & MAP_ANONYMOUS) !== 0;
  const f = anonymous ? undefined : t.proc.files.get(fd);
  if (!anonymous && !f) return -EBADF;
  if (len === 0) return -EINVAL;
  const size = pageCeil(len);
  if (size > TASK_SIZE || size === 0) return -ENOMEM;
  if (off < 0 || off + size > 2 ** 63) return -EOVERFLOW;
  if (mm.vmas.length >= k.account.maxMapCount) return -ENOMEM;
  if (addr % PAGE !== 0 && flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) return -EINVAL;
  const type = flags & MAP_TYPE;
  let file: MappedFile | undefined;
  let noWrite = false;
  if (f) {
    const acc = f.flags & O_ACCMODE;
    if (type === MAP_SHARED || type === MAP_SHARED_VALIDATE) {
      if (type === MAP_SHARED_VALIDATE && flags & ~MAP_VALIDATE_KNOWN & ~MAP_SYNC) return -EOPNOTSUPP;
      if (type === MAP_SHARED_VALIDATE && flags & MAP_SYNC) return -EOPNOTSUPP; // no DAX files here
      if (prot & PROT_WRITE && acc !== O_RDWR) return -EACCES;
      if (acc === O_WRONLY) return -EACCES;
      noWrite = acc !== O_RDWR;
    } else if (type === MAP_PRIVATE) {
      if (acc === O_WRONLY) return -EACCES;
    } else return -EINVAL;
    const st = guestStat(f);
    if (typeof st !== 'number' && (st.mode & S_IFMT) === S_IFCHR && st.rdev === DEV_ZERO) anonymous = true;
    else {
      const m = f.mapping();
      if (typeof m === 'number') return m === -ENODEV ? -ENODEV : m;
      file = typeof st !== 'number' && isReg(st.mode) ? mappedAs(m, { cacheKey: f.node?.inode ?? f }) : m;
    }
  } else if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -EINVAL;
  if (anonymous && type !== MAP_PRIVATE) file = new SharedMemory(k.pageCache);
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (addr + size > TASK_SIZE) return -ENOMEM;
    if (flags & MAP_FIXED_NOREPLACE && !(flags & MAP_FIXED) && !mm.isFree(addr, addr + size)) return -EEXIST;
    if (mm.sealedIn(addr, addr + size)) return -EPERM;
  } else {
    addr = pageFloor(addr);
    if (!addr || addr + size > TASK_SIZE || !mm.isFree(addr, addr + size) || addr < 0x10000) {
      addr = mm.findFree(size);
      if (addr < 0) return -ENOMEM;
    }
  }
  const ok = mm.map(addr, size, prot & 7, {
    shared: type !== MAP_PRIVATE, file, offset: off, growsDown: !!(flags & MAP_GROWSDOWN), noreserve: !!(flags & MAP_NORESERVE),
  });
  if (!ok) return -ENOMEM;
  if (noWrite && file) mm.setAttr(addr, addr + size, (v) => { v.noWrite = true; });
  if (file && type !== MAP_PRIVATE && !anonymous) k.armWriteback();
  return addr;
};

// munmap(2)
const sysMunmap: Handler = (t, a) => {
  const addr = a.u(0), len = a.u(1);
  if (addr % PAGE || len === 0 || addr + len > TASK_SIZE) return -EINVAL;
  if (t.proc.mm.sealedIn(addr, addr + pageCeil(len))) return -EPERM;
  t.proc.mm.unmap(addr, pageCeil(len));
  return 0;
};

// mprotect(2); pkey_mprotect(2) with no key (-1): this CPU has no protection keys
const PROT_GROWSDOWN = 0x01000000, PROT_GROWSUP = 0x02000000;
function mprotect(t: Task, k: Kernel, addr: number, len: number, prot: number): number {
  if (addr % PAGE || prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
  if ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP)) return -EINVAL;
  if (len === 0) return 0;
  const end = addr + pageCeil(len);
  if (end > TASK_SIZE || end < addr) return -ENOMEM;
  const mm = t.proc.mm;
  if (!mm.covered(addr, end)) return -ENOMEM;
  if (mm.sealedIn(addr, end)) return -EPERM;
  if (prot & PROT_WRITE && mm.vmas.some((v) => v.noWrite && v.start < end && v.end > addr)) return -EACCES;
  if (prot & PROT_WRITE) k.armWriteback(); // a shared file mapping made writable
  return mm.protect(addr, end - addr, prot & 7) ? 0 : -ENOMEM;
}
const sysMprotect: Handler = (t, a, k) => mprotect(t, k, a.u(0), a.u(1), a.i(2));
const sysPkeyMprotect: Handler = (t, a, k) => {
  const pkey = a.i(3);
  if (pkey !== -1) return -EINVAL;
  return mprotect(t, k, a.u(0), a.u(1), a.i(2));
};
// pkey_alloc(2), pkey_free(2): this CPU has no protection keys (CPUID shows no PKU or OSPKE), so, as
// Linux on such a CPU, no key is allocated, not even the default key 0 (EINVAL for each).
const PKEY_DISABLE_ACCESS = 1, PKEY_DISABLE_WRITE = 2;
const sysPkeyAlloc: Handler = (t, a) => {
  if (a.u32(0) !== 0 || a.u32(1) & ~(PKEY_DISABLE_ACCESS | PKEY_DISABLE_WRITE)) return -EINVAL;
  return -EINVAL;
};
const sysPkeyFree: Handler = () => -EINVAL;

// mremap(2)
const sysMremap: Handler = (t, a) => {
  const mm = t.proc.mm;
  const old = a.u(0), oldLen = pageCeil(a.u(1)), newLen = pageCeil(a.u(2)), flags = a.i(3);
  let target = a.u(4);
  if (old % PAGE || flags & ~7) return -EINVAL;
  if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP) && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
  if (flags & MREMAP_DONTUNMAP && oldLen !== newLen) return -EINVAL;
  if (newLen === 0 || a.u(2) > TASK_SIZE) return -EINVAL;
  if (flags & MREMAP_FIXED) {
    if (target % PAGE) return -EINVAL;
    if (target + newLen > TASK_SIZE) return -EINVAL;
    // the new range may not overlap the old one
    if (target < old + oldLen && old < target + newLen) return -EINVAL;
  }
  const v = mm.find(old);
  if (!v || old + oldLen > v.end || (oldLen === 0 && !v.shared)) return -EFAULT;
  if (mm.sealedIn(old, old + Math.max(oldLen, newLen)) || (flags & MREMAP_FIXED && mm.sealedIn(target, target + newLen))) return -EPERM;
  if (flags & MREMAP_DONTUNMAP && (v.shared || v.file)) return -EINVAL;
  if (flags & MREMAP_FIXED) {
    if (!mm.remap(old, oldLen, newLen, target)) return -ENOMEM;
    if (flags & MREMAP_DONTUNMAP) mm.map(old, oldLen, v.prot, {});
    return target;
  }
  if (flags & MREMAP_DONTUNMAP) {
    target = mm.findFree(newLen);
    if (target < 0 || !mm.remap(old, oldLen, newLen, target)) return -ENOMEM;
    mm.map(old, oldLen, v.prot, {}); // the old range stays mapped, empty: it reads zero (faults are the user's)
    return target;
  }
  if (newLen <= oldLen) {
    if (newLen < oldLen) mm.unmap(old + newLen, oldLen - newLen);
    return old;
  }
  if (old + oldLen === v.end && mm.isFree(old + oldLen, old + newLen)) {
    return mm.remap(old, oldLen, newLen, old) ? old : -ENOMEM;
  }
  if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
  target = mm.findFree(newLen);
  if (target < 0) return -ENOMEM;
  return mm.remap(old, oldLen, newLen, target) ? target : -ENOMEM;
};

// madvise(2): unknown advice is EINVAL; a range with unmapped pages ENOMEM (after advising what is mapped).
const MADV_DONTFORK = 10, MADV_DOFORK = 11, MADV_WIPEONFORK = 18, MADV_KEEPONFORK = 19,
  MADV_HWPOISON = 100, MADV_SOFT_OFFLINE = 101, MADV_DONTNEED_LOCKED = 24, MADV_COLLAPSE = 25;
const KNOWN_ADVICE = new Set([0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
const sysMadvise: Handler = (t, a) => {
  const addr = a.u(0), advice = a.i(2);
  if (addr % PAGE) return -EINVAL;
  if (advice === MADV_HWPOISON || advice === MADV_SOFT_OFFLINE) return t.proc.creds.euid === 0 ? -EINVAL : -EPERM;
  if (!KNOWN_ADVICE.has(advice)) return -EINVAL;
  const len = pageCeil(a.u(1));
  if (a.u(1) > 0 && len === 0) return -EINVAL;
  if (len === 0) return 0;
  const end = addr + len;
  if (end > TASK_SIZE) return -EINVAL;
  const mm = t.proc.mm;
  const inRange = mm.vmas.filter((v) => v.start < end && v.end > addr);
  switch (advice) {
    case MADV_WIPEONFORK: case MADV_KEEPONFORK:
      // private anonymous memory only
      if (inRange.some((v) => v.shared || v.file)) return -EINVAL;
      break;
    case MADV_REMOVE:
      if (inRange.some((v) => !v.shared)) return -EINVAL;
      break;
    case MADV_DONTNEED: case MADV_FREE: case MADV_DONTNEED_LOCKED:
      if (mm.sealedIn(addr, end) && inRange.some((v) => !v.shared && !(v.prot & PROT_WRITE))) return -EPERM;
      if (advice === MADV_FREE && inRange.some((v) => v.shared || v.file)) return -EINVAL;
      break;
    case MADV_COLLAPSE: return -EINVAL; // no transparent huge pages
  }
  if (advice === MADV_DONTNEED || advice === MADV_FREE || advice === MADV_REMOVE || advice === MADV_DONTNEED_LOCKED) mm.discard(addr, len);
  // the fork advice, on the mapped parts of the range
  const apply = (f: (v: Vma) => void) => {
    for (const [s0, e0] of inRange.map((v) => [Math.max(addr, v.start), Math.min(end, v.end)])) mm.setAttr(s0, e0, f);
  };
  if (advice === MADV_WIPEONFORK) apply((v) => { v.wipeOnFork = true; });
  if (advice === MADV_KEEPONFORK) apply((v) => { v.wipeOnFork = false; });
  if (advice === MADV_DONTFORK) apply((v) => { v.dontFork = true; });
  if (advice === MADV_DOFORK) apply((v) => { v.dontFork = false; });
  return mm.covered(addr, end) ? 0 : -ENOMEM;
};

// mseal(2): the mappings of [addr, addr+len) can no longer be unmapped, moved, resized or reprotected.
const sysMseal: Handler = (t, a) => {
  const addr = a.u(0), flags = a.u(2);
  if (flags !== 0 || addr % PAGE) return -EINVAL;
  const len = pageCeil(a.u(1));
  if (a.u(1) > 0 && len === 0) return -EINVAL;
  const end = addr + len;
  if (end < addr || end > TASK_SIZE) return -EINVAL;
  if (len === 0) return 0;
  return t.proc.mm.setAttr(addr, end, (v) => { v.sealed = true; }) ? 0 : -ENOMEM;
};

// remap_file_pages(2) (deprecated): as Linux now does it, a new shared mapping of the same file over
// the range, at file page pgoff.
const sysRemapFilePages: Handler = (t, a) => {
  const start = pageFloor(a.u(0)), size = pageCeil(a.u(1)), prot = a.i(2), pgoff = a.u(3), flags = a.i(4);
  if (prot !== 0 || flags & ~0x10000 /* MAP_NONBLOCK */) return -EINVAL;
  if (size === 0 || start + size < start) return -EINVAL;
  const mm = t.proc.mm;
  const v = mm.find(start);
  if (!v || !v.shared || !v.file || start + size > v.end) return -EINVAL;
  if (mm.sealedIn(start, start + size)) return -EPERM;
  return mm.map(start, size, v.prot, { shared: true, file: v.file, offset: pgoff * PAGE }) ? 0 : -ENOMEM;
};

// msync(2): write dirty shared file pages back.
const sysMsync: Handler = (t, a) => {
  const addr = a.u(0), len = pageCeil(a.u(1)), flags = a.i(2);
  if (addr % PAGE || flags & ~7 || (flags & 1 && flags & 4)) return -EINVAL;
  for (let p = addr; p < addr + len; p += PAGE) if (!t.proc.mm.find(p)) return -ENOMEM;
  t.proc.mm.sync(addr, len);
  return 0;
};

// mincore(2)
const sysMincore: Handler = (t, a) => {
  const addr = a.u(0), len = a.u(1), vec = a.u(2);
  if (addr % PAGE) return -EINVAL;
  if (len > TASK_SIZE || addr + len > TASK_SIZE) return -ENOMEM;
  const mm = t.proc.mm;
  const end = pageCeil(addr + len);
  // every page of the range must be mapped (checked first: the range may be huge)
  for (let at = addr; at < end;) {
    const v = mm.find(at);
    if (!v) return -ENOMEM;
    at = v.end;
  }
  // the vector goes out in pieces: its size is the guest's to choose
  const PIECE = 1 << 16;
  for (let p = addr; p < end; p += PIECE * PAGE) {
    const out = new Uint8Array(Math.min(PIECE, (end - p) / PAGE));
    mm.residentInto(p, out);
    if (!mm.write(vec + (p - addr) / PAGE, out)) return -EFAULT;
  }
  return 0;
};

export const mmSyscalls: SyscallDef[] = [
  { nr: 12, name: 'brk', handler: sysBrk, args: ['ptr'], status: 'implemented' },
  { nr: 9, name: 'mmap', handler: sysMmap, args: ['ptr', 'size', 'hex', 'hex', 'fd', 'off'], status: 'partial', note: 'MAP_SHARED pages are shared through a page cache with other mappings and read/write(2); they reach the backing file at msync, munmap and exit; a page wholly beyond the end of the file faults with SIGBUS' },
  { nr: 11, name: 'munmap', handler: sysMunmap, args: ['ptr', 'size'], status: 'implemented' },
  { nr: 10, name: 'mprotect', handler: sysMprotect, args: ['ptr', 'size', 'hex'], status: 'implemented' },
  { nr: 25, name: 'mremap', handler: sysMremap, args: ['ptr', 'size', 'size', 'hex', 'ptr'], status: 'implemented' },
  { nr: 28, name: 'madvise', handler: sysMadvise, args: ['ptr', 'size', 'int'], status: 'partial', note: 'DONTNEED/FREE/REMOVE drop pages, WIPEONFORK/KEEPONFORK/DONTFORK/DOFORK act on fork; the rest are hints without effect' },
  { nr: 329, name: 'pkey_mprotect', handler: sysPkeyMprotect, args: ['ptr', 'size', 'hex', 'int'], status: 'implemented', note: 'no protection keys on this CPU: key -1 only' },
  { nr: 330, name: 'pkey_alloc', handler: sysPkeyAlloc, args: ['hex', 'hex'], status: 'implemented', note: 'EINVAL: no protection keys on this CPU, as Linux without PKU' },
  { nr: 331, name: 'pkey_free', handler: sysPkeyFree, args: ['int'], status: 'implemented', note: 'EINVAL: no key can be allocated' },
  { nr: 462, name: 'mseal', handler: sysMseal, args: ['ptr', 'size', 'hex'], status: 'implemented' },
  { nr: 216, name: 'remap_file_pages', handler: sysRemapFilePages, args: ['ptr', 'size', 'int', 'size', 'hex'], status: 'implemented' },
  { nr: 26, name: 'msync', handler: sysMsync, args: ['ptr', 'size', 'hex'], status: 'implemented' },
  { nr: 27, name: 'mincore', handler: sysMincore, args: ['ptr', 'size', 'ptr'], status: 'implemented' },
];
