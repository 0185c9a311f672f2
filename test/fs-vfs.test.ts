// The VFS over a hostfs temp directory: path resolution, symlinks, confinement
// to the guest root, errors, devfs and procfs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, readFileSync, existsSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../src/base/host.js';
import { Vfs, AT_FDCWD, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, type FsCaller } from '../src/fs/vfs.js';
import { HostFs } from '../src/host/node/hostfs.js';
import {
  FileDescription, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_RDONLY, O_RDWR, O_WRONLY, O_PATH, isDir, isLink, type Dirent,
} from '../src/fs/file.js';
import { EACCES, EEXIST, EISDIR, ELOOP, ENAMETOOLONG, ENOENT, ENOSPC, ENOTDIR, ENOTEMPTY, EROFS, EXDEV, EBUSY, EINVAL } from '../src/base/errno.js';
import type { ProcProcess } from '../src/fs/procfs.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function fakeHost(): Host {
  return {
    realtimeNs: () => 1_700_000_000_000_000_000n, monotonicNs: () => 5_000_000_000n, cpuTimeNs: () => 0n,
    random: (b) => b.fill(7),
    stdin: { read: () => 'eof', watch: () => () => {}, isTTY: false },
    stdout: { write: () => {}, isTTY: false },
    stderr: { write: () => {}, isTTY: false },
    yield: () => Promise.resolve(), setTimer: () => 0, clearTimer: () => {},
  };
}

class Files {
  fds = new Map<number, FileDescription>();
  get(fd: number) { return this.fds.get(fd); }
  fdsList() { return [...this.fds.keys()]; }
}

function setup(readOnly = false) {
  const outer = mkdtempSync(join(tmpdir(), 'xos-vfs-'));
  const root = join(outer, 'root');
  mkdirSync(root);
  writeFileSync(join(outer, 'secret'), 'host secret');
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'bin', 'prog'), 'binary', { mode: 0o755 });
  writeFileSync(join(root, 'data'), 'not executable', { mode: 0o644 });
  // host symlinks pointing out of the root, every way we can think of
  symlinkSync(join(outer, 'secret'), join(root, 'abs-escape'));
  symlinkSync('../secret', join(root, 'rel-escape'));
  symlinkSync('../../../../../../..', join(root, 'up'));
  symlinkSync(outer, join(root, 'outer-dir'));
  symlinkSync('/etc/passwd', join(root, 'abs-inside'));
  symlinkSync('loop-b', join(root, 'loop-a'));
  symlinkSync('loop-a', join(root, 'loop-b'));
  const files = new Files();
  const proc = {
    pid: 42, ppid: 1, pgid: 42, sid: 42, exe: '/bin/prog', argv: [enc.encode('prog'), enc.encode('-x')], envp: [],
    fs: { cwd: '/', umask: 0o022 },
    files: { fds: () => files.fdsList(), get: (fd: number) => files.get(fd) },
    mm: { vmas: [{ start: 0x400000, end: 0x401000, prot: 5, shared: false, offset: 0, file: { name: '/bin/prog', dev: 0x801, ino: 99 } }, { start: 0x7ffff000, end: 0x80000000, prot: 3, shared: false, offset: 0, name: '[stack]' }] },
    creds: { uid: 0, euid: 0, suid: 0, gid: 0, egid: 0, sgid: 0, groups: [0] },
    threads: [{ tid: 42, comm: enc.encode('prog') }],
  };
  const t: FsCaller = { tid: 42, proc };
  const processes = new Map<number, ProcProcess>([[42, proc]]);
  const vfs = new Vfs({ root: new HostFs(root, readOnly), host: fakeHost(), proc: { processes } });
  const cleanup = () => rmSync(outer, { recursive: true, force: true });
  return { outer, root, vfs, t, files, proc, cleanup };
}

function readAll(f: FileDescription | number): string {
  assert.ok(typeof f !== 'number', `open failed: ${f}`);
  const r = f.read(1 << 16);
  assert.ok(r instanceof Uint8Array);
  return dec.decode(r);
}

