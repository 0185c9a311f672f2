// Places (a mount and a node) where a differential C test cannot look: a
// working directory in an overlay's upper renamed under it, a mount that
// follows its parent directory's rename, the names only mounts make listed in a
// host directory (`ls /` under --root shows /dev, /proc and /sys), a host
// directory's descriptors kept to a bound however many directories a walk
// meets, and host directories without /proc (the fallback) working the same.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vfs, AT_FDCWD, type FsCaller, type Place } from '../src/fs/vfs.js';
import { Tmpfs } from '../src/fs/tmpfs.js';
import { ImageFs } from '../src/fs/image.js';
import { OverlayFs } from '../src/fs/overlay.js';
import { TarWriter, bytesSource } from '../src/fs/tar.js';
import { HostFs } from '../src/host/node/hostfs.js';
import { createBrowserHost } from '../src/host/browser/index.js';
import { O_CREAT, O_DIRECTORY, O_RDONLY, O_WRONLY, type FileDescription } from '../src/fs/file.js';
import type { FsBackend } from '../src/fs/backend.js';
import { getBusybox } from './lib/busybox.js';
import { xosCli } from './lib/root.js';

const enc = new TextEncoder(), dec = new TextDecoder();

// A caller whose working directory is a place, as a kernel task's is.
function machine(root: FsBackend) {
  const fds = new Map<number, FileDescription>();
  const proc = {
    pid: 7, ppid: 1, pgid: 7, sid: 7, exe: '/prog', argv: [], envp: [], threads: [{ tid: 7, comm: new Uint8Array(0) }],
    fs: { cwd: '/' as Place | string, umask: 0o022, root: '/' as Place | string },
    creds: { uid: 0, euid: 0, suid: 0, gid: 0, egid: 0, sgid: 0, groups: [0] },
    files: { get: (fd: number) => fds.get(fd), fds: () => [...fds.keys()] },
    mm: { vmas: [] },
  };
  const vfs = new Vfs({ root, host: createBrowserHost(), proc: { processes: new Map([[7, proc]]) } });
  proc.fs.cwd = proc.fs.root = vfs.rootPlace();
  const t: FsCaller = { tid: 7, proc };
  const names = (p: string) => {
    const f = vfs.open(t, AT_FDCWD, p, O_RDONLY | O_DIRECTORY, 0) as FileDescription;
    assert.ok(typeof f !== 'number', `opendir ${p}: ${f}`);
    const list = f.readdir(1000);
    f.release();
    assert.ok(Array.isArray(list));
    return list.map((e) => e.name).filter((n) => n !== '.' && n !== '..').sort();
  };
  const write = (p: string, s: string) => {
    const f = vfs.open(t, AT_FDCWD, p, O_WRONLY | O_CREAT, 0o644);
    assert.ok(typeof f !== 'number', `create ${p}: ${f}`);
    f.write(enc.encode(s));
    f.release();
  };
  const read = (p: string) => {
    const f = vfs.open(t, AT_FDCWD, p, O_RDONLY, 0);
    assert.ok(typeof f !== 'number', `open ${p}: ${f}`);
    const r = f.read(1 << 16, 0);
    f.release();
    return dec.decode(r as Uint8Array);
  };
  return { vfs, t, names, write, read };
}

function image(): ImageFs {
  const w = new TarWriter();
  const T = 1_600_000_000_000_000_000n;
  w.add({ path: 'low', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtimeNs: T });
  w.add({ path: 'low/x', type: 'file', mode: 0o644, uid: 0, gid: 0, mtimeNs: T, data: enc.encode('lower x') });
  const fs = new ImageFs();
  fs.addLayer(bytesSource(w.finish()));
  return fs.finish();
}

