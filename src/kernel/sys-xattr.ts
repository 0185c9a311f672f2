// Extended attributes: the file systems here keep none, as a file system
// mounted without xattr support answers.
import type { SyscallDef, Handler } from './syscall.js';
import { EOPNOTSUPP } from '../base/errno.js';

const none: Handler = () => -EOPNOTSUPP;
const names = ['setxattr', 'lsetxattr', 'fsetxattr', 'getxattr', 'lgetxattr', 'fgetxattr', 'listxattr', 'llistxattr', 'flistxattr', 'removexattr', 'lremovexattr', 'fremovexattr'];

export const xattrSyscalls: SyscallDef[] = names.map((name, i) => ({
  nr: 188 + i, name, handler: none, args: [i % 3 === 2 ? 'fd' : 'path', 'str', 'ptr', 'size'], status: 'partial',
  note: 'EOPNOTSUPP: no file system here stores extended attributes',
}));
