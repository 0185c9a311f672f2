// A file system of one read-only file, mounted over a path: what xos gives the
// guest at /etc/resolv.conf and /etc/hosts, as docker bind-mounts its own over
// a container's (the guest's root is left as it is).
import type { FsBackend, StatFs } from './backend.js';
import { EMPTY_STATFS, KernelTreeFs } from './backend.js';
import { BufferFile, FileDescription, O_ACCMODE, O_RDONLY, S_IFREG, type Dirent, type Stat } from './file.js';
import { EINVAL, ENOENT, ENOTDIR, EROFS } from '../base/errno.js';

export class StaticFileFs extends KernelTreeFs implements FsBackend {
  readonly type = 'tmpfs';
  readonly readOnly = true;
  private readonly st: Stat;
  constructor(private readonly data: Uint8Array, timeNs: bigint, ino: number, mode = 0o644) {
    super();
    this.st = {
      dev: 0, ino, mode: S_IFREG | mode, nlink: 1, uid: 0, gid: 0, rdev: 0, size: data.length, blksize: 4096,
      blocks: Math.ceil(data.length / 512), atimeNs: timeNs, mtimeNs: timeNs, ctimeNs: timeNs,
    };
  }
  lstat(path: string): Stat | number { return path === '/' ? this.st : -ENOTDIR; }
  readlink(path: string): string | number { return path === '/' ? -EINVAL : -ENOENT; }
  readdir(): Dirent[] | number { return -ENOTDIR; }
  open(path: string, flags: number, _mode: number, guestPath: string): FileDescription | number {
    if (path !== '/') return -ENOTDIR;
    if ((flags & O_ACCMODE) !== O_RDONLY) return -EROFS;
    return new BufferFile(flags, guestPath, this.data, () => this.st);
  }
  override mknod(): number { return -EROFS; }
  statfs(): StatFs { return EMPTY_STATFS; }
}
