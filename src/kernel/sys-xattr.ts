// Extended attributes: the file systems here keep none, as a file system
// mounted without xattr support answers; a change on a read-only mount is
// refused first (EROFS), as Linux checks it before asking the file system.
import type { SyscallDef, Handler } from './syscall.js';
import { EFAULT, EOPNOTSUPP } from '../base/errno.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, PATH_MAX, pathFromBytes } from '../fs/vfs.js';

const none: Handler = () => -EOPNOTSUPP;
// setxattr, removexattr and their l- and f- forms (i % 3: by path, not following a symlink, by descriptor).
const change = (i: number): Handler => (t, a, k) => {
  if (i % 3 === 2) return k.vfs.writableAt(t, a.i(0), '', AT_EMPTY_PATH) || -EOPNOTSUPP;
  const b = t.proc.mm.readCString(a.u(0), PATH_MAX);
  if (!b) return -EFAULT;
  return k.vfs.writableAt(t, AT_FDCWD, pathFromBytes(b), i % 3 === 1 ? AT_SYMLINK_NOFOLLOW : 0) || -EOPNOTSUPP;
};
const names = ['setxattr', 'lsetxattr', 'fsetxattr', 'getxattr', 'lgetxattr', 'fgetxattr', 'listxattr', 'llistxattr', 'flistxattr', 'removexattr', 'lremovexattr', 'fremovexattr'];

export const xattrSyscalls: SyscallDef[] = names.map((name, i) => ({
  nr: 188 + i, name, handler: i < 3 || i >= 9 ? change(i) : none, args: [i % 3 === 2 ? 'fd' : 'path', 'str', 'ptr', 'size'], status: 'partial',
  note: 'EOPNOTSUPP: no file system here stores extended attributes (EROFS first for a change on a read-only mount)',
}));
