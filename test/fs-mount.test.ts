// The file-system syscalls of issue 4 where a differential C test cannot
// look: O_TMPFILE and RENAME_EXCHANGE on an overlay (the upper and the image
// checked directly), on a host directory (the host side checked: hidden names
// listed to no one and gone afterwards), RENAME_WHITEOUT, the mount tree
// (a mount over a directory hides mounts below it) and /proc/self/mounts seen
// from inside a chroot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vfs, AT_FDCWD, AT_EMPTY_PATH, RENAME_EXCHANGE, RENAME_NOREPLACE, RENAME_WHITEOUT, type FsCaller } from '../src/fs/vfs.js';
import { Tmpfs } from '../src/fs/tmpfs.js';
import { ImageFs } from '../src/fs/image.js';
import { OverlayFs } from '../src/fs/overlay.js';
import { TarWriter, bytesSource } from '../src/fs/tar.js';
import { HostFs } from '../src/host/node/hostfs.js';
import { createBrowserHost } from '../src/host/browser/index.js';
import { O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_TMPFILE, O_WRONLY, isDir, type FileDescription } from '../src/fs/file.js';
import { EINVAL, ENOENT, EXDEV, EOPNOTSUPP } from '../src/base/errno.js';
import type { FsBackend } from '../src/fs/backend.js';

const enc = new TextEncoder(), dec = new TextDecoder();

function machine(root: FsBackend) {
  const fds = new Map<number, FileDescription>();
  const proc = {
    pid: 7, ppid: 1, pgid: 7, sid: 7, exe: '/prog', argv: [], envp: [], threads: [{ tid: 7, comm: new Uint8Array(0) }],
    fs: { cwd: '/', umask: 0o022, root: '/' },
    creds: { uid: 0, euid: 0, suid: 0, gid: 0, egid: 0, sgid: 0, groups: [0] },
    files: { get: (fd: number) => fds.get(fd), fds: () => [...fds.keys()] },
    mm: { vmas: [] },
  };
  const t: FsCaller = { tid: 7, proc };
  const vfs = new Vfs({ root, host: createBrowserHost(), proc: { processes: new Map([[7, proc]]) } });
  const open = (p: string, flags: number, mode = 0o644): FileDescription => {
    const f = vfs.open(t, AT_FDCWD, p, flags, mode);
    assert.ok(typeof f !== 'number', `open ${p}: ${f}`);
    return f;
  };
  const read = (p: string): string => {
    const f = open(p, O_RDONLY);
    const r = f.read(1 << 16, 0);
    f.release();
    return dec.decode(r as Uint8Array);
  };
  const write = (p: string, s: string) => { const f = open(p, O_WRONLY | O_CREAT, 0o644); f.write(enc.encode(s)); f.release(); };
  const names = (p: string) => {
    const f = open(p, O_RDONLY);
    const list = f.readdir(1000);
    f.release();
    assert.ok(Array.isArray(list));
    return list.map((e) => e.name).filter((n) => n !== '.' && n !== '..').sort();
  };
  // an fd slot for linkat(fd, "", AT_EMPTY_PATH)
  const install = (f: FileDescription, fd = 10) => { fds.set(fd, f); return fd; };
  return { vfs, t, proc, open, read, write, names, install };
}

function image(): ImageFs {
  const w = new TarWriter();
  const T = 1_600_000_000_000_000_000n;
  w.add({ path: 'lowdir', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtimeNs: T });
  w.add({ path: 'lowdir/x', type: 'file', mode: 0o644, uid: 0, gid: 0, mtimeNs: T, data: enc.encode('lower x') });
  w.add({ path: 'lowfile', type: 'file', mode: 0o644, uid: 0, gid: 0, mtimeNs: T, data: enc.encode('lower file') });
  const fs = new ImageFs();
  fs.addLayer(bytesSource(w.finish()));
  return fs.finish();
}

