// The overlay backend through the VFS: a tmpfs upper over an image made with
// TarWriter; lookups, copy-up, whiteouts, opaque directories, rename rules,
// and the committed layer (whiteouts included) applied on the image giving the
// same tree back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vfs, AT_FDCWD, AT_SYMLINK_NOFOLLOW, type FsCaller } from '../src/fs/vfs.js';
import { Tmpfs } from '../src/fs/tmpfs.js';
import { ImageFs } from '../src/fs/image.js';
import { OverlayFs, layerTar } from '../src/fs/overlay.js';
import { TarWriter, bytesSource, listTar } from '../src/fs/tar.js';
import { O_CREAT, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, O_DIRECTORY, isDir, type FileDescription } from '../src/fs/file.js';
import { EXDEV, ENOENT, ENOTEMPTY, EINVAL, EROFS } from '../src/base/errno.js';
import { createBrowserHost } from '../src/host/browser/index.js';

const enc = new TextEncoder(), dec = new TextDecoder();
const T = 1_600_000_000_000_000_000n;

function baseImage(): ImageFs {
  const w = new TarWriter();
  const d = (path: string, mode = 0o755) => w.add({ path, type: 'dir', mode, uid: 0, gid: 0, mtimeNs: T });
  const f = (path: string, data: string, mode = 0o644, uid = 0) =>
    w.add({ path, type: 'file', mode, uid, gid: uid, mtimeNs: T, data: enc.encode(data) });
  d('etc'); f('etc/motd', 'welcome\n'); f('etc/shadow', 'secret\n', 0o640, 0);
  d('data'); f('data/a', 'A'.repeat(100_000)); f('data/b', 'bee\n', 0o600, 1000);
  w.add({ path: 'data/b-link', type: 'hardlink', mode: 0o600, uid: 1000, gid: 1000, mtimeNs: T, linkname: 'data/b' });
  w.add({ path: 'data/sym', type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtimeNs: T, linkname: '../etc/motd' });
  d('data/dir'); f('data/dir/x', 'x\n'); d('data/dir/deep'); f('data/dir/deep/y', 'y\n');
  d('empty');
  return (() => { const fs = new ImageFs(); fs.addLayer(bytesSource(w.finish())); return fs.finish(); })();
}

function setup(lower = baseImage()) {
  const host = createBrowserHost();
  const upper = new Tmpfs({ now: () => T + 5n });
  const overlay = new OverlayFs(lower, upper);
  const vfs = new Vfs({ root: overlay, host });
  const t: FsCaller = {
    tid: 1,
    proc: { pid: 1, fs: { cwd: '/', umask: 0o022 }, creds: { uid: 0, gid: 0, euid: 0, egid: 0, groups: [0] }, files: { get: () => undefined } },
  };
  const read = (p: string): string => {
    const f = vfs.open(t, AT_FDCWD, p, O_RDONLY, 0);
    assert.ok(typeof f !== 'number', `open ${p}: ${f}`);
    const r = (f as FileDescription).read(1 << 20, 0);
    (f as FileDescription).release();
    return dec.decode(r as Uint8Array);
  };
  const write = (p: string, s: string, flags = O_WRONLY | O_CREAT | O_TRUNC) => {
    const f = vfs.open(t, AT_FDCWD, p, flags, 0o644);
    assert.ok(typeof f !== 'number', `open ${p}: ${f}`);
    (f as FileDescription).write(enc.encode(s));
    (f as FileDescription).release();
  };
  const ls = (p: string): string[] => {
    const f = vfs.open(t, AT_FDCWD, p, O_RDONLY | O_DIRECTORY, 0) as FileDescription;
    assert.ok(typeof f !== 'number', `opendir ${p}: ${f}`);
    const names = (f.readdir(10000) as { name: string }[]).map((e) => e.name).filter((n) => n !== '.' && n !== '..');
    f.release();
    return names.sort();
  };
  return { vfs, t, upper, overlay, lower, read, write, ls };
}

// Every path below / (outside /dev and /proc) with type, mode, owner, size and contents.
function snapshot(s: ReturnType<typeof setup>): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of s.ls(dir)) {
      const p = dir === '/' ? `/${name}` : `${dir}/${name}`;
      if (p === '/dev' || p === '/proc') continue;
      const st = s.vfs.stat(s.t, AT_FDCWD, p, AT_SYMLINK_NOFOLLOW);
      assert.ok(typeof st !== 'number');
      const body = isDir(st.mode) ? '' : (st.mode & 0o170000) === 0o120000 ? s.vfs.readlink(s.t, AT_FDCWD, p) : s.read(p);
      out.push(`${p} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${isDir(st.mode) ? '-' : st.size} ${String(body).length}:${String(body).slice(0, 20)}`);
      if (isDir(st.mode)) walk(p);
    }
  };
  walk('/');
  return out;
}

