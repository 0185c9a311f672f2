// Mount and root syscalls: mount(2), umount2(2), chroot(2), and unshare(2)
// for the file-system context. Mount trees are src/fs/mounts.ts's; each
// process has one (its mount namespace), shared with its parent unless
// unshare(CLONE_NEWNS) or clone(CLONE_NEWNS) gave it a copy.
import type { SyscallDef, Handler, ArgKind } from './syscall.js';
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import {
  EACCES, EBUSY, EFAULT, EINVAL, ELOOP, ENAMETOOLONG, ENODEV, ENOENT, ENOTDIR, EPERM, EAGAIN,
} from '../base/errno.js';
import { AT_FDCWD, PATH_MAX, pathFromBytes, type Loc, type Vfs } from '../fs/vfs.js';
import { isDir } from '../fs/file.js';
import { Tmpfs } from '../fs/tmpfs.js';
import type { FsBackend, FsNode } from '../fs/backend.js';
import {
  MNT_FLAGS, MS_BIND, MS_MOVE, MS_PRIVATE, MS_RDONLY, MS_REC, MS_REMOUNT, MS_SHARED, MS_SILENT, MS_SLAVE,
  MS_UNBINDABLE, Phantom, samePlace, type Mount, type MountTable, type Place,
} from '../fs/mounts.js';

const MS_MGC_MSK = 0xffff0000, MS_MGC_VAL = 0xc0ed0000;
const MS_PROPAGATION = MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;
const MNT_FORCE = 1, MNT_DETACH = 2, MNT_EXPIRE = 4, UMOUNT_NOFOLLOW = 8;
const PAGE = 4096;

function readString(t: Task, addr: number, max: number): string | number {
  const b = t.proc.mm.readCString(addr, max);
  if (b) return pathFromBytes(b);
  return t.proc.mm.read(addr, 1) ? -ENAMETOOLONG : -EFAULT;
}
// mount(2)'s data: up to a page, a C string for the file systems here.
function readData(t: Task, addr: number): string | number {
  if (!addr) return '';
  const b = t.proc.mm.readCString(addr, PAGE);
  if (b) return pathFromBytes(b);
  // no NUL in the first page: Linux copies the page as it is
  const page = t.proc.mm.read(addr, 1);
  return page ? pathFromBytes(t.proc.mm.read(addr, PAGE) ?? page) : -EFAULT;
}

const isRoot = (t: Task) => t.proc.creds.euid === 0;
// Where a resolved path is (a magic link such as /proc/self/fd/N: the place of its open file).
const placeOf = (vfs: Vfs, loc: Loc): Place | undefined => loc.place ?? (loc.file && vfs.placeOfFile(loc.file));
// The place is the root of the mount it is in.
const isMountRoot = (p: Place | undefined): p is Place => p !== undefined && p.node === p.mount.root;
// `m` is `outer` or on it (directly or not).
const onMount = (m: Mount | undefined, outer: Mount): boolean => {
  for (; m; m = m.parent) if (m === outer) return true;
  return false;
};

// A new tmpfs from mount(2)'s options (size=, nr_inodes=, mode=, uid=, gid=; the rest Linux accepts is ignored).
function newTmpfs(k: Kernel, data: string): { fs: FsBackend; options: string } | number {
  const opts: { size?: number; inodes?: number; mode?: number; uid?: number; gid?: number } = {};
  const shown: string[] = [];
  for (const item of data.split(',')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq), val = eq < 0 ? '' : item.slice(eq + 1);
    const num = (base = 10) => { const n = parseInt(val, base); return Number.isFinite(n) && n >= 0 ? n : undefined; };
    switch (key) {
      case 'size': {
        const m = /^([0-9]+)([kKmMgG%]?)$/.exec(val);
        if (!m) return -EINVAL;
        const mult: Record<string, number> = { '': 1, k: 1024, m: 1 << 20, g: 1 << 30 };
        // size=N% of the machine's memory; any size is accepted (Linux too lets a tmpfs promise more than
        // it has): what it holds is charged to the machine's memory, so it cannot outgrow the machine
        opts.size = Math.max(4096, m[2] === '%' ? Math.floor(k.budget.limit * Number(m[1]) / 100) : Number(m[1]) * mult[m[2].toLowerCase()]);
        shown.push(`size=${Math.ceil((opts.size ?? 0) / 1024)}k`);
        break;
      }
      case 'nr_inodes': { const n = num(); if (n === undefined) return -EINVAL; opts.inodes = n || undefined; break; }
      case 'mode': { const n = num(8); if (n === undefined || !/^[0-7]+$/.test(val)) return -EINVAL; opts.mode = n & 0o7777; break; }
      case 'uid': { const n = num(); if (n === undefined) return -EINVAL; opts.uid = n; break; }
      case 'gid': { const n = num(); if (n === undefined) return -EINVAL; opts.gid = n; break; }
      case 'huge': case 'mpol': case 'inode32': case 'inode64': case 'noswap': case 'quota': case 'usrquota':
      case 'grpquota': break;
      default: return -EINVAL; // tmpfs: Unknown parameter
    }
  }
  const mode = opts.mode ?? 0o1777;
  if (mode !== 0o1777) shown.push(`mode=${mode.toString(8)}`);
  if (opts.uid) shown.push(`uid=${opts.uid}`);
  if (opts.gid) shown.push(`gid=${opts.gid}`);
  const fs = new Tmpfs({ now: () => k.host.realtimeNs(), size: opts.size, inodes: opts.inodes, mode, uid: opts.uid, gid: opts.gid, budget: k.budget });
  return { fs, options: shown.join(',') };
}