test('O_TMPFILE on an overlay lands in the upper when linked, the image untouched', () => {
  const lower = image(), upper = new Tmpfs();
  const m = machine(new OverlayFs(lower, upper));
  const f = m.open('/lowdir', O_TMPFILE | O_RDWR, 0o600);
  f.write(enc.encode('unnamed'));
  assert.deepEqual(m.names('/lowdir'), ['x'], 'an unnamed file is in no listing');
  const fd = m.install(f);
  assert.equal(m.vfs.link(m.t, fd, '', AT_FDCWD, '/lowdir/named', AT_EMPTY_PATH), 0);
  assert.equal(m.read('/lowdir/named'), 'unnamed');
  assert.deepEqual(m.names('/lowdir'), ['named', 'x']);
  assert.equal(dec.decode(upper.readFile('/lowdir/named') as Uint8Array), 'unnamed', 'the name is in the upper');
  assert.equal(lower.lstat('/lowdir/named'), -ENOENT, 'the image is unchanged');
  f.release();
  // O_EXCL: never linkable
  const g = m.open('/', O_TMPFILE | O_RDWR | O_EXCL, 0o600);
  assert.equal(m.vfs.link(m.t, m.install(g, 11), '', AT_FDCWD, '/excl', AT_EMPTY_PATH), -ENOENT);
  g.release();
  // the errnos of the flags
  assert.equal(m.vfs.open(m.t, AT_FDCWD, '/', O_TMPFILE | O_RDONLY, 0o600), -EINVAL);
  assert.equal(m.vfs.open(m.t, AT_FDCWD, '/proc', O_TMPFILE | O_RDWR, 0o600), -EOPNOTSUPP);
});

test('RENAME_EXCHANGE on an overlay: lower files copied up, lower directories refused, the image untouched', () => {
  const lower = image(), upper = new Tmpfs();
  const m = machine(new OverlayFs(lower, upper));
  m.write('/upfile', 'upper file');
  assert.equal(m.vfs.rename(m.t, AT_FDCWD, '/lowfile', AT_FDCWD, '/upfile', RENAME_EXCHANGE), 0);
  assert.equal(m.read('/lowfile'), 'upper file');
  assert.equal(m.read('/upfile'), 'lower file');
  const lf = lower.open('/lowfile', O_RDONLY, 0, '/lowfile') as FileDescription;
  assert.equal(dec.decode(lf.read(100, 0) as Uint8Array), 'lower file', 'the image is unchanged');
  assert.equal(m.vfs.rename(m.t, AT_FDCWD, '/lowdir', AT_FDCWD, '/upfile', RENAME_EXCHANGE), -EXDEV);
  // an upper directory put where the image has a directory does not show the image's entries
  assert.equal(m.vfs.mkdir(m.t, AT_FDCWD, '/updir', 0o755), 0);
  m.write('/updir/mine', 'mine');
  assert.equal(m.vfs.unlink(m.t, AT_FDCWD, '/lowdir/x'), 0);
  assert.equal(m.vfs.rmdir(m.t, AT_FDCWD, '/lowdir'), 0);
  m.write('/lowdir', 'a file over the removed image directory');
  assert.equal(m.vfs.rename(m.t, AT_FDCWD, '/lowdir', AT_FDCWD, '/updir', RENAME_EXCHANGE), 0);
  assert.deepEqual(m.names('/lowdir'), ['mine']);
  assert.equal(m.read('/updir'), 'a file over the removed image directory');
  // flags
  assert.equal(m.vfs.rename(m.t, AT_FDCWD, '/upfile', AT_FDCWD, '/lowfile', RENAME_EXCHANGE | RENAME_NOREPLACE), -EINVAL);
  assert.equal(m.vfs.rename(m.t, AT_FDCWD, '/upfile', AT_FDCWD, '/new', RENAME_WHITEOUT), -EINVAL);
  assert.equal(m.read('/upfile'), 'lower file', 'a refused RENAME_WHITEOUT changed nothing');
});