test('overlay: lookups fall through to the image; writes copy up and leave the image alone', () => {
  const s = setup();
  assert.equal(s.read('/etc/motd'), 'welcome\n');
  assert.deepEqual(s.ls('/data'), ['a', 'b', 'b-link', 'dir', 'sym']);
  s.write('/etc/motd', 'changed\n');
  assert.equal(s.read('/etc/motd'), 'changed\n');
  const img = s.lower.open('/etc/motd', O_RDONLY, 0, '/etc/motd') as FileDescription;
  assert.equal(dec.decode(img.read(100, 0) as Uint8Array), 'welcome\n');
  // append to a copy of a 100 kB file: the data came along
  s.write('/data/a', 'Z', O_WRONLY | 0o2000 /* O_APPEND */);
  assert.equal(s.read('/data/a'), 'A'.repeat(100_000) + 'Z');
  // chmod and chown copy up with the owner kept
  assert.equal(s.vfs.chmod(s.t, AT_FDCWD, '/data/b', 0o644), 0);
  const st = s.vfs.stat(s.t, AT_FDCWD, '/data/b', 0);
  assert.ok(typeof st !== 'number');
  assert.equal(st.mode & 0o7777, 0o644);
  assert.equal(st.uid, 1000);
  assert.equal(s.read('/data/b'), 'bee\n');
  // the image's hard link partner is still the image's (copy-up breaks the link, as overlayfs does)
  assert.equal(s.read('/data/b-link'), 'bee\n');
  // a read-only open of an image file, then fchmod through it, copies up
  const f = s.vfs.open(s.t, AT_FDCWD, '/etc/shadow', O_RDONLY, 0) as FileDescription;
  assert.equal(f.chmod(0o600), 0);
  f.release();
  const sh = s.vfs.stat(s.t, AT_FDCWD, '/etc/shadow', 0);
  assert.ok(typeof sh !== 'number' && (sh.mode & 0o7777) === 0o600);
  // truncate
  assert.equal(s.vfs.truncate(s.t, '/data/dir/x', 1), 0);
  assert.equal(s.read('/data/dir/x'), 'x');
});

test('overlay: unlink and rmdir leave whiteouts; a directory made again is opaque', () => {
  const s = setup();
  assert.equal(s.vfs.unlink(s.t, AT_FDCWD, '/data/b'), 0);
  assert.deepEqual(s.ls('/data'), ['a', 'b-link', 'dir', 'sym']);
  assert.equal(s.vfs.stat(s.t, AT_FDCWD, '/data/b', 0), -ENOENT);
  assert.equal(s.read('/data/b-link'), 'bee\n');
  assert.equal(s.vfs.rmdir(s.t, AT_FDCWD, '/data/dir'), -ENOTEMPTY);
  for (const p of ['/data/dir/deep/y', '/data/dir/x']) assert.equal(s.vfs.unlink(s.t, AT_FDCWD, p), 0);
  assert.equal(s.vfs.rmdir(s.t, AT_FDCWD, '/data/dir/deep'), 0);
  assert.equal(s.vfs.rmdir(s.t, AT_FDCWD, '/data/dir'), 0);
  assert.deepEqual(s.ls('/data'), ['a', 'b-link', 'sym']);
  assert.equal(s.vfs.mkdir(s.t, AT_FDCWD, '/data/dir', 0o700), 0);
  assert.deepEqual(s.ls('/data/dir'), [], 'the old contents stay hidden');
  // the upper holds exactly what a layer needs
  assert.deepEqual((s.upper.readdir('/data') as { name: string }[]).map((e) => e.name).sort(), ['.wh.b', 'dir']);
  assert.deepEqual((s.upper.readdir('/data/dir') as { name: string }[]).map((e) => e.name), ['.wh..wh..opq']);
  // recreate a removed file
  s.write('/data/b', 'new b\n');
  assert.equal(s.read('/data/b'), 'new b\n');
  assert.ok(!(s.upper.readdir('/data') as { name: string }[]).some((e) => e.name === '.wh.b'));
  // names of whiteouts are reserved
  assert.equal(s.vfs.stat(s.t, AT_FDCWD, '/data/.wh.b', 0), -ENOENT);
  assert.equal(s.vfs.mkdir(s.t, AT_FDCWD, '/data/.wh.x', 0o755), -EINVAL);
});

