// dnotify (fcntl F_NOTIFY): a directory's changes signal whoever asked, as
// Linux's dnotify does on top of the same file-system events inotify hears
// (FsNotify). One registration per open directory description, its events
// added up across calls; each event it asked for sends the description's
// owner SIGIO (or the F_SETSIG signal, with si_fd the descriptor it was asked
// through and POLL_MSG), once unless DN_MULTISHOT. Any close of a descriptor
// of it by the process that asked ends the registration (Linux's
// dnotify_flush), and so does the description's last close.
import type { Kernel } from './kernel.js';
import type { FileDescription } from '../fs/file.js';
import {
  FS_RENAME, IN_ACCESS, IN_ATTRIB, IN_CLOSE_NOWRITE, IN_CLOSE_WRITE, IN_CREATE, IN_DELETE, IN_IGNORED, IN_MODIFY, IN_MOVED_FROM, IN_MOVED_TO,
  type FsEvent, type Watch, type WatchOwner,
} from '../fs/inotify.js';
import { F_OWNER_PID } from './async-io.js';

export const DN_ACCESS = 0x1, DN_MODIFY = 0x2, DN_CREATE = 0x4, DN_DELETE = 0x8, DN_RENAME = 0x10, DN_ATTRIB = 0x20,
  DN_MULTISHOT = 0x80000000;

// Which dnotify events an event of the file system is.
function dnOf(mask: number): number {
  let dn = 0;
  if (mask & IN_ACCESS) dn |= DN_ACCESS;
  if (mask & IN_MODIFY) dn |= DN_MODIFY;
  if (mask & (IN_CREATE | IN_MOVED_TO)) dn |= DN_CREATE;
  if (mask & (IN_DELETE | IN_MOVED_FROM)) dn |= DN_DELETE;
  if (mask & FS_RENAME) dn |= DN_RENAME;
  if (mask & IN_ATTRIB) dn |= DN_ATTRIB;
  return dn;
}
// (and closes: the registration ends with its description's last close)
const WATCHED = IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | FS_RENAME
  | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE;

export class Registration implements WatchOwner {
  watch?: Watch;
  constructor(private readonly k: Kernel, readonly file: FileDescription, readonly owner: object, public fd: number,
    public mask: number, private readonly gone: (r: Registration) => void) {}
  queueEvent(e: FsEvent): void {
    if (e.mask & IN_IGNORED) return;
    if (this.file.refs <= 0) { this.end(); return; } // closed: Linux drops it at close
    if (!(dnOf(e.mask) & this.mask)) return;
    this.k.asyncIo.message(this.k, this.file, this.fd);
    if (!(this.mask & DN_MULTISHOT)) this.end();
  }
  forget(): void { this.watch = undefined; this.gone(this); }
  end(): void {
    if (this.watch) this.k.vfs.notify.remove(this.watch);
    this.forget();
  }
}

export class Dnotify {
  private readonly regs = new Map<FileDescription, Registration>();

  // F_NOTIFY on the open directory `f` (fd): add `arg`'s events (0: stop).
  notify(k: Kernel, f: FileDescription, fd: number, pid: number, owner: object, arg: number): number {
    const old = this.regs.get(f);
    if ((arg & ~DN_MULTISHOT) === 0) { old?.end(); return 0; }
    const st = f.stat();
    if (typeof st === 'number') return st;
    if ((st.mode & 0o170000) !== 0o040000) return -20; // ENOTDIR
    const node = f.node?.inode;
    if (!node) return -20;
    const s = k.asyncIo.get(f);
    if (!s.id) { s.type = F_OWNER_PID; s.id = pid; }
    if (old) { old.mask |= arg; old.fd = fd; return 0; }
    const r = new Registration(k, f, owner, fd, arg, (x) => this.regs.delete(x.file));
    f.onClose = (who) => { if (who === this.regs.get(f)?.owner) this.regs.get(f)!.end(); };
    r.watch = { wd: -1, key: node, mask: WATCHED, owner: r, dev: st.dev, ino: st.ino };
    k.vfs.notify.add(r.watch);
    this.regs.set(f, r);
    return 0;
  }
}
