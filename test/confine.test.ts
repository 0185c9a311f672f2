// Confinement: a guest under `--root DIR` (and a `--mount`ed host directory)
// tries every way out we know — `..` past the root, absolute and relative
// symlinks (made by the guest and planted on the host), /proc/self/root, hard
// links to outside paths, chroot — to read or change a file beside DIR.
// Checked on the host: the secret never shows in the output, nothing outside
// DIR changes, and nothing new appears outside DIR.
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBusybox } from './lib/busybox.js';
import { xosCli } from './lib/root.js';
import { buildC, skipReason } from './lib/build-c.js';

const SECRET = 'TOP-SECRET-BESIDE-THE-ROOT';

// Every path under `dir` (not following symlinks) with its type and content hash.
function snapshot(dir: string, skip?: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (p === skip) continue;
      const s = lstatSync(p);
      const body = s.isFile() ? createHash('md5').update(readFileSync(p)).digest('hex') : '';
      out.push(`${p} ${s.mode.toString(8)} ${s.nlink} ${body}`);
      if (s.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

const ATTEMPTS = [
  // reading
  'cat ../../secret', 'cat /../../secret', 'cat /bin/../../secret', 'cat /host-abs', 'cat /host-rel', 'cat /host-up/secret',
  'cat /proc/self/root/../secret', 'cat /proc/1/root/../../secret', 'cat /proc/self/cwd/../../secret',
  'ln -s /../secret /s1; cat /s1', 'ln -s ../../../secret /s2; cat /s2',
  'ln -s /proc/self/root/.. /s3; cat /s3/secret; ls /s3',
  'cd /proc/self/root/../..; pwd; ls; cat secret',
  'cd /host-up; ls; cat secret', 'cd ..; cd ..; ls; cat secret',
  'chroot / /bin/busybox cat ../secret', 'chroot /host-up /bin/busybox cat /secret',
  'cat /mnt/../../secret', 'cat /mnt/planted', 'cat /mnt/planted-up/secret',
  // changing
  'echo pwned > ../secret', 'echo pwned > /host-abs', 'echo pwned > /host-rel', 'echo pwned > /host-up/secret',
  'echo pwned > /proc/self/root/../secret', 'echo pwned > /s1', 'echo pwned >> /s2',
  'ln ../secret /h1', 'ln /host-rel /h2', 'ln -L /host-rel /h3', 'ln /proc/self/root/../secret /h4',
  'mv /inside /../../moved', 'mv /inside /host-up/moved', 'mkdir /host-up/newdir', 'touch /host-up/newfile',
  'rm /host-up/secret', 'rm -f ../secret', 'chmod 777 /host-abs /host-rel', 'chown 1:1 /host-abs',
  'echo pwned > /mnt/planted', 'echo pwned > /mnt/file', 'touch /mnt/../outside-mnt',
  'ln -s /../outside /escape-link; echo pwned > /escape-link',
  'find / -xdev -name secret',
  // mounts: binds of the root's parent, /proc's links, a pivot_root in a namespace of its own
  'mount -o remount,rw /mnt; echo pwned > /mnt/file; mkdir -p /tmp/w; mount --bind /mnt /tmp/w; mount -o remount,bind,rw /tmp/w; echo pwned > /tmp/w/file',
  'mkdir -p /tmp/b; mount --bind /.. /tmp/b; cat /tmp/b/../secret /tmp/b/secret; ls /tmp/b; umount /tmp/b',
  'mkdir -p /tmp/p; mount -t proc proc /tmp/p; cat /tmp/p/self/root/../secret /tmp/p/1/cwd/../../secret; umount /tmp/p',
  'mkdir -p /tmp/r; mount --rbind / /tmp/r; cat /tmp/r/../secret /tmp/r/host-up/secret; echo pwned > /tmp/r/../pwned-r; umount -l /tmp/r',
  'unshare -m sh -c "mkdir -p /tmp/n; mount -t tmpfs none /tmp/n; mkdir /tmp/n/old; cd /tmp/n && pivot_root . old && /old/bin/busybox cat old/../secret /old/../../secret /old/host-up/secret; ls /old/..; echo pwned > /old/../pwned-p"',
];

describe('confinement', () => {
  let outer = '';
  let root = '';
  let shared = '';
  before(async () => {
    const busybox = await getBusybox();
    outer = mkdtempSync(join(tmpdir(), 'xos-confine-'));
    root = join(outer, 'root');
    shared = join(outer, 'shared');
    for (const d of ['bin', 'tmp', 'mnt']) mkdirSync(join(root, d), { recursive: true });
    copyFileSync(busybox, join(root, 'bin/busybox'));
    chmodSync(join(root, 'bin/busybox'), 0o755);
    writeFileSync(join(outer, 'secret'), SECRET);
    chmodSync(join(outer, 'secret'), 0o600);
    writeFileSync(join(root, 'inside'), 'inside\n');
    // symlinks planted on the host, pointing out of the root
    symlinkSync(join(outer, 'secret'), join(root, 'host-abs'));
    symlinkSync('../secret', join(root, 'host-rel'));
    symlinkSync('../../../../../../../../..' + outer, join(root, 'host-up'));
    // a directory mounted read-only, with its own escapes
    mkdirSync(shared);
    writeFileSync(join(shared, 'file'), 'shared\n');
    symlinkSync(join(outer, 'secret'), join(shared, 'planted'));
    symlinkSync('../../../../../..' + outer, join(shared, 'planted-up'));
  });
  after(() => { if (outer) rmSync(outer, { recursive: true, force: true }); });

  it('keeps a --root guest inside its directory', () => {
    const before = snapshot(outer, root);
    const script = ATTEMPTS.map((a) => `( ${a} ) 2>&1; echo "-- $?"`).join('\n');
    const r = spawnSync(process.execPath, [
      xosCli, 'run', '--root', root, '--mount', `${shared}:/mnt:ro`, '--tmpfs', '/tmp', '--env', 'PATH=/bin',
      '/bin/busybox', 'sh', '-c', `cd /; ${script}`,
    ], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET), `the secret leaked:\n${r.stdout}`);
    assert.equal(readFileSync(join(outer, 'secret'), 'utf8'), SECRET);
    assert.deepEqual(snapshot(outer, root), before, 'something outside the root changed');
    assert.equal(readFileSync(join(shared, 'file'), 'utf8'), 'shared\n');
    // what the guest made stays inside (and `..` at the root is the root)
    for (const name of readdirSync(root)) assert.ok(!name.includes('pwned'));
    assert.ok(r.stdout.includes('-- '), r.stdout);
    // the attempts did run: the guest's own links exist inside the root, pointing where it said
    assert.equal(lstatSync(join(root, 's1')).isSymbolicLink(), true);
  });
});

// chroot(2) inside a --root guest: Linux lets root leave a chroot (a cwd left
// outside it, a directory fd opened before it, then `..`), and xos does too,
// but never beyond DIR. test/c/chroot-escape.c tries it all; the host checks.
describe('confinement of chroot', () => {
  let outer = '';
  let root = '';
  before(async () => {
    const exe = await buildC('chroot-escape', 'glibc');
    outer = mkdtempSync(join(tmpdir(), 'xos-confine-chroot-'));
    root = join(outer, 'root');
    mkdirSync(join(root, 'bin'), { recursive: true });
    copyFileSync(exe, join(root, 'bin/escape'));
    chmodSync(join(root, 'bin/escape'), 0o755);
    writeFileSync(join(outer, 'secret'), SECRET);
    writeFileSync(join(root, 'secret-inside'), 'inside\n');
  });
  after(() => { if (outer) rmSync(outer, { recursive: true, force: true }); });

  it('keeps a chrooted guest inside --root DIR', { skip: skipReason('glibc') }, () => {
    const before = snapshot(outer, root);
    const r = spawnSync(process.execPath, [xosCli, 'run', '--root', root, '/bin/escape'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET), `the secret leaked:\n${r.stdout}`);
    assert.equal(readFileSync(join(outer, 'secret'), 'utf8'), SECRET);
    assert.deepEqual(snapshot(outer, root), before, 'something outside the root changed');
    // the escapes did run: up at DIR itself (its listing shows bin and jail), files made there
    assert.match(r.stdout, /left cwd: cwd .*\nls \.:.* bin .*jail|left cwd: cwd .*\nls \.:.* jail .*bin/, r.stdout);
    assert.match(r.stdout, /fchdir: 0/);
    assert.equal(readFileSync(join(root, 'pwned-up'), 'utf8'), 'pwned\n');
    assert.ok(!r.stdout.includes('openat outside ../../../secret: 3'), r.stdout);
  });
});