// Something of `m` in use: a mount on it, a process's cwd or root in it, an open file in it.
function busy(k: Kernel, ns: MountTable, m: Mount): boolean {
  if (ns.list().some((x) => x.parent === m)) return true;
  for (const p of k.processes.values()) {
    if (!p.alive || k.vfs.ns({ tid: p.pid, proc: p }) !== ns) continue;
    if (p.fs.cwd.mount === m || p.fs.root.mount === m) return true;
    for (const fd of p.files.fds()) if (p.files.get(fd)?.node?.mount === m) return true;
  }
  return false;
}

// mount(2).
const sysMount: Handler = (t, a, k) => {
  let flags = a.u(3) >>> 0;
  if ((flags & MS_MGC_MSK) >>> 0 === MS_MGC_VAL) flags &= ~MS_MGC_MSK;
  // the strings are copied first (EFAULT before anything else), as Linux does
  const type = a.u(2) ? readString(t, a.u(2), PAGE) : undefined;
  if (typeof type === 'number') return type;
  const source = a.u(0) ? readString(t, a.u(0), PAGE) : undefined;
  if (typeof source === 'number') return source;
  const data = readData(t, a.u(4));
  if (typeof data === 'number') return data;
  const target = readString(t, a.u(1), PATH_MAX);
  if (typeof target === 'number') return target;
  const vfs = k.vfs;
  const ns = vfs.ns(t);
  const loc = vfs.resolve(t, AT_FDCWD, target, { follow: true, allowMissing: false });
  if (typeof loc === 'number') return loc;
  if (!loc.stat) return -ENOENT;
  if (!isRoot(t)) return -EPERM;
  const at = placeOf(vfs, loc);
  if (!at) return -EINVAL;
  const mnt = at.mount;

  if (flags & MS_REMOUNT) {
    if (!isMountRoot(at)) return -EINVAL;
    // a file system that is read-only underneath (a --mount …:ro host directory) stays so
    if (!(flags & MS_RDONLY) && mnt.backend.readOnly) return -EACCES;
    if (!(flags & MS_BIND)) {
      if (flags & MS_RDONLY) ns.roBackends.add(mnt.backend);
      else ns.roBackends.delete(mnt.backend);
    }
    mnt.flags = flags & MNT_FLAGS;
    return 0;
  }

  if (flags & MS_BIND) {
    if (source === undefined) return -EFAULT;
    const fromLoc = vfs.resolve(t, AT_FDCWD, source, { follow: true, allowMissing: false });
    if (typeof fromLoc === 'number') return fromLoc;
    if (!fromLoc.stat) return -ENOENT;
    if (isDir(fromLoc.stat.mode) !== isDir(loc.stat.mode)) return -ENOTDIR;
    const from = placeOf(vfs, fromLoc);
    if (!from) return -EINVAL;
    const before = [...ns.list()];
    const copy = (src: Mount, root: FsNode) => ns.make(target, src.backend, {
      root, source: src.source, flags: src.flags, options: src.options, dev: ns.devOf(src.backend),
    });
    const m = copy(from.mount, from.node);
    ns.attach(m, at);
    // MS_REC: the mounts inside the source come along, at the same places in the copy
    const copyTree = (src: Mount, srcRoot: FsNode, dst: Mount) => {
      for (const sub of before) {
        if (sub.parent !== src || !vfs.encloses({ mount: src, node: srcRoot }, { mount: src, node: sub.at! })) continue;
        const c = copy(sub, sub.root);
        const node = sub.at instanceof Phantom ? ns.makePhantom(dst, sub.at.dir, sub.at.name) : sub.at!;
        ns.attach(c, { mount: dst, node });
        copyTree(sub, sub.root, c);
      }
    };
    if (flags & MS_REC) copyTree(from.mount, from.node, m);
    return 0;
  }

  if (flags & MS_PROPAGATION) {
    if (!isMountRoot(at)) return -EINVAL;
    const type = flags & MS_PROPAGATION;
    if (type & (type - 1) || flags & ~(MS_PROPAGATION | MS_REC | MS_SILENT)) return -EINVAL;
    return 0; // one mount tree and no peers: every mount is private already
  }

  if (flags & MS_MOVE) {
    if (source === undefined) return -EFAULT;
    const fromLoc = vfs.resolve(t, AT_FDCWD, source, { follow: true, allowMissing: false });
    if (typeof fromLoc === 'number') return fromLoc;
    if (!fromLoc.stat) return -ENOENT;
    const from = fromLoc.file ? undefined : fromLoc.place;
    if (!isMountRoot(from) || !from.mount.parent) return -EINVAL;
    if (isDir(fromLoc.stat.mode) !== isDir(loc.stat.mode)) return -ENOTDIR;
    if (onMount(at.mount, from.mount)) return -ELOOP;
    ns.move(from.mount, at);
    return 0;
  }

  if (type === undefined) return -EINVAL;
  let fs: FsBackend | undefined, options = '';
  if (type === 'tmpfs') {
    const r = newTmpfs(k, data);
    if (typeof r === 'number') return r;
    ({ fs, options } = r);
  } else {
    fs = vfs.newFs(type);
  }
  if (!fs) return -ENODEV;
  if (!isDir(loc.stat.mode)) return -ENOTDIR;
  if (flags & MS_RDONLY) ns.roBackends.add(fs);
  ns.attach(ns.make(target, fs, { source: source ?? 'none', flags: flags & MNT_FLAGS, options }), at);
  return 0;
};