test('open, create, read and write through hostfs', () => {
  const { vfs, t, root, cleanup } = setup();
  try {
    assert.equal(readAll(vfs.open(t, AT_FDCWD, '/etc/passwd', O_RDONLY, 0)), 'root:x:0:0::/root:/bin/sh\n');
    const f = vfs.open(t, AT_FDCWD, '/new.txt', O_CREAT | O_RDWR, 0o666);
    assert.ok(typeof f !== 'number');
    assert.equal(f.write(enc.encode('hello')), 5);
    f.release();
    assert.equal(readFileSync(join(root, 'new.txt'), 'utf8'), 'hello');
    const st = vfs.stat(t, AT_FDCWD, '/new.txt', 0);
    assert.ok(typeof st !== 'number');
    assert.equal(st.mode & 0o777, 0o644, 'umask applied');
    assert.equal(vfs.open(t, AT_FDCWD, '/new.txt', O_CREAT | O_EXCL | O_WRONLY, 0o644), -EEXIST);
    assert.equal(vfs.open(t, AT_FDCWD, '/missing', O_RDONLY, 0), -ENOENT);
    assert.equal(vfs.open(t, AT_FDCWD, '/etc', O_WRONLY, 0), -EISDIR);
    assert.equal(vfs.open(t, AT_FDCWD, '/etc/passwd', O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
  } finally { cleanup(); }
});

test('.. and absolute symlinks stay inside the guest root', () => {
  const { vfs, t, outer, cleanup } = setup();
  try {
    // `..` at the root is the root
    assert.equal(readAll(vfs.open(t, AT_FDCWD, '/../../../etc/passwd', O_RDONLY, 0)).slice(0, 4), 'root');
    assert.equal(readAll(vfs.open(t, AT_FDCWD, '../../etc/../etc/./passwd', O_RDONLY, 0)).slice(0, 4), 'root');
    // a host-absolute symlink is resolved in the guest root: the host path does not exist there
    assert.equal(vfs.open(t, AT_FDCWD, '/abs-escape', O_RDONLY, 0), -ENOENT);
    assert.equal(vfs.open(t, AT_FDCWD, '/rel-escape', O_RDONLY, 0), -ENOENT);
    assert.equal(vfs.open(t, AT_FDCWD, '/outer-dir/secret', O_RDONLY, 0), -ENOENT);
    assert.equal(vfs.open(t, AT_FDCWD, '/up/secret', O_RDONLY, 0), -ENOENT);
    assert.equal(readAll(vfs.open(t, AT_FDCWD, '/up/etc/passwd', O_RDONLY, 0)).slice(0, 4), 'root');
    assert.equal(readAll(vfs.open(t, AT_FDCWD, '/abs-inside', O_RDONLY, 0)).slice(0, 4), 'root');
    // creating through an escaping link creates inside the root
    assert.equal(vfs.mkdir(t, AT_FDCWD, '/up/made', 0o755), 0);
    assert.ok(!existsSync(join(outer, '..', 'made')));
    assert.ok(existsSync(join(outer, 'root', 'made')));
    // a guest symlink to .. chains cannot climb either
    assert.equal(vfs.symlink(t, '../../../..', AT_FDCWD, '/made/ladder'), 0);
    assert.equal(vfs.open(t, AT_FDCWD, '/made/ladder/secret', O_RDONLY, 0), -ENOENT);
    // hard links: the source is resolved in the guest too
    assert.equal(vfs.link(t, AT_FDCWD, '/rel-escape', AT_FDCWD, '/hl', 0x400 /* AT_SYMLINK_FOLLOW */), -ENOENT);
    assert.equal(vfs.link(t, AT_FDCWD, '/etc/passwd', AT_FDCWD, '/hl', 0), 0);
    // cwd relative
    t.proc.fs.cwd = '/etc';
    assert.equal(readAll(vfs.open(t, AT_FDCWD, 'passwd', O_RDONLY, 0)).slice(0, 4), 'root');
    assert.equal(vfs.open(t, AT_FDCWD, '../../../../secret', O_RDONLY, 0), -ENOENT);
  } finally { cleanup(); }
});

test('symlink loops, O_NOFOLLOW, trailing slashes, long names', () => {
  const { vfs, t, cleanup } = setup();
  try {
    assert.equal(vfs.open(t, AT_FDCWD, '/loop-a', O_RDONLY, 0), -ELOOP);
    // a chain of 40 links resolves, 41 does not
    for (let i = 0; i < 41; i++) assert.equal(vfs.symlink(t, i === 0 ? '/etc/passwd' : `/c${i - 1}`, AT_FDCWD, `/c${i}`), 0);
    assert.ok(typeof vfs.open(t, AT_FDCWD, '/c39', O_RDONLY, 0) !== 'number');
    assert.equal(vfs.open(t, AT_FDCWD, '/c40', O_RDONLY, 0), -ELOOP);
    assert.equal(vfs.open(t, AT_FDCWD, '/abs-inside', O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
    const p = vfs.open(t, AT_FDCWD, '/abs-inside', O_PATH | O_NOFOLLOW, 0);
    assert.ok(typeof p !== 'number');
    const lst = vfs.stat(t, AT_FDCWD, '/abs-inside', AT_SYMLINK_NOFOLLOW);
    assert.ok(typeof lst !== 'number' && isLink(lst.mode));
    assert.equal(vfs.readlink(t, AT_FDCWD, '/abs-inside'), '/etc/passwd');
    assert.equal(vfs.readlink(t, AT_FDCWD, '/etc/passwd'), -EINVAL);
    assert.equal(vfs.open(t, AT_FDCWD, '/etc/passwd/', O_RDONLY, 0), -ENOTDIR);
    assert.equal(vfs.stat(t, AT_FDCWD, '/etc/passwd/x', 0), -ENOTDIR);
    assert.equal(vfs.open(t, AT_FDCWD, '/newfile/', O_CREAT | O_WRONLY, 0o644), -EISDIR);
    assert.equal(vfs.mkdir(t, AT_FDCWD, '/newdir/', 0o755), 0);
    assert.equal(vfs.mkdir(t, AT_FDCWD, '/newdir', 0o755), -EEXIST);
    assert.equal(vfs.open(t, AT_FDCWD, '/' + 'x'.repeat(256), O_RDONLY, 0), -ENAMETOOLONG);
    assert.equal(vfs.open(t, AT_FDCWD, '/' + 'x'.repeat(255), O_RDONLY, 0), -ENOENT);
    assert.equal(vfs.open(t, AT_FDCWD, '/a/'.repeat(1400), O_RDONLY, 0), -ENAMETOOLONG);
    assert.equal(vfs.open(t, AT_FDCWD, '', O_RDONLY, 0), -ENOENT);
  } finally { cleanup(); }
});

test('directories, rename, unlink, rmdir, dirfd-relative paths', () => {
  const { vfs, t, files, cleanup } = setup();
  try {
    const d = vfs.open(t, AT_FDCWD, '/etc', O_RDONLY | O_DIRECTORY, 0);
    assert.ok(typeof d !== 'number');
    files.fds.set(5, d);
    const ents = d.readdir(100) as Dirent[];
    assert.deepEqual(ents.map((e) => e.name).sort(), ['.', '..', 'passwd']);
    assert.ok(ents.every((e) => e.ino > 0));
    assert.equal(readAll(vfs.open(t, 5, 'passwd', O_RDONLY, 0)).slice(0, 4), 'root');
    const st = vfs.stat(t, 5, '', AT_EMPTY_PATH);
    assert.ok(typeof st !== 'number' && isDir(st.mode));
    files.fds.set(6, vfs.open(t, AT_FDCWD, '/etc/passwd', O_RDONLY, 0) as FileDescription);
    assert.equal(vfs.open(t, 6, 'x', O_RDONLY, 0), -ENOTDIR);
    assert.equal(vfs.rmdir(t, AT_FDCWD, '/etc'), -ENOTEMPTY);
    assert.equal(vfs.rmdir(t, AT_FDCWD, '/'), -EBUSY);
    assert.equal(vfs.rmdir(t, AT_FDCWD, '/etc/passwd'), -ENOTDIR);
    assert.equal(vfs.unlink(t, AT_FDCWD, '/etc'), -EISDIR);
    assert.equal(vfs.rename(t, AT_FDCWD, '/etc/passwd', AT_FDCWD, '/pw'), 0);
    assert.equal(vfs.rename(t, AT_FDCWD, '/etc', AT_FDCWD, '/etc/sub'), -EINVAL);
    assert.equal(vfs.rename(t, AT_FDCWD, '/pw', AT_FDCWD, '/dev/pw'), -EXDEV);
    assert.equal(vfs.unlink(t, AT_FDCWD, '/pw'), 0);
    assert.equal(vfs.rmdir(t, AT_FDCWD, '/etc'), 0);
    assert.equal(vfs.chdir(t, AT_FDCWD, '/bin'), 0);
    assert.equal(t.proc.fs.cwd, '/bin');
    assert.equal(vfs.chdir(t, AT_FDCWD, '/bin/prog'), -ENOTDIR);
  } finally { cleanup(); }
});

test('exec and access permissions', () => {
  const { vfs, t, cleanup } = setup();
  try {
    const r = vfs.openExec(t, '/bin/prog');
    assert.ok(typeof r !== 'number');
    assert.equal(r.path, '/bin/prog');
    assert.equal(r.image.size, 6);
    assert.equal(dec.decode(r.image.read(0, 100)), 'binary');
    assert.equal(vfs.openExec(t, '/data'), -EACCES);
    assert.equal(vfs.openExec(t, '/bin'), -EACCES);
    assert.equal(vfs.openExec(t, '/nope'), -ENOENT);
    assert.equal(vfs.access(t, AT_FDCWD, '/data', 4), 0);
    assert.equal(vfs.access(t, AT_FDCWD, '/data', 1), -EACCES);
    assert.equal(vfs.access(t, AT_FDCWD, '/nope', 0), -ENOENT);
    // an unprivileged caller
    t.proc.creds = { uid: 1234, euid: 1234, gid: 1234, egid: 1234, groups: [] } as typeof t.proc.creds;
    assert.equal(vfs.chmod(t, AT_FDCWD, '/data', 0o600), -1 * 1); // EPERM: not the owner
  } finally { cleanup(); }
});

test('read-only hostfs', () => {
  const { vfs, t, cleanup } = setup(true);
  try {
    assert.equal(vfs.open(t, AT_FDCWD, '/etc/passwd', O_WRONLY, 0), -EROFS);
    assert.equal(vfs.open(t, AT_FDCWD, '/x', O_CREAT | O_WRONLY, 0o644), -EROFS);
    assert.equal(vfs.mkdir(t, AT_FDCWD, '/d', 0o755), -EROFS);
    assert.equal(vfs.unlink(t, AT_FDCWD, '/data'), -EROFS);
    assert.equal(vfs.access(t, AT_FDCWD, '/data', 2), -EROFS);
    assert.equal(readAll(vfs.open(t, AT_FDCWD, '/etc/passwd', O_RDONLY, 0)).slice(0, 4), 'root');
  } finally { cleanup(); }
});

test('devfs and procfs', () => {
  const { vfs, t, files, cleanup } = setup();
  try {
    const z = vfs.open(t, AT_FDCWD, '/dev/zero', O_RDONLY, 0) as FileDescription;
    assert.deepEqual(z.read(4), new Uint8Array(4));
    const full = vfs.open(t, AT_FDCWD, '/dev/full', O_WRONLY, 0) as FileDescription;
    assert.equal(full.write(new Uint8Array(3)), -ENOSPC);
    const nul = vfs.open(t, AT_FDCWD, '/dev/null', O_RDWR, 0) as FileDescription;
    assert.equal(nul.write(new Uint8Array(3)), 3);
    assert.equal((nul.read(10) as Uint8Array).length, 0);
    assert.deepEqual((vfs.open(t, AT_FDCWD, '/dev/urandom', O_RDONLY, 0) as FileDescription).read(2), new Uint8Array([7, 7]));
    assert.equal(vfs.open(t, AT_FDCWD, '/dev/tty', O_RDWR, 0), -6 /* ENXIO */);
    assert.equal(vfs.readlink(t, AT_FDCWD, '/proc/self/exe'), '/bin/prog');
    assert.equal(vfs.readlink(t, AT_FDCWD, '/proc/self'), '42');
    assert.equal(readAll(vfs.open(t, AT_FDCWD, '/proc/self/cmdline', O_RDONLY, 0)), 'prog\0-x\0');
    assert.match(readAll(vfs.open(t, AT_FDCWD, '/proc/self/maps', O_RDONLY, 0)), /^00400000-00401000 r-xp 00000000 08:01 99 +\/bin\/prog\n7ffff000-80000000 rw-p 00000000 00:00 0 +\[stack\]\n$/);
    assert.match(readAll(vfs.open(t, AT_FDCWD, '/proc/self/stat', O_RDONLY, 0)), /^42 \(prog\) R 1 42 42 /);
    assert.match(readAll(vfs.open(t, AT_FDCWD, '/proc/cpuinfo', O_RDONLY, 0)), /flags\t\t: .*\bsse2\b.*\bavx\b.*\babm\b.*\bavx2\b.*\bsha_ni\b/);
    assert.match(readAll(vfs.open(t, AT_FDCWD, '/proc/mounts', O_RDONLY, 0)), /\/dev\/root \/ hostfs rw/);
    const passwd = vfs.open(t, AT_FDCWD, '/etc/passwd', O_RDONLY, 0) as FileDescription;
    files.fds.set(3, passwd);
    assert.equal(vfs.readlink(t, AT_FDCWD, '/proc/self/fd/3'), '/etc/passwd');
    assert.equal(vfs.readlink(t, AT_FDCWD, '/dev/stdin'), '/proc/self/fd/0');
    // a magic link opens the same file
    assert.equal(vfs.open(t, AT_FDCWD, '/dev/fd/3', O_RDONLY, 0), passwd);
    const fdDir = vfs.open(t, AT_FDCWD, '/proc/self/fd', O_RDONLY | O_DIRECTORY, 0) as FileDescription;
    assert.deepEqual((fdDir.readdir(10) as Dirent[]).map((e) => e.name), ['.', '..', '3']);
    assert.equal(vfs.open(t, AT_FDCWD, '/proc/self/fd/9', O_RDONLY, 0), -ENOENT);
    assert.equal(vfs.mkdir(t, AT_FDCWD, '/proc/x', 0o755), -1);
  } finally { cleanup(); }
});

test('hard links created on the host to outside files are the only way out, and the VFS makes none', () => {
  const { vfs, t, root, outer, cleanup } = setup();
  try {
    // link(2) cannot name a host path: "/secret" is the guest's /secret
    assert.equal(vfs.link(t, AT_FDCWD, '/secret', AT_FDCWD, '/got', 0), -ENOENT);
    assert.equal(vfs.link(t, AT_FDCWD, '/../secret', AT_FDCWD, '/got', 0), -ENOENT);
    assert.equal(vfs.link(t, AT_FDCWD, '/up/secret', AT_FDCWD, '/got', 0), -ENOENT);
    assert.ok(!existsSync(join(root, 'got')));
    linkSync(join(outer, 'secret'), join(outer, 'secret2'));
    assert.equal(vfs.open(t, AT_FDCWD, '/secret2', O_RDONLY, 0), -ENOENT);
  } finally { cleanup(); }
});
