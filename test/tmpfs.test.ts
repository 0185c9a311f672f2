// tmpfs (src/fs/tmpfs.ts): the backend on its own, and behind the VFS.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tmpfs } from '../src/fs/tmpfs.js';
import { Vfs, type FsCaller } from '../src/fs/vfs.js';
import {
  O_APPEND, O_CREAT, O_DIRECTORY, O_EXCL, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG,
  SEEK_DATA, SEEK_END, SEEK_HOLE, type FileDescription, type Stat,
} from '../src/fs/file.js';
import { createBrowserHost } from '../src/host/browser/index.js';

const E = { ENOENT: -2, EEXIST: -17, ENOTDIR: -20, EISDIR: -21, EINVAL: -22, ENOTEMPTY: -39, ELOOP: -40, EPERM: -1, ENXIO: -6 };
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: unknown) => new TextDecoder().decode(b as Uint8Array);

function clocked(): { fs: Tmpfs; tick: () => bigint } {
  let t = 1_000_000_000n;
  const fs = new Tmpfs({ now: () => t });
  return { fs, tick: () => (t += 1_000_000_000n) };
}
function st(fs: Tmpfs, p: string): Stat {
  const s = fs.lstat(p);
  assert.notEqual(typeof s, 'number', `lstat ${p}: ${String(s)}`);
  return s as Stat;
}
function open(fs: Tmpfs, p: string, flags: number, mode = 0o644): FileDescription {
  const f = fs.open(p, flags, mode, p);
  assert.notEqual(typeof f, 'number', `open ${p}: ${String(f)}`);
  return f as FileDescription;
}