// umount2(2) (and umount: flags 0).
const sysUmount2: Handler = (t, a, k) => {
  const flags = a.i(1);
  if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW)) return -EINVAL;
  if (flags & MNT_EXPIRE && flags & (MNT_FORCE | MNT_DETACH)) return -EINVAL;
  const target = readString(t, a.u(0), PATH_MAX);
  if (typeof target === 'number') return target;
  const loc = k.vfs.resolve(t, AT_FDCWD, target, { follow: !(flags & UMOUNT_NOFOLLOW), allowMissing: false });
  if (typeof loc === 'number') return loc;
  if (!loc.stat) return -ENOENT;
  if (!isRoot(t)) return -EPERM;
  const at = loc.file ? undefined : loc.place;
  if (!isMountRoot(at) || !at.mount.parent) return -EINVAL;
  const m = at.mount, ns = k.vfs.ns(t);
  if (flags & MNT_EXPIRE) return busy(k, ns, m) ? -EBUSY : -EAGAIN; // the first call only marks it
  if (!(flags & MNT_DETACH) && busy(k, ns, m)) return -EBUSY;
  ns.detach(m);
  return 0;
};

// chroot(2).
const sysChroot: Handler = (t, a, k) => {
  const p = readString(t, a.u(0), PATH_MAX);
  return typeof p === 'number' ? p : k.vfs.chroot(t, p);
};

