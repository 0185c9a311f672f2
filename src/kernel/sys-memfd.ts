// memfd_create(2): an anonymous file in memory, as a tmpfs file with no name left.
import type { SyscallDef, Handler } from './syscall.js';
import { Tmpfs } from '../fs/tmpfs.js';
import { FileDescription, O_RDWR, O_CREAT, O_EXCL } from '../fs/file.js';
import { EFAULT, EINVAL } from '../base/errno.js';
import { release } from '../fs/file.js';
import type { MemoryBudget } from '../base/budget.js';

const MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_HUGETLB = 4, MFD_NOEXEC_SEAL = 8, MFD_EXEC = 0x10;
const MEMFD_DEV = 0x0f; // the internal shmem mount: no other file system has this device

// A machine's memfds: files of an internal tmpfs, named and unlinked at once (Kernel.memfds).
export class MemfdStore {
  private fs?: Tmpfs;
  private serial = 0;
  constructor(private readonly now: () => bigint, private readonly budget?: MemoryBudget) {}
  create(label: string): FileDescription | number {
    // as Linux's internal shmem mount: no size of its own, only the machine's memory bounds it
    this.fs ??= new Tmpfs({ now: this.now, mode: 0o1777, dev: MEMFD_DEV, budget: this.budget, size: Infinity, inodes: Infinity });
    const path = `/memfd-${++this.serial}`;
    const f = this.fs.open(path, O_RDWR | O_CREAT | O_EXCL, 0o777, label);
    if (typeof f !== 'number') this.fs.unlink(path);
    return f;
  }
}

const sysMemfdCreate: Handler = (t, a, k) => {
  const flags = a.u32(1);
  if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC) || flags & MFD_HUGETLB) return -EINVAL;
  const name = t.proc.mm.readCString(a.u(0), 250);
  if (!name) return -EFAULT;
  const f = k.memfds.create(`/memfd:${String.fromCharCode(...name)} (deleted)`);
  if (typeof f === 'number') return f;
  const fd = t.proc.files.install(f as FileDescription, (flags & MFD_CLOEXEC) !== 0);
  if (fd < 0) release(f as FileDescription);
  return fd;
};

export const memfdSyscalls: SyscallDef[] = [
  { nr: 319, name: 'memfd_create', handler: sysMemfdCreate, args: ['str', 'hex'], status: 'partial', note: 'no file seals (F_ADD_SEALS)' },
];
