// Extended attributes: setxattr, getxattr, listxattr, removexattr, each by path,
// by path without following a last symlink (l-) and by descriptor (f-). The
// checks are Linux's, in its order: the name (ERANGE) and value (E2BIG) first,
// then the file, a read-only mount (EROFS), who may touch which namespace
// (user.* only on regular files and directories, with read or write
// permission, not in another's sticky directory; trusted.* only with
// CAP_SYS_ADMIN, hidden from others' lists; writing security.* with
// CAP_SYS_ADMIN), then the file system: tmpfs and an overlay in memory keep
// user.*, trusted.* and security.*; a host directory keeps none (node:fs has
// no xattr API): EOPNOTSUPP.
import type { SyscallDef, Handler } from './syscall.js';
import type { Task } from './task.js';
import { capsOf } from './task.js';
import { E2BIG, EACCES, EBADF, EFAULT, EINVAL, ENODATA, EOPNOTSUPP, EPERM, ERANGE, EROFS } from '../base/errno.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, PATH_MAX, R_OK, W_OK, pathFromBytes, permits } from '../fs/vfs.js';
import type { XattrTarget } from '../fs/vfs.js';
import { O_PATH, isDir, isReg, type Stat } from '../fs/file.js';
import { XATTR_CREATE, XATTR_LIST_MAX, XATTR_NAMESPACES, XATTR_NAME_MAX, XATTR_REPLACE, XATTR_SIZE_MAX } from '../fs/xattr.js';

const CAP_FOWNER = 3, CAP_SYS_ADMIN = 21;
const S_ISVTX = 0o1000;
const capable = (t: Task, cap: number): boolean => ((capsOf(t.proc.creds).eff >> BigInt(cap)) & 1n) !== 0n;

// The attribute's name: at most XATTR_NAME_MAX bytes, not empty (ERANGE), readable (EFAULT).
function nameAt(t: Task, addr: number): string | number {
  const b = t.proc.mm.readCString(addr, XATTR_NAME_MAX + 1);
  if (b) return b.length ? pathFromBytes(b) : -ERANGE;
  return t.proc.mm.read(addr, XATTR_NAME_MAX + 1) ? -ERANGE : -EFAULT;
}

// The file the call names: by path (i % 3 === 0), by path not following (1), by descriptor (2).
function target(t: Task, k: Parameters<Handler>[2], form: number, arg: number): XattrTarget | number {
  if (form === 2) {
    if ((t.proc.files.get(arg)?.flags ?? 0) & O_PATH) return -EBADF; // an O_PATH descriptor names, it does not open
    return k.vfs.xattrAt(t, arg, '', AT_EMPTY_PATH);
  }
  const b = t.proc.mm.readCString(arg, PATH_MAX);
  if (!b) return -EFAULT;
  return k.vfs.xattrAt(t, AT_FDCWD, pathFromBytes(b), form === 1 ? AT_SYMLINK_NOFOLLOW : 0);
}

// Linux's xattr_permission: who may read (write false) or change the attribute `name` of a file.
function permission(t: Task, st: Stat, name: string, write: boolean): number {
  if (name.startsWith('security.') || name.startsWith('system.')) return 0;
  if (name.startsWith('trusted.')) return capable(t, CAP_SYS_ADMIN) ? 0 : write ? -EPERM : -ENODATA;
  if (name.startsWith('user.')) {
    if (!isReg(st.mode) && !isDir(st.mode)) return write ? -EPERM : -ENODATA;
    if (write && isDir(st.mode) && st.mode & S_ISVTX && t.proc.creds.euid !== st.uid && !capable(t, CAP_FOWNER)) return -EPERM;
  }
  return permits(st, t.proc.creds, write ? W_OK : R_OK) ? 0 : -EACCES;
}

// The checks after the permission: changing security.* needs CAP_SYS_ADMIN (the capability
// module's rule); then a namespace the file system keeps, with a name after its prefix.
function namespace(t: Task, x: XattrTarget, name: string, write: boolean): number {
  if (write && name.startsWith('security.') && !capable(t, CAP_SYS_ADMIN)) return -EPERM;
  if (!x.backend || !x.node || !x.backend.getxattr) return -EOPNOTSUPP;
  const ns = XATTR_NAMESPACES.find((p) => name.startsWith(p));
  if (!ns) return -EOPNOTSUPP;
  return name.length === ns.length ? -EINVAL : 0;
}