describe('places', () => {
  it('a working directory in an overlay follows its rename; one in the image stays where it is', () => {
    const m = machine(new OverlayFs(image(), new Tmpfs()));
    assert.equal(m.vfs.mkdir(m.t, AT_FDCWD, '/up', 0o755), 0);
    assert.equal(m.vfs.chdir(m.t, AT_FDCWD, '/up'), 0);
    m.write('file', 'in up');
    assert.equal(m.vfs.rename(m.t, AT_FDCWD, '/up', AT_FDCWD, '/moved'), 0);
    assert.equal(m.vfs.getcwd(m.t), '/moved');
    assert.equal(m.read('file'), 'in up');
    m.write('second', 'made after the move');
    assert.deepEqual(m.names('/moved'), ['file', 'second']);
    // a directory of the image cannot move (EXDEV); a cwd there sees copy-up of its files
    assert.equal(m.vfs.chdir(m.t, AT_FDCWD, '/low'), 0);
    m.write('x', 'changed');
    assert.equal(m.read('/low/x'), 'changed');
    assert.equal(m.vfs.rmdir(m.t, AT_FDCWD, '/moved'), -39 /* ENOTEMPTY */);
  });

  it('a mount follows its parent directory when that is renamed, and shows there in /proc/self/mounts', () => {
    const m = machine(new Tmpfs());
    m.vfs.mkdir(m.t, AT_FDCWD, '/a', 0o755);
    m.vfs.mkdir(m.t, AT_FDCWD, '/a/point', 0o755);
    m.vfs.mounts.attach(m.vfs.mounts.make('/a/point', new Tmpfs(), { source: 'inner' }));
    m.write('/a/point/on-it', 'on the mount');
    assert.equal(m.vfs.rename(m.t, AT_FDCWD, '/a/point', AT_FDCWD, '/elsewhere'), -16 /* EBUSY: a mount point */);
    assert.equal(m.vfs.rename(m.t, AT_FDCWD, '/a', AT_FDCWD, '/b'), 0);
    assert.equal(m.read('/b/point/on-it'), 'on the mount');
    const mounts = m.read('/proc/self/mounts');
    assert.match(mounts, /^inner \/b\/point tmpfs /m);
    assert.doesNotMatch(mounts, / \/a\/point /);
  });

  it('mounts added to a running machine go over what is there, and places already held stay good', () => {
    const m = machine(new Tmpfs());
    m.vfs.mkdir(m.t, AT_FDCWD, '/work', 0o755);
    m.vfs.mkdir(m.t, AT_FDCWD, '/guest', 0o755);
    m.vfs.mounts.attach(m.vfs.mounts.make('/guest', new Tmpfs(), { source: 'made-by-the-guest' }));
    assert.equal(m.vfs.chdir(m.t, AT_FDCWD, '/work'), 0);
    m.vfs.mount('/data', new Tmpfs()); // (a name the root does not have)
    m.write('/data/f', 'data');
    assert.equal(m.vfs.getcwd(m.t), '/work');
    assert.equal(m.read('../data/f'), 'data');
    assert.match(m.read('/proc/self/mounts'), /^made-by-the-guest \/guest /m);
  });

  it('lists the names only mounts make in a host directory, nowhere else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xos-places-'));
    try {
      mkdirSync(join(dir, 'etc'));
      const host = machine(new HostFs(dir));
      assert.deepEqual(host.names('/'), ['dev', 'etc', 'proc', 'sys']);
      assert.ok(host.names('/proc').includes('self'));
      assert.deepEqual(readdirSync(dir), ['etc'], 'nothing made in the host directory');
      const mem = machine(new Tmpfs());
      assert.deepEqual(mem.names('/'), [], 'a tmpfs root: the machine makes mount points itself when it wants them listed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a bounded number of host directory descriptors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xos-places-'));
    try {
      const fs = new HostFs(dir, false, undefined, { fdCache: 16 });
      const m = machine(fs);
      let p = '';
      for (let i = 0; i < 200; i++) {
        p += `/d${i}`;
        assert.equal(m.vfs.mkdir(m.t, AT_FDCWD, p, 0o755), 0);
      }
      for (let i = 0; i < 200; i++) assert.equal(m.vfs.mkdir(m.t, AT_FDCWD, `/w${i}`, 0o755), 0);
      m.write(`${p}/deep`, 'at the bottom');
      assert.equal(m.read(`${p}/deep`), 'at the bottom');
      assert.ok(fs.heldDescriptors <= 17, `${fs.heldDescriptors} host descriptors held`);
      // a working directory whose descriptor was let go is found again from its parent's
      assert.equal(m.vfs.chdir(m.t, AT_FDCWD, '/d0/d1/d2'), 0);
      for (let i = 0; i < 200; i++) m.vfs.stat(m.t, AT_FDCWD, `/w${i}`, 0);
      assert.equal(m.vfs.getcwd(m.t), '/d0/d1/d2');
      assert.deepEqual(m.names('.'), ['d3']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('works the same on a host directory without /proc (the fallback)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xos-places-'));
    try {
      const fs = new HostFs(dir, false, undefined, { proc: false });
      assert.equal(fs.viaProc, false);
      const m = machine(fs);
      assert.equal(m.vfs.mkdir(m.t, AT_FDCWD, '/a', 0o755), 0);
      assert.equal(m.vfs.chdir(m.t, AT_FDCWD, '/a'), 0);
      m.write('f', 'data');
      assert.equal(m.vfs.rename(m.t, AT_FDCWD, '/a', AT_FDCWD, '/b'), 0);
      assert.equal(m.vfs.getcwd(m.t), '/b');
      assert.equal(m.read('f'), 'data');
      assert.equal(m.vfs.chmod(m.t, AT_FDCWD, 'f', 0o600), 0);
      assert.equal(m.vfs.symlink(m.t, '/b/f', AT_FDCWD, '/l'), 0);
      assert.equal(m.read('/l'), 'data');
      assert.deepEqual(m.names('/'), ['b', 'dev', 'l', 'proc', 'sys']);
      assert.deepEqual(readdirSync(dir).sort(), ['b', 'l']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ls / under --root', () => {
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xos-places-root-'));
    mkdirSync(join(dir, 'bin'));
    copyFileSync(await getBusybox(), join(dir, 'bin', 'busybox'));
    chmodSync(join(dir, 'bin', 'busybox'), 0o755);
    writeFileSync(join(dir, 'file'), 'x');
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  // /etc: the machine's /etc/hosts and /etc/resolv.conf are mounted there, as docker does (with
  // every network mode), and the directory has no /etc
  it('lists the mounted /dev, /etc, /proc and /sys, which the directory does not have', () => {
    const r = spawnSync(process.execPath, [xosCli, 'run', '--root', dir, '/bin/busybox', 'ls', '/', '/etc'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\/:\nbin\s+dev\s+etc\s+file\s+proc\s+sys\n/);
    assert.match(r.stdout, /\/etc:\nhosts\s+resolv\.conf\n/);
    assert.deepEqual(readdirSync(dir).sort(), ['bin', 'file']);
  });
});