describe('tmpfs backend', () => {
  it('creates, writes and reads files; O_APPEND and O_TRUNC', () => {
    const { fs } = clocked();
    const f = open(fs, '/a', O_RDWR | O_CREAT | O_EXCL, 0o640);
    assert.equal(f.write(enc('hello')), 5);
    assert.equal(f.seek(0, 0), 0);
    assert.equal(dec(f.read(100)), 'hello');
    assert.equal(fs.open('/a', O_CREAT | O_EXCL, 0o644, '/a'), E.EEXIST);
    const s = st(fs, '/a');
    assert.equal(s.mode, S_IFREG | 0o640);
    assert.equal(s.size, 5);
    assert.equal(s.nlink, 1);
    const g = open(fs, '/a', O_WRONLY | O_APPEND);
    assert.equal(g.write(enc('!')), 1);
    assert.equal(dec(f.read(10, 0)), 'hello!');
    open(fs, '/a', O_WRONLY | O_TRUNC).release();
    assert.equal(st(fs, '/a').size, 0);
    f.release(); g.release();
  });

  it('keeps holes sparse and reads them as zeros; SEEK_DATA / SEEK_HOLE', () => {
    const { fs } = clocked();
    const f = open(fs, '/sparse', O_RDWR | O_CREAT | O_EXCL);
    f.write(enc('abc'), 0);
    f.write(enc('z'), 10_000_000);
    const s = f.stat() as Stat;
    assert.equal(s.size, 10_000_001);
    assert.ok(s.blocks * 512 < 1_000_000, `blocks ${s.blocks} for a sparse file`);
    assert.ok(fs.usedBytes < 1_000_000);
    const mid = f.read(8, 5_000_000) as Uint8Array;
    assert.deepEqual([...mid], [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(dec((f.read(4, 9_999_998) as Uint8Array).slice(2)), 'z');
    assert.equal(f.seek(0, SEEK_HOLE) > 0, true);
    assert.equal(f.seek(100_000, SEEK_DATA) > 9_000_000, true);
    assert.equal(f.seek(0, SEEK_END), 10_000_001);
    assert.equal(f.seek(10_000_001, SEEK_DATA), E.ENXIO);
    // shrink, then grow: the cut-off bytes read as zeros
    assert.equal(f.truncate(2), 0);
    assert.equal(f.truncate(6), 0);
    assert.deepEqual([...(f.read(6, 0) as Uint8Array)], [97, 98, 0, 0, 0, 0]);
    f.release();
  });

  it('counts hard links and keeps an unlinked open file', () => {
    const { fs } = clocked();
    fs.writeFile('/x', 'data');
    assert.equal(fs.link('/x', '/y'), 0);
    assert.equal(st(fs, '/x').nlink, 2);
    assert.equal(st(fs, '/x').ino, st(fs, '/y').ino);
    const used = fs.usedBytes;
    const f = open(fs, '/y', O_RDONLY);
    assert.equal(fs.unlink('/x'), 0);
    assert.equal(st(fs, '/y').nlink, 1);
    assert.equal(fs.unlink('/y'), 0);
    assert.equal(fs.lstat('/y'), E.ENOENT);
    assert.equal((f.stat() as Stat).nlink, 0);
    assert.equal(dec(f.read(10)), 'data');
    assert.equal(fs.usedBytes, used);
    f.release();
    assert.ok(fs.usedBytes < used);
    assert.equal(fs.link('/', '/z'), E.EPERM);
  });

  it('directories: nlink, ENOTEMPTY, ENOTDIR, readdir', () => {
    const { fs } = clocked();
    assert.equal(st(fs, '/').nlink, 2);
    assert.equal(fs.mkdir('/d', 0o755), 0);
    assert.equal(fs.mkdir('/d', 0o755), E.EEXIST);
    assert.equal(fs.mkdir('/d/e', 0o700), 0);
    assert.equal(st(fs, '/').nlink, 3);
    assert.equal(st(fs, '/d').nlink, 3);
    assert.equal(st(fs, '/d/e').mode, S_IFDIR | 0o700);
    fs.writeFile('/d/f', 'x');
    assert.deepEqual((fs.readdir('/d') as { name: string }[]).map((e) => e.name), ['e', 'f']);
    assert.equal(fs.rmdir('/d'), E.ENOTEMPTY);
    assert.equal(fs.rmdir('/d/f'), E.ENOTDIR);
    assert.equal(fs.unlink('/d/e'), E.EISDIR);
    assert.equal(fs.readdir('/d/f'), E.ENOTDIR);
    assert.equal(fs.rmdir('/d/e'), 0);
    assert.equal(st(fs, '/d').nlink, 2);
    assert.equal(fs.open('/d', O_RDONLY, 0, '/d'), E.EISDIR);
  });

  it('rename: replaces atomically, moves directories, refuses the impossible', () => {
    const { fs } = clocked();
    fs.writeFile('/a', 'A');
    fs.writeFile('/b', 'B');
    const held = open(fs, '/b', O_RDONLY);
    assert.equal(fs.rename('/a', '/b'), 0);
    assert.equal(fs.lstat('/a'), E.ENOENT);
    assert.equal(dec(fs.readFile('/b')), 'A');
    assert.equal(dec(held.read(1)), 'B'); // the replaced file lives on while open
    assert.equal((held.stat() as Stat).nlink, 0);
    held.release();
    fs.mkdirp('/p/q/r');
    fs.mkdirp('/s');
    assert.equal(fs.rename('/p', '/p/q/r/p'), E.EINVAL);
    assert.equal(fs.rename('/p/q', '/p/q'), 0);
    assert.equal(fs.rename('/b', '/s'), E.EISDIR);
    assert.equal(fs.rename('/s', '/b'), E.ENOTDIR);
    assert.equal(fs.rename('/s', '/p'), E.ENOTEMPTY);
    const rootLinks = st(fs, '/').nlink;
    assert.equal(fs.rename('/p/q', '/q2'), 0);
    assert.equal(st(fs, '/').nlink, rootLinks + 1);
    assert.equal(st(fs, '/p').nlink, 2);
    assert.equal(fs.rename('/s', '/q2/r'), 0); // a directory over an empty directory
    assert.equal(st(fs, '/q2').nlink, 3);
    assert.equal(fs.rename('/p', '/q2/r/p'), 0);
    assert.equal(fs.rename('/q2', '/q2/r/p/x'), E.EINVAL);
  });

  it('symlinks are never followed by the backend', () => {
    const { fs } = clocked();
    assert.equal(fs.symlinkp('../target', '/l/link'), 0);
    const s = st(fs, '/l/link');
    assert.equal(s.mode & S_IFMT, S_IFLNK);
    assert.equal(s.size, 9);
    assert.equal(fs.readlink('/l/link'), '../target');
    assert.equal(fs.readlink('/l'), E.EINVAL);
    assert.equal(fs.open('/l/link', O_RDONLY, 0, '/l/link'), E.ELOOP);
  });

  it('times, modes and owners', () => {
    const { fs, tick } = clocked();
    const f = open(fs, '/t', O_RDWR | O_CREAT | O_EXCL);
    const s0 = f.stat() as Stat;
    const t1 = tick();
    f.write(enc('x'));
    const s1 = f.stat() as Stat;
    assert.equal(s1.mtimeNs, t1);
    assert.equal(s1.ctimeNs, t1);
    assert.equal(st(fs, '/').mtimeNs, s0.mtimeNs);
    const t2 = tick();
    assert.equal(fs.chmod('/t', 0o4755), 0);
    const s2 = st(fs, '/t');
    assert.equal(s2.mode, S_IFREG | 0o4755);
    assert.equal(s2.ctimeNs, t2);
    assert.equal(s2.mtimeNs, t1);
    assert.equal(fs.chown('/t', 1000, -1), 0);
    const s3 = st(fs, '/t');
    assert.equal(s3.uid, 1000);
    assert.equal(s3.gid, 0);
    assert.equal(s3.mode, S_IFREG | 0o755); // chown drops set-user-ID
    assert.equal(fs.utimes('/t', 5n, 'now'), 0);
    assert.equal(st(fs, '/t').atimeNs, 5n);
    assert.equal(st(fs, '/t').mtimeNs, t2);
    const t3 = tick();
    fs.writeFile('/new', '');
    assert.equal(st(fs, '/').mtimeNs, t3);
    f.release();
  });

  it('seeding helpers and statfs', () => {
    const fs = new Tmpfs({ size: 1 << 20 });
    assert.equal(fs.writeFile('/usr/bin/prog', new Uint8Array([0x7f, 0x45]), 0o755), 0);
    assert.equal(st(fs, '/usr/bin/prog').mode, S_IFREG | 0o755);
    assert.equal(st(fs, '/usr').mode & S_IFMT, S_IFDIR);
    assert.equal(fs.writeFile('/usr/bin/prog', 'shorter', 0o700), 0);
    assert.equal(dec(fs.readFile('/usr/bin/prog')), 'shorter');
    assert.equal(st(fs, '/usr/bin/prog').mode, S_IFREG | 0o700);
    assert.equal(fs.writeFile('/usr/bin/prog/x', 'no'), E.ENOTDIR);
    assert.equal(fs.writeFile('/ünï', 'u'), 0);
    assert.ok((fs.readdir('/') as { name: string }[]).some((e) => e.name === '\xc3\xbcn\xc3\xaf'));
    const sf = fs.statfs();
    assert.equal(sf.type, 0x01021994);
    assert.equal(sf.blocks, 256);
    const big = open(fs, '/big', O_WRONLY | O_CREAT | O_EXCL);
    const w = big.write(new Uint8Array(2 << 20)) as number;
    assert.ok(w > 0 && w < 1 << 20, `partial write ${w}`);
    assert.ok(fs.statfs().bfree <= 16, `bfree ${fs.statfs().bfree}`);
    assert.equal(big.write(new Uint8Array(1 << 16)), -28); // ENOSPC
    big.release();
  });
});

describe('tmpfs behind the VFS', () => {
  const caller: FsCaller = {
    tid: 1,
    proc: {
      pid: 1, fs: { cwd: '/', umask: 0o022 },
      creds: { uid: 0, gid: 0, euid: 0, egid: 0, groups: [0] },
      files: { get: () => undefined },
    },
  };

  it('creates through symlinks, lists directories, renames', () => {
    const fs = new Tmpfs();
    const vfs = new Vfs({ root: fs, host: createBrowserHost() });
    fs.mkdirp('/real/dir');
    fs.symlinkp('/real/dir', '/link');
    const f = vfs.open(caller, -100, '/link/file', O_WRONLY | O_CREAT, 0o666);
    assert.notEqual(typeof f, 'number');
    (f as FileDescription).write(enc('via link'));
    (f as FileDescription).release();
    assert.equal(dec(fs.readFile('/real/dir/file')), 'via link');
    assert.equal(st(fs, '/real/dir/file').mode, S_IFREG | 0o644); // umask applied by the VFS
    const d = vfs.open(caller, -100, '/link/', O_RDONLY | O_DIRECTORY, 0) as FileDescription;
    assert.deepEqual((d.readdir(10) as { name: string }[]).map((e) => e.name), ['.', '..', 'file']);
    assert.equal(vfs.rename(caller, -100, '/link/file', -100, '/moved'), 0);
    assert.equal(dec(fs.readFile('/moved')), 'via link');
    assert.equal(vfs.mkdir(caller, -100, '/link/sub', 0o777), 0);
    assert.equal(st(fs, '/real/dir/sub').mode, S_IFDIR | 0o755);
    const s = vfs.stat(caller, -100, '/link', 0);
    assert.equal(typeof s === 'number' ? s : s.mode & S_IFMT, S_IFDIR);
  });
});
