// Memory syscalls: brk, mmap, munmap, mprotect, mremap, madvise, msync, mincore.
import type { SyscallDef, Handler } from './syscall.js';
import { EINVAL, ENOMEM, EBADF, EACCES, EEXIST, ENODEV, EFAULT } from '../base/errno.js';
import { PAGE, pageCeil, pageFloor, PROT_READ, PROT_WRITE, PROT_EXEC, TASK_SIZE, mappedAs, type MappedFile } from '../mm/address-space.js';
import { SharedMemory } from '../mm/page-cache.js';
import { O_ACCMODE, O_RDONLY, O_WRONLY, S_IFMT, S_IFCHR, isReg, guestStat } from '../fs/file.js';

const MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_SHARED_VALIDATE = 3, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
  MAP_GROWSDOWN = 0x100, MAP_FIXED_NOREPLACE = 0x100000;
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

// mmap(2)
const sysMmap: Handler = (t, a, k) => {
  const mm = t.proc.mm;
  let addr = a.u(0);
  const len = a.u(1), prot = a.i(2), flags = a.i(3), fd = a.i(4), off = a.s64(5);
  if (len === 0 || off % PAGE !== 0 || off < 0) return -EINVAL;
  if (addr % PAGE !== 0 && flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) return -EINVAL;
  const type = flags & 3;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -EINVAL;
  const size = pageCeil(len);
  if (size > TASK_SIZE || size === 0) return -ENOMEM;
  let file: MappedFile | undefined;
  let anonymous = (flags & MAP_ANONYMOUS) !== 0;
  if (!anonymous) {
    const f = t.proc.files.get(fd);
    if (!f) return -EBADF;
    const acc = f.flags & O_ACCMODE;
    if (acc === O_WRONLY) return -EACCES;
    if (type !== MAP_PRIVATE && prot & PROT_WRITE && acc === O_RDONLY) return -EACCES;
    const st = guestStat(f);
    if (typeof st !== 'number' && (st.mode & S_IFMT) === S_IFCHR && st.rdev === DEV_ZERO) anonymous = true;
    else {
      const m = f.mapping();
      if (typeof m === 'number') return m === -ENODEV ? -ENODEV : m;
      file = typeof st !== 'number' && isReg(st.mode) ? mappedAs(m, { cacheKey: `${st.dev}:${st.ino}` }) : m;
    }
  }
  if (anonymous && type !== MAP_PRIVATE) file = new SharedMemory(k.pageCache);
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (addr + size > TASK_SIZE) return -ENOMEM;
    if (flags & MAP_FIXED_NOREPLACE && !(flags & MAP_FIXED) && !mm.isFree(addr, addr + size)) return -EEXIST;
  } else {
    addr = pageFloor(addr);
    if (!addr || addr + size > TASK_SIZE || !mm.isFree(addr, addr + size) || addr < 0x10000) {
      addr = mm.findFree(size);
      if (addr < 0) return -ENOMEM;
    }
  }
  const ok = mm.map(addr, size, prot & 7, {
    shared: type !== MAP_PRIVATE, file, offset: off, growsDown: !!(flags & MAP_GROWSDOWN),
  });
  if (!ok) return -ENOMEM;
  void k;
  return addr;
};

// munmap(2)
const sysMunmap: Handler = (t, a) => {
  const addr = a.u(0), len = a.u(1);
  if (addr % PAGE || len === 0 || addr + len > TASK_SIZE) return -EINVAL;
  t.proc.mm.unmap(addr, pageCeil(len));
  return 0;
};

// mprotect(2)
const sysMprotect: Handler = (t, a) => {
  const addr = a.u(0), len = a.u(1), prot = a.i(2);
  if (addr % PAGE || prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x01000000 | 0x02000000)) return -EINVAL;
  if (len === 0) return 0;
  return t.proc.mm.protect(addr, pageCeil(len), prot & 7) ? 0 : -ENOMEM;
};

// mremap(2)
const sysMremap: Handler = (t, a) => {
  const mm = t.proc.mm;
  const old = a.u(0), oldLen = pageCeil(a.u(1)), newLen = pageCeil(a.u(2)), flags = a.i(3);
  let target = a.u(4);
  if (old % PAGE || newLen === 0 || flags & ~7) return -EINVAL;
  if (flags & MREMAP_FIXED && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
  if (flags & MREMAP_DONTUNMAP) return -EINVAL;
  const v = mm.find(old);
  if (!v || old + oldLen > v.end) return -EFAULT;
  if (flags & MREMAP_FIXED) {
    if (target % PAGE) return -EINVAL;
    return mm.remap(old, oldLen, newLen, target) ? target : -ENOMEM;
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

// madvise(2)
const sysMadvise: Handler = (t, a) => {
  const addr = a.u(0), len = pageCeil(a.u(1)), advice = a.i(2);
  if (addr % PAGE) return -EINVAL;
  if (advice === MADV_DONTNEED || advice === MADV_FREE || advice === MADV_REMOVE) t.proc.mm.discard(addr, len);
  return 0;
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
  const addr = a.u(0), len = pageCeil(a.u(1)), vec = a.u(2);
  if (addr % PAGE) return -EINVAL;
  const mm = t.proc.mm;
  const out = new Uint8Array(len / PAGE);
  for (let i = 0; i < out.length; i++) {
    if (!mm.find(addr + i * PAGE)) return -ENOMEM;
    out[i] = mm.pte(addr + i * PAGE) & 1;
  }
  return mm.write(vec, out) ? 0 : -EFAULT;
};

export const mmSyscalls: SyscallDef[] = [
  { nr: 12, name: 'brk', handler: sysBrk, args: ['ptr'], status: 'implemented' },
  { nr: 9, name: 'mmap', handler: sysMmap, args: ['ptr', 'size', 'hex', 'hex', 'fd', 'off'], status: 'partial', note: 'MAP_SHARED pages are shared through a page cache with other mappings and read/write(2); they reach the backing file at msync, munmap and exit; a page wholly beyond the end of the file faults with SIGBUS' },
  { nr: 11, name: 'munmap', handler: sysMunmap, args: ['ptr', 'size'], status: 'implemented' },
  { nr: 10, name: 'mprotect', handler: sysMprotect, args: ['ptr', 'size', 'hex'], status: 'implemented' },
  { nr: 25, name: 'mremap', handler: sysMremap, args: ['ptr', 'size', 'size', 'hex', 'ptr'], status: 'partial', note: 'no MREMAP_DONTUNMAP' },
  { nr: 28, name: 'madvise', handler: sysMadvise, args: ['ptr', 'size', 'int'], status: 'partial', note: 'DONTNEED/FREE drop pages; other advice is accepted and ignored' },
  { nr: 26, name: 'msync', handler: sysMsync, args: ['ptr', 'size', 'hex'], status: 'implemented' },
  { nr: 27, name: 'mincore', handler: sysMincore, args: ['ptr', 'size', 'ptr'], status: 'implemented' },
];
