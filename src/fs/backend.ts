// The interface a file-system backend implements for the VFS.
//
// Paths are backend-relative byte strings (one char per byte): '/' is the
// backend's root; they are normalized (no '.', '..', empty components or
// trailing '/'), and every component but the last has been checked by the VFS
// to be a directory, not a symlink: the VFS walks paths and resolves symlinks
// itself, so a backend must never follow a symlink (lstat semantics throughout).
// Operations return -errno on failure. Permission checks against the guest's
// credentials are the VFS's; a backend reports only what its storage refuses
// (EROFS, a host EACCES, …).
import type { Dirent, FileDescription, Stat, TimeSpec } from './file.js';
import { EACCES, EPERM } from '../base/errno.js';

export interface StatFs {
  type: number; bsize: number; blocks: number; bfree: number; bavail: number;
  files: number; ffree: number; namelen: number; frsize: number; flags: number;
}

export interface FsBackend {
  readonly type: string; // the file-system type name (/proc/mounts)
  readonly readOnly: boolean;
  lstat(path: string): Stat | number;
  readlink(path: string): string | number;
  // The entries of a directory, without . and ..
  readdir(path: string): Dirent[] | number;
  // Open a non-directory. Flags are the guest's O_* flags; with O_CREAT the VFS
  // has checked that the file does not exist and passes O_CREAT|O_EXCL and the
  // final mode (umask applied). `guestPath` names the description.
  open(path: string, flags: number, mode: number, guestPath: string): FileDescription | number;
  mkdir(path: string, mode: number): number;
  rmdir(path: string): number;
  unlink(path: string): number;
  // Same backend only (the VFS answers EXDEV otherwise); replaces `to` atomically.
  rename(from: string, to: string): number;
  // renameat2's RENAME_EXCHANGE: `a` and `b` (both existing, neither inside the other) swap names.
  exchange?(a: string, b: string): number;
  link(existing: string, path: string): number;
  symlink(target: string, path: string): number;
  // Create a FIFO, socket or regular file (character and block devices are refused by the VFS).
  // Character and block devices too, when the backend keeps their device numbers (rdev).
  mknod?(path: string, mode: number, rdev?: number): number;
  chmod(path: string, mode: number): number;
  chown(path: string, uid: number, gid: number): number; // -1 leaves one unchanged
  utimes(path: string, atime: TimeSpec, mtime: TimeSpec): number;
  truncate(path: string, len: number): number;
  statfs(): StatFs;
  // open(2) with O_TMPFILE: an unnamed regular file on the file system of the directory `dir`
  // (mode has the umask applied). Without O_EXCL in flags, linkFile can give it a name later.
  // `guestDir` is the directory's guest path (the description is named after it, as Linux names
  // it: "DIR/#INO (deleted)").
  tmpfile?(dir: string, flags: number, mode: number, guestDir: string): FileDescription | number;
  // linkat(fd, "", …, AT_EMPTY_PATH) and linking /proc/self/fd/N: a new name `path` for the open
  // file `f`, or undefined when `f` is not a file this backend links by itself (the VFS then links
  // the path the description was opened by). An unnamed file that may not be linked: -ENOENT.
  linkFile?(f: FileDescription, path: string): number | undefined;
  // Magic links (/proc/self/fd/N): following the symlink at `path` yields this
  // open description rather than a path walk.
  linkTarget?(path: string): FileDescription | undefined;
}

export const EMPTY_STATFS: StatFs = {
  type: 0x01021994 /* TMPFS_MAGIC */, bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0,
  namelen: 255, frsize: 4096, flags: 0,
};

// The base of a tree the kernel makes (proc, sys, dev, devpts): the guest cannot make, remove,
// rename or link names in it (EPERM), nor change its files' attributes or sizes (EPERM, EACCES),
// unless a subclass says otherwise.
export abstract class KernelTreeFs {
  mkdir(_path: string, _mode: number): number { return -EPERM; }
  rmdir(_path: string): number { return -EPERM; }
  unlink(_path: string): number { return -EPERM; }
  rename(_from: string, _to: string): number { return -EPERM; }
  link(_existing: string, _path: string): number { return -EPERM; }
  symlink(_target: string, _path: string): number { return -EPERM; }
  chmod(_path: string, _mode: number): number { return -EPERM; }
  chown(_path: string, _uid: number, _gid: number): number { return -EPERM; }
  utimes(_path: string, _atime: TimeSpec, _mtime: TimeSpec): number { return -EPERM; }
  truncate(_path: string, _len: number): number { return -EACCES; }
}