test('O_TMPFILE and RENAME_EXCHANGE on a host directory: the host side', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xos-fs-mount-'));
  try {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a'), 'AAA');
    writeFileSync(join(dir, 'sub', 'b'), 'BBB');
    const m = machine(new HostFs(dir));
    const f = m.open('/sub', O_TMPFILE | O_RDWR, 0o640);
    f.write(enc.encode('made unnamed'));
    assert.deepEqual(m.names('/sub'), ['b'], 'the hidden host name is not listed');
    assert.equal(readdirSync(join(dir, 'sub')).length, 2, 'while open, a linkable O_TMPFILE has a hidden host name');
    const st = f.stat();
    assert.ok(typeof st !== 'number' && st.nlink === 0);
    assert.equal(m.vfs.link(m.t, m.install(f), '', AT_FDCWD, '/sub/kept', AT_EMPTY_PATH), 0);
    assert.deepEqual(readdirSync(join(dir, 'sub')).sort(), ['b', 'kept'], 'linked: the hidden name is gone');
    assert.equal(readFileSync(join(dir, 'sub', 'kept'), 'utf8'), 'made unnamed');
    assert.equal(statSync(join(dir, 'sub', 'kept')).mode & 0o777, 0o640);
    f.release();
    const g = m.open('/', O_TMPFILE | O_WRONLY, 0o600);
    g.write(enc.encode('dropped'));
    g.release();
    assert.deepEqual(readdirSync(dir).sort(), ['a', 'sub'], 'closed without a name: nothing left on the host');

    assert.equal(m.vfs.rename(m.t, AT_FDCWD, '/a', AT_FDCWD, '/sub/b', RENAME_EXCHANGE), 0);
    assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'BBB');
    assert.equal(readFileSync(join(dir, 'sub', 'b'), 'utf8'), 'AAA');
    assert.equal(m.vfs.rename(m.t, AT_FDCWD, '/a', AT_FDCWD, '/sub', RENAME_EXCHANGE), 0);
    assert.ok(statSync(join(dir, 'a')).isDirectory());
    assert.equal(readFileSync(join(dir, 'sub'), 'utf8'), 'BBB');
    assert.equal(m.vfs.rename(m.t, AT_FDCWD, '/sub', AT_FDCWD, '/missing', RENAME_EXCHANGE), -ENOENT);
    assert.deepEqual(readdirSync(dir).sort(), ['a', 'sub'], 'no temporary names left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a mount over a directory hides the mounts below it until it goes', () => {
  const m = machine(new Tmpfs());
  m.vfs.mkdir(m.t, AT_FDCWD, '/mnt', 0o755);
  m.vfs.mkdir(m.t, AT_FDCWD, '/mnt/a', 0o755);
  const mounts = m.vfs.mounts;
  const a = mounts.make('/mnt/a', new Tmpfs());
  mounts.attach(a);
  m.write('/mnt/a/on-a', 'a');
  const over = mounts.make('/mnt', new Tmpfs({ mode: 0o700 }));
  mounts.attach(over);
  assert.deepEqual(m.names('/mnt'), [], 'the new mount is empty');
  assert.ok(m.vfs.stat(m.t, AT_FDCWD, '/mnt/a', 0) === -ENOENT, 'the mount at /mnt/a is below it');
  // both still listed, as /proc/self/mounts lists hidden mounts
  const listed = m.read('/proc/self/mounts').split('\n').filter((l) => l.includes(' /mnt'));
  assert.equal(listed.length, 2, listed.join('\n'));
  mounts.detach(over);
  assert.equal(m.read('/mnt/a/on-a'), 'a');
});

test('/proc/self/mounts and mountinfo from inside a chroot: paths relative to it, mounts outside left out', () => {
  const m = machine(new Tmpfs());
  m.vfs.mkdir(m.t, AT_FDCWD, '/jail', 0o755);
  m.vfs.mkdir(m.t, AT_FDCWD, '/jail/proc', 0o755);
  m.vfs.mkdir(m.t, AT_FDCWD, '/jail/tmp', 0o755);
  m.vfs.mounts.attach(m.vfs.mounts.make('/jail/tmp', new Tmpfs(), { source: 'jailtmp' }));
  m.vfs.mounts.attach(m.vfs.mounts.make('/jail/proc', m.vfs.newFs('proc')!, { source: 'proc' }));
  assert.equal(m.vfs.chroot(m.t, '/jail'), 0);
  const mounts = m.read('/proc/self/mounts');
  assert.deepEqual(mounts.split('\n').filter(Boolean).map((l) => l.split(' ').slice(0, 3).join(' ')),
    ['jailtmp /tmp tmpfs', 'proc /proc proc']);
  const info = m.read('/proc/self/mountinfo').split('\n').filter(Boolean);
  assert.equal(info.length, 2);
  assert.match(info[0], /^\d+ \d+ 0:\d+ \/ \/tmp rw,relatime - tmpfs jailtmp rw$/);
  assert.equal(m.vfs.readlink(m.t, AT_FDCWD, '/proc/self/root'), '/');
  assert.ok(isDir((m.vfs.stat(m.t, AT_FDCWD, '/..', 0) as { mode: number }).mode));
  assert.deepEqual(m.names('/..'), ['proc', 'tmp'], '.. at the chroot is the chroot');
});
