// A process's file descriptor table.
import { FileDescription, release } from '../fs/file.js';
import { EBADF, EMFILE } from '../base/errno.js';

interface Slot { file: FileDescription; cloexec: boolean }

export class FdTable {
  private slots: (Slot | undefined)[] = [];
  limit = 1024; // RLIMIT_NOFILE
  users = 1; // processes sharing this table (CLONE_FILES)
  owner?: object; // the process whose POSIX record locks a close releases

  release(): void {
    if (--this.users === 0) this.closeAll();
  }

  get(fd: number): FileDescription | undefined {
    return fd >= 0 ? this.slots[fd]?.file : undefined;
  }
  cloexec(fd: number): boolean { return !!this.slots[fd]?.cloexec; }
  setCloexec(fd: number, on: boolean): void { const s = this.slots[fd]; if (s) s.cloexec = on; }

  // Install at the lowest free fd >= min. The table takes over one reference.
  install(file: FileDescription, cloexec: boolean, min = 0): number {
    for (let fd = min; fd < this.limit; fd++) {
      if (!this.slots[fd]) { this.slots[fd] = { file, cloexec }; return fd; }
    }
    return -EMFILE;
  }
  // Put `file` at exactly `fd`, closing what was there (dup2).
  installAt(fd: number, file: FileDescription, cloexec: boolean): number {
    if (fd < 0 || fd >= this.limit) return -EBADF;
    const old = this.slots[fd];
    this.slots[fd] = { file, cloexec };
    if (old && this.owner) { old.file.flush?.(this.owner); old.file.onClose?.(this.owner); } // closed, as by close(2)
    if (old) release(old.file);
    return fd;
  }
  close(fd: number): number {
    const s = fd >= 0 ? this.slots[fd] : undefined;
    if (!s) return -EBADF;
    this.slots[fd] = undefined;
    // closing any descriptor of a file drops the process's record locks on it (POSIX)
    const node = s.file.node;
    if (node?.locks?.active && this.owner) node.locks.closedBy(this.owner, node.inode);
    if (this.owner) { s.file.flush?.(this.owner); s.file.onClose?.(this.owner); }
    release(s.file);
    return 0;
  }
  closeOnExec(): void {
    this.slots.forEach((s, fd) => { if (s?.cloexec) this.close(fd); });
  }
  each(fn: (file: FileDescription, fd: number) => void): void { this.slots.forEach((s, fd) => { if (s) fn(s.file, fd); }); }
  closeAll(): void { this.slots.forEach((s, fd) => { if (s) this.close(fd); }); }
  fork(): FdTable {
    const t = new FdTable();
    t.limit = this.limit;
    t.owner = this.owner;
    t.slots = this.slots.map((s) => { if (!s) return undefined; s.file.refs++; return { ...s }; });
    return t;
  }
  fds(): number[] { return this.slots.flatMap((s, fd) => (s ? [fd] : [])); }
}