const setxattr = (form: number): Handler => (t, a, k) => {
  const size = a.u(3), flags = a.i(4);
  if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) return -EINVAL;
  const name = nameAt(t, a.u(1));
  if (typeof name === 'number') return name;
  if (size > XATTR_SIZE_MAX) return -E2BIG;
  const value = size ? t.proc.mm.read(a.u(2), size) : new Uint8Array(0);
  if (!value) return -EFAULT;
  const x = target(t, k, form, form === 2 ? a.i(0) : a.u(0));
  if (typeof x === 'number') return x;
  if (x.readOnly) return -EROFS;
  const r = permission(t, x.st, name, true) || namespace(t, x, name, true) || x.backend!.setxattr!(x.node!, name, value, flags);
  if (r === 0) x.changed();
  return r;
};

const getxattr = (form: number): Handler => (t, a, k) => {
  const name = nameAt(t, a.u(1));
  if (typeof name === 'number') return name;
  const x = target(t, k, form, form === 2 ? a.i(0) : a.u(0));
  if (typeof x === 'number') return x;
  const r = permission(t, x.st, name, false) || namespace(t, x, name, false);
  if (r) return r;
  const v = x.backend!.getxattr!(x.node!, name);
  if (typeof v === 'number') return v;
  const size = Math.min(a.u(3), XATTR_SIZE_MAX);
  if (size === 0) return v.length;
  if (v.length > size) return size >= XATTR_SIZE_MAX ? -E2BIG : -ERANGE;
  return t.proc.mm.write(a.u(2), v) ? v.length : -EFAULT;
};

const listxattr = (form: number): Handler => (t, a, k) => {
  const x = target(t, k, form, form === 2 ? a.i(0) : a.u(0));
  if (typeof x === 'number') return x;
  // a file system that keeps none lists none (Linux asks only the security module then)
  const names = x.backend?.listxattr && x.node ? x.backend.listxattr(x.node) : [];
  if (typeof names === 'number') return names;
  const trusted = capable(t, CAP_SYS_ADMIN);
  const shown = names.filter((n) => trusted || !n.startsWith('trusted.'));
  const bytes = new Uint8Array(shown.reduce((s, n) => s + n.length + 1, 0));
  let o = 0;
  for (const n of shown) { for (let i = 0; i < n.length; i++) bytes[o++] = n.charCodeAt(i); bytes[o++] = 0; }
  const size = Math.min(a.u(2), XATTR_LIST_MAX);
  if (size === 0) return bytes.length;
  if (bytes.length > size) return size >= XATTR_LIST_MAX ? -E2BIG : -ERANGE;
  return t.proc.mm.write(a.u(1), bytes) ? bytes.length : -EFAULT;
};

const removexattr = (form: number): Handler => (t, a, k) => {
  const name = nameAt(t, a.u(1));
  if (typeof name === 'number') return name;
  const x = target(t, k, form, form === 2 ? a.i(0) : a.u(0));
  if (typeof x === 'number') return x;
  if (x.readOnly) return -EROFS;
  const r = permission(t, x.st, name, true) || namespace(t, x, name, true) || (x.backend!.removexattr?.(x.node!, name) ?? -EOPNOTSUPP);
  if (r === 0) x.changed();
  return r;
};

const NOTE = 'user.*, trusted.*, security.* on tmpfs and an overlay in memory; a host directory keeps none (node:fs has no xattr API): EOPNOTSUPP; no system.* (POSIX ACLs)';
const FAMILY: [string, (form: number) => Handler, SyscallDef['args']][] = [
  ['setxattr', setxattr, ['str', 'ptr', 'size', 'flags']],
  ['getxattr', getxattr, ['str', 'ptr', 'size']],
  ['listxattr', listxattr, ['ptr', 'size']],
  ['removexattr', removexattr, ['str']],
];
// Numbers 188..199: each call by path, by path not following (l-), by descriptor (f-).
export const xattrSyscalls: SyscallDef[] = FAMILY.flatMap(([name, make, args], i) => ['', 'l', 'f'].map((prefix, form) => ({
  nr: 188 + i * 3 + form, name: prefix + name, handler: make(form), args: [form === 2 ? 'fd' : 'path', ...args] as SyscallDef['args'],
  status: 'partial' as const, note: NOTE,
})));