// pivot_root(2): the mount at new_root becomes the root mount; the old root goes to put_old. Every
// process's (in the namespace) root and cwd that were the old root become the new one; other places
// stay where they are, their mounts with them. Not from inside a chroot (EINVAL).
const sysPivotRoot: Handler = (t, a, k) => {
  if (!isRoot(t)) return -EPERM;
  const vfs = k.vfs;
  const newPath = readString(t, a.u(0), PATH_MAX);
  if (typeof newPath === 'number') return newPath;
  const oldPath = readString(t, a.u(1), PATH_MAX);
  if (typeof oldPath === 'number') return oldPath;
  const nr = vfs.resolve(t, AT_FDCWD, newPath, { follow: true, allowMissing: false });
  if (typeof nr === 'number') return nr;
  if (!nr.stat) return -ENOENT;
  if (!isDir(nr.stat.mode)) return -ENOTDIR;
  const po = vfs.resolve(t, AT_FDCWD, oldPath, { follow: true, allowMissing: false });
  if (typeof po === 'number') return po;
  if (!po.stat) return -ENOENT;
  if (!isDir(po.stat.mode)) return -ENOTDIR;
  if (nr.file || po.file || !nr.place || !po.place) return -EINVAL;
  const ns = vfs.ns(t);
  const oldRoot = ns.rootPlace();
  if (nr.place.mount === oldRoot.mount || po.place.mount === oldRoot.mount) return -EBUSY;
  if (!samePlace(vfs.rootOf(t), oldRoot)) return -EINVAL;
  if (!isMountRoot(nr.place) || !vfs.beneath(po.place, nr.place)) return -EINVAL;
  const newRoot: Place = { mount: nr.place.mount, node: nr.place.mount.root };
  ns.pivot(nr.place.mount, po.place);
  for (const p of k.processes.values()) {
    if (vfs.ns({ tid: p.pid, proc: p }) !== ns) continue;
    if (samePlace(p.fs.cwd, oldRoot)) p.fs.cwd = newRoot;
    if (samePlace(p.fs.root, oldRoot)) p.fs.root = newRoot;
  }
  return 0;
};

const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_THREAD = 0x10000,
  CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000, CLONE_NEWUTS = 0x4000000;
// unshare(2): the file-system context, the fd table, the mount namespace; the other namespaces are not
// built in (EINVAL, as a kernel configured without them answers).
const sysUnshare: Handler = (t, a, k) => {
  const flags = a.i(0);
  const known = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_NEWNS | CLONE_SYSVSEM | CLONE_NEWUTS;
  if (flags & ~known) return -EINVAL;
  const alone = t.proc.threads.filter((x) => x.state.kind !== 'exited').length === 1;
  if (flags & (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD) && !alone) return -EINVAL;
  if (flags & (CLONE_NEWNS | CLONE_NEWUTS) && !isRoot(t)) return -EPERM;
  if (flags & CLONE_NEWUTS) t.proc.uts = { ...(t.proc.uts ?? k.uts) };
  if (flags & (CLONE_FS | CLONE_NEWNS)) t.proc.fs = { ...t.proc.fs };
  if (flags & CLONE_NEWNS) {
    const ns = k.vfs.ns(t).clone();
    t.proc.mnt = ns;
    t.proc.fs.cwd = ns.translate(t.proc.fs.cwd);
    t.proc.fs.root = ns.translate(t.proc.fs.root);
  }
  if (flags & CLONE_FILES && t.proc.files.users > 1) {
    const old = t.proc.files;
    t.proc.files = old.fork();
    old.release();
  }
  return 0;
};

const ok = (nr: number, name: string, handler: Handler, args: ArgKind[], note?: string): SyscallDef =>
  ({ nr, name, handler, args, status: 'implemented', note });
const partial = (nr: number, name: string, handler: Handler, args: ArgKind[], note: string): SyscallDef =>
  ({ nr, name, handler, args, status: 'partial', note });

export const mountSyscalls: SyscallDef[] = [
  ok(161, 'chroot', sysChroot, ['path'], 'root leaves it as on Linux (a cwd or fd kept outside, then ..), never past the machine\'s root'),
  partial(165, 'mount', sysMount, ['str', 'path', 'str', 'hex', 'ptr'],
    'tmpfs, proc, sysfs, devtmpfs, bind (MS_REC), MS_MOVE, remount (MS_RDONLY, MS_NOEXEC); propagation flags accepted: every mount is private'),
  partial(155, 'pivot_root', sysPivotRoot, ['path', 'path'], 'not from inside a chroot (EINVAL)'),
  partial(166, 'umount2', sysUmount2, ['path', 'flags'], 'MNT_FORCE is an ordinary unmount; MNT_EXPIRE answers EAGAIN while idle; busy means a mount on it, a cwd, root or open fd in it (not a mapping); after MNT_DETACH open files keep working, a cwd inside sees what is below'),
  partial(272, 'unshare', sysUnshare, ['hex'], 'CLONE_FS, CLONE_FILES, CLONE_NEWNS, CLONE_NEWUTS; other namespaces EINVAL'),
];
