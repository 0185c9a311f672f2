// The guest's file system as an embedding application sees it (`machine.fs`):
// paths walked by the VFS exactly as a guest's would be (mounts, symlinks
// inside the guest's root), as root, so an application can put input files
// in and take results out. Errors are thrown as Errors with a Linux `code`
// ('ENOENT', …) and `errno`, as node:fs does.
//
// Paths and names are Unicode strings here (UTF-8 in the guest).
import type { Host } from '../base/host.js';
import type { FsBackend } from './backend.js';
import { Vfs, AT_FDCWD, AT_SYMLINK_NOFOLLOW, type FsCaller } from './vfs.js';
import { O_CREAT, O_DIRECTORY, O_RDONLY, O_TRUNC, O_WRONLY, isDir, type Stat } from './file.js';
import * as E from '../base/errno.js';

export interface GuestMount { path: string; backend: FsBackend }

// errno -> its name (the first of the names a number has)
const NAMES: ReadonlyMap<number, string> = new Map(Object.entries(E)
  .filter(([k, v]) => typeof v === 'number' && /^E[A-Z0-9]+$/.test(k)).reverse().map(([k, v]) => [v as number, k]));

export class GuestFsError extends Error {
  constructor(readonly errno: number, readonly code: string, op: string, path: string) {
    super(`${code}: ${op} '${path}'`);
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const toBytes = (s: string): string => { let o = ''; for (const b of enc.encode(s)) o += String.fromCharCode(b); return o; };
const fromBytes = (s: string): string => dec.decode(Uint8Array.from(s, (c) => c.charCodeAt(0)));

export class GuestFs {
  private vfs?: Vfs;
  private readonly caller: FsCaller = {
    tid: 1,
    proc: {
      pid: 1, fs: { cwd: '/', umask: 0o022 },
      creds: { uid: 0, gid: 0, euid: 0, egid: 0, groups: [0] },
      files: { get: () => undefined },
    },
  };
  // `mounts()` gives the root ('/') and every other mount, as the machine's kernels get them.
  constructor(private readonly host: Host, private readonly mounts: () => GuestMount[]) {}

  // Forget the mount table (after the machine's mounts changed).
  invalidate(): void { this.vfs = undefined; }

  private get v(): Vfs {
    if (!this.vfs) {
      const all = this.mounts();
      const root = all.find((m) => m.path === '/');
      if (!root) throw new Error('xos: no root file system');
      const vfs = new Vfs({ root: root.backend, host: this.host });
      for (const m of all) if (m.path !== '/') vfs.mount(m.path, m.backend);
      this.vfs = vfs;
    }
    return this.vfs;
  }

  private check<T>(r: T | number, op: string, path: string): T {
    if (typeof r === 'number' && r < 0) throw new GuestFsError(-r, NAMES.get(-r) ?? `E${-r}`, op, path);
    return r as T;
  }

  readFile(path: string): Uint8Array;
  readFile(path: string, encoding: 'utf8'): string;
  readFile(path: string, encoding?: 'utf8'): Uint8Array | string {
    const f = this.check(this.v.open(this.caller, AT_FDCWD, toBytes(path), O_RDONLY, 0), 'open', path);
    try {
      const chunks: Uint8Array[] = [];
      let total = 0;
      for (;;) {
        const r = f.read(1 << 20, total);
        if (!(r instanceof Uint8Array)) { this.check(typeof r === 'number' ? r : -E.EAGAIN, 'read', path); break; }
        if (!r.length) break;
        chunks.push(r.slice());
        total += r.length;
      }
      const out = new Uint8Array(total);
      let o = 0;
      for (const c of chunks) { out.set(c, o); o += c.length; }
      return encoding ? dec.decode(out) : out;
    } finally {
      f.release();
    }
  }

  // Write (create or replace the contents of) a regular file; `mode` applies to a new file.
  writeFile(path: string, data: Uint8Array | string, opts: { mode?: number } = {}): void {
    const bytes = typeof data === 'string' ? enc.encode(data) : data;
    const mode = opts.mode ?? 0o644;
    const f = this.check(this.v.open(this.caller, AT_FDCWD, toBytes(path), O_WRONLY | O_CREAT | O_TRUNC, mode), 'open', path);
    try {
      let off = 0;
      while (off < bytes.length) {
        const w = f.write(bytes.subarray(off), off);
        const n = this.check(typeof w === 'number' ? w : -E.EAGAIN, 'write', path);
        if (n === 0) break;
        off += n;
      }
      if (opts.mode !== undefined) this.check(f.chmod(opts.mode & 0o7777), 'chmod', path);
    } finally {
      f.release();
    }
  }

  readdir(path: string): string[] {
    const f = this.check(this.v.open(this.caller, AT_FDCWD, toBytes(path), O_RDONLY | O_DIRECTORY, 0), 'scandir', path);
    try {
      const names: string[] = [];
      for (;;) {
        const list = this.check(f.readdir(4096), 'scandir', path);
        if (!list.length) break;
        for (const e of list) if (e.name !== '.' && e.name !== '..') names.push(fromBytes(e.name));
      }
      return names.sort();
    } finally {
      f.release();
    }
  }

  stat(path: string): Stat { return this.check(this.v.stat(this.caller, AT_FDCWD, toBytes(path), 0), 'stat', path); }
  lstat(path: string): Stat {
    return this.check(this.v.stat(this.caller, AT_FDCWD, toBytes(path), AT_SYMLINK_NOFOLLOW), 'lstat', path);
  }
  exists(path: string): boolean { return typeof this.v.stat(this.caller, AT_FDCWD, toBytes(path), 0) !== 'number'; }
  readlink(path: string): string { return fromBytes(this.check(this.v.readlink(this.caller, AT_FDCWD, toBytes(path)), 'readlink', path)); }
  symlink(target: string, path: string): void {
    this.check(this.v.symlink(this.caller, toBytes(target), AT_FDCWD, toBytes(path)), 'symlink', path);
  }
  chmod(path: string, mode: number): void { this.check(this.v.chmod(this.caller, AT_FDCWD, toBytes(path), mode), 'chmod', path); }
  rename(from: string, to: string): void {
    this.check(this.v.rename(this.caller, AT_FDCWD, toBytes(from), AT_FDCWD, toBytes(to)), 'rename', from);
  }

  mkdir(path: string, opts: { recursive?: boolean; mode?: number } = {}): void {
    const mode = opts.mode ?? 0o755;
    if (!opts.recursive) { this.check(this.v.mkdir(this.caller, AT_FDCWD, toBytes(path), mode), 'mkdir', path); return; }
    let cur = '';
    for (const c of path.split('/').filter((x) => x && x !== '.')) {
      cur += '/' + c;
      const st = this.v.stat(this.caller, AT_FDCWD, toBytes(cur), 0);
      if (typeof st !== 'number') {
        if (!isDir(st.mode)) this.check(-E.ENOTDIR, 'mkdir', cur);
        continue;
      }
      this.check(this.v.mkdir(this.caller, AT_FDCWD, toBytes(cur), mode), 'mkdir', cur);
    }
  }

  // Remove a file, or a directory (with `recursive`, and its contents); `force` ignores a missing path.
  rm(path: string, opts: { recursive?: boolean; force?: boolean } = {}): void {
    const st = this.v.stat(this.caller, AT_FDCWD, toBytes(path), AT_SYMLINK_NOFOLLOW);
    if (typeof st === 'number') {
      if (opts.force && st === -E.ENOENT) return;
      this.check(st, 'rm', path);
      return;
    }
    if (isDir(st.mode)) {
      if (!opts.recursive) this.check(-E.EISDIR, 'rm', path);
      for (const name of this.readdir(path)) this.rm(`${path.replace(/\/+$/, '')}/${name}`, opts);
      this.check(this.v.rmdir(this.caller, AT_FDCWD, toBytes(path)), 'rmdir', path);
    } else {
      this.check(this.v.unlink(this.caller, AT_FDCWD, toBytes(path)), 'unlink', path);
    }
  }
}