test('overlay: rename of files copies up; of image directories EXDEV; of new directories works', () => {
  const s = setup();
  assert.equal(s.vfs.rename(s.t, AT_FDCWD, '/etc/motd', AT_FDCWD, '/motd2'), 0);
  assert.equal(s.read('/motd2'), 'welcome\n');
  assert.equal(s.vfs.stat(s.t, AT_FDCWD, '/etc/motd', 0), -ENOENT);
  assert.equal(s.vfs.stat(s.t, AT_FDCWD, '/data/sym', 0), -ENOENT, 'the symlink now dangles');
  assert.equal(s.vfs.rename(s.t, AT_FDCWD, '/data/dir', AT_FDCWD, '/dir2'), -EXDEV);
  assert.equal(s.vfs.mkdir(s.t, AT_FDCWD, '/new', 0o755), 0);
  s.write('/new/f', 'f\n');
  // onto the empty image directory: it must not show the image's (empty) contents merged, nor reappear
  assert.equal(s.vfs.rename(s.t, AT_FDCWD, '/new', AT_FDCWD, '/empty'), 0);
  assert.deepEqual(s.ls('/empty'), ['f']);
  assert.equal(s.vfs.stat(s.t, AT_FDCWD, '/new', 0), -ENOENT);
  // a hard link to an image file
  assert.equal(s.vfs.link(s.t, AT_FDCWD, '/data/a', AT_FDCWD, '/a-link', 0), 0);
  const a = s.vfs.stat(s.t, AT_FDCWD, '/data/a', 0), l = s.vfs.stat(s.t, AT_FDCWD, '/a-link', 0);
  assert.ok(typeof a !== 'number' && typeof l !== 'number');
  assert.equal(a.ino, l.ino);
  assert.equal(a.nlink, 2);
});

test('overlay: the committed layer on top of the image gives the same tree', () => {
  const s = setup();
  s.write('/etc/motd', 'changed\n');
  s.vfs.unlink(s.t, AT_FDCWD, '/data/b');
  for (const p of ['/data/dir/deep/y', '/data/dir/x']) s.vfs.unlink(s.t, AT_FDCWD, p);
  s.vfs.rmdir(s.t, AT_FDCWD, '/data/dir/deep');
  s.vfs.rmdir(s.t, AT_FDCWD, '/data/dir');
  s.vfs.mkdir(s.t, AT_FDCWD, '/data/dir', 0o700);
  s.write('/data/dir/new', 'new\n');
  s.vfs.symlink(s.t, '/etc/motd', AT_FDCWD, '/motd-link');
  s.vfs.link(s.t, AT_FDCWD, '/etc/motd', AT_FDCWD, '/etc/motd.hard', 0);
  s.vfs.chmod(s.t, AT_FDCWD, '/data', 0o750);
  const layer = layerTar(s.upper);
  const names = listTar(bytesSource(layer)).map((e) => `${e.type} ${e.path}`);
  assert.ok(names.includes('file data/.wh.b'), names.join('\n'));
  assert.ok(names.includes('file data/dir/.wh..wh..opq'), names.join('\n'));
  assert.ok(names.includes('hardlink etc/motd.hard'), names.join('\n'));
  const again = baseImage();
  again.addLayer(bytesSource(layer));
  again.finish();
  assert.deepEqual(snapshot(setup(again)), snapshot(s));
});

test('image: read-only through the VFS', () => {
  const host = createBrowserHost();
  const vfs = new Vfs({ root: baseImage(), host });
  const t: FsCaller = { tid: 1, proc: { pid: 1, fs: { cwd: '/', umask: 0 }, creds: { uid: 0, gid: 0, euid: 0, egid: 0, groups: [] }, files: { get: () => undefined } } };
  assert.equal(vfs.open(t, AT_FDCWD, '/etc/motd', O_RDWR, 0), -EROFS);
  assert.equal(vfs.mkdir(t, AT_FDCWD, '/x', 0o755), -EROFS);
  assert.equal(vfs.unlink(t, AT_FDCWD, '/etc/motd'), -EROFS);
});
