// Container images as the root: three layers made with the host's `tar`
// (GNU format with GNU sparse and long names; PAX with PAX 1.0 sparse; ustar),
// with whiteouts, an opaque directory, hard links, symlinks, a FIFO, a device
// node; packed as an OCI layout directory (gzip layers), a `docker save`
// archive and a plain rootfs tar. Debian's busybox (copied into the image)
// boots from each and lists the merged tree with find, stat, md5sum and
// readlink; the expectation comes from the layers' host directories merged by
// a small reference here, not from xos.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, copyFileSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync,
  symlinkSync, utimesSync, writeFileSync, openSync, writeSync, closeSync, lutimesSync, chownSync, type Stats,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { getBusybox } from './lib/busybox.js';
import { xosCli } from './lib/root.js';
import { describeDiff } from './lib/run.js';

const isRoot = process.getuid?.() === 0;
const T0 = 1_650_000_000;

interface Node { type: string; mode: number; uid: number; gid: number; mtime: number; size: number; md5?: string; target?: string; id?: string; rdev?: [number, number] }

// (/tmp is a tmpfs over the image: left out of the comparison; its mount point is made in the upper.)
// Merge layer directories as the OCI spec says, from the host's view of them.
function reference(layers: string[]): Map<string, Node> {
  const tree = new Map<string, Node>();
  const kind = (s: Stats) => s.isDirectory() ? 'directory' : s.isSymbolicLink() ? 'symbolic link' : s.isFIFO() ? 'fifo'
    : s.isCharacterDevice() ? 'character special file' : s.size === 0 ? 'regular empty file' : 'regular file';
  layers.forEach((dir, li) => {
    const entries: string[] = [];
    const walk = (rel: string) => {
      for (const name of readdirSync(join(dir, rel)).sort()) {
        const r = rel ? `${rel}/${name}` : name;
        entries.push(r);
        if (lstatSync(join(dir, r)).isDirectory()) walk(r);
      }
    };
    walk('');
    const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
    const parent = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
    const remove = (p: string) => { for (const k of [...tree.keys()]) if (k === p || k.startsWith(`${p}/`)) tree.delete(k); };
    for (const e of entries) {
      if (base(e) === '.wh..wh..opq') { for (const k of [...tree.keys()]) if (k.startsWith(`${parent(e)}/`)) tree.delete(k); }
      else if (base(e).startsWith('.wh.')) remove(parent(e) ? `${parent(e)}/${base(e).slice(4)}` : base(e).slice(4));
    }
    for (const e of entries) {
      if (base(e).startsWith('.wh.')) continue;
      const s = lstatSync(join(dir, e));
      const old = tree.get(e);
      if (old && old.type !== 'directory' || (old && !s.isDirectory())) remove(e);
      const n: Node = { type: kind(s), mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, mtime: Math.floor(s.mtimeMs / 1000), size: s.size };
      if (s.isFile()) { n.md5 = createHash('md5').update(readFileSync(join(dir, e))).digest('hex'); n.id = `${li}:${s.ino}`; }
      if (s.isSymbolicLink()) n.target = readlinkSync(join(dir, e));
      if (s.isDirectory() || s.isFIFO() || s.isCharacterDevice()) n.size = 0;
      if (s.isCharacterDevice()) n.rdev = [Math.floor(s.rdev / 256) & 0xfff, s.rdev & 0xff];
      tree.set(e, n);
    }
  });
  return tree;
}

// What `stat -c '%n|%F|%a|%u|%g|%h|%Y|%s|%t|%T'` should print for every path, sorted.
function expectedStat(tree: Map<string, Node>): string[] {
  const links = new Map<string, number>();
  for (const n of tree.values()) if (n.id) links.set(n.id, (links.get(n.id) ?? 0) + 1);
  const lines: string[] = [];
  for (const [p, n] of [...tree].filter(([q]) => q !== 'tmp').sort(([a], [b]) => (a < b ? -1 : 1))) {
    const subdirs = [...tree].filter(([q, m]) => m.type === 'directory' && q.startsWith(`${p}/`) && !q.slice(p.length + 1).includes('/')).length;
    const nlink = n.type === 'directory' ? 2 + subdirs : n.id ? links.get(n.id)! : 1;
    const size = n.type === 'directory' ? '*' : n.type === 'symbolic link' ? n.target!.length : n.size;
    const [maj, min] = n.rdev ?? [0, 0];
    lines.push(`/${p}|${n.type}|${n.mode.toString(8)}|${n.uid}|${n.gid}|${nlink}|${n.mtime}|${size}|${maj.toString(16)}|${min.toString(16)}`);
  }
  return lines;
}

function expectedContents(tree: Map<string, Node>): string[] {
  return [...tree].filter(([, n]) => n.md5).sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, n]) => `${n.md5}  /${p}`);
}
function expectedLinks(tree: Map<string, Node>): string[] {
  return [...tree].filter(([, n]) => n.target !== undefined).map(([p, n]) => `/${p} -> ${n.target}`).sort();
}

const SCRIPT = [
  'cd /',
  "stat -c '%n|%F|%a|%u|%g|%h|%Y|%s|%t|%T' $(find / -xdev ! -path / ! -path /tmp | sort)",
  'echo ==',
  'md5sum $(find / -xdev -type f | sort)',
  'echo ==',
  'find / -xdev -type l | sort | while read p; do echo "$p -> $(readlink "$p")"; done',
  'echo ==',
  'ls -a /data',
].join('\n');

function xos(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [xosCli, 'run', ...args], { encoding: 'utf8', timeout: 120_000, env: { PATH: process.env.PATH } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function checkTree(imageArgs: string[], tree: Map<string, Node>): void {
  const r = xos([...imageArgs, '/bin/busybox', 'sh', '-c', SCRIPT]);
  assert.equal(r.status, 0, `exit ${r.status}\n${r.stderr}`);
  const [stats, sums, links, ls] = r.stdout.split('==\n').map((s) => s.trim().split('\n').filter(Boolean));
  const got = stats.map((l) => { const f = l.split('|'); if (f[1] === 'directory') f[7] = '*'; return f.join('|'); });
  const want = expectedStat(tree);
  const show = (a: string[], b: string[]) => describeDiff(Buffer.from(a.join('\n')), Buffer.from(b.join('\n')), 'expected', 'xos');
  assert.deepEqual(got, want, show(want, got));
  assert.deepEqual(sums, expectedContents(tree), show(expectedContents(tree), sums));
  assert.deepEqual(links, expectedLinks(tree), show(expectedLinks(tree), links));
  const names = ['.', '..', ...[...tree.keys()].filter((p) => p.startsWith('data/') && !p.slice(5).includes('/')).map((p) => p.slice(5))].sort();
  assert.deepEqual(ls, names.sort((a, b) => (a < b ? -1 : 1)));
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('images', () => {
  let work = '';
  let layers: string[] = [];
  let tars: Buffer[] = [];
  before(async () => {
    const busybox = await getBusybox();
    work = mkdtempSync(join(tmpdir(), 'xos-image-'));
    layers = ['l1', 'l2', 'l3'].map((l) => join(work, l));
    const [l1, l2, l3] = layers;
    const file = (p: string, data: string | Buffer, mode = 0o644) => {
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, data);
      chmodSync(p, mode);
    };
    // layer 1: the base
    mkdirSync(join(l1, 'bin'), { recursive: true });
    copyFileSync(busybox, join(l1, 'bin/busybox'));
    chmodSync(join(l1, 'bin/busybox'), 0o755);
    file(join(l1, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    file(join(l1, 'etc/motd'), 'base motd\n');
    file(join(l1, 'data/a.txt'), 'alpha\n');
    file(join(l1, 'data/sub/b.txt'), 'beta\n', 0o640);
    file(join(l1, 'data/hard1'), 'one inode, two names\n', 0o600);
    linkSync(join(l1, 'data/hard1'), join(l1, 'data/hard2'));
    linkSync(join(l1, 'data/hard1'), join(l1, 'data/hard3'));
    symlinkSync('a.txt', join(l1, 'data/link'));
    symlinkSync('/etc/motd', join(l1, 'data/abs'));
    file(join(l1, 'opq/old1'), 'hidden by the opaque dir\n');
    file(join(l1, 'opq/olddir/x'), 'x\n');
    file(join(l1, 'gone.txt'), 'whited out\n');
    file(join(l1, 'gonedir/f'), 'f\n');
    execFileSync('mkfifo', [join(l1, 'data/fifo')]);
    if (isRoot) {
      execFileSync('mknod', [join(l1, 'data/null'), 'c', '1', '3']);
      chownSync(join(l1, 'data/sub/b.txt'), 1234, 5678);
      chownSync(join(l1, 'data/sub'), 1234, 5678);
    }
    const fd = openSync(join(l1, 'data/sparse'), 'w');
    writeSync(fd, 'in the middle', 300_000, 'utf8');
    writeSync(fd, 'end', 1_000_000, 'utf8');
    closeSync(fd);
    const long = `long/${'a'.repeat(60)}/${'b'.repeat(60)}/${'c'.repeat(60)}`;
    file(join(l1, long, `${'n'.repeat(90)}.txt`), 'a long name\n');
    // layer 2 (PAX): whiteouts, an opaque directory, replacements
    file(join(l2, '.wh.gone.txt'), '');
    file(join(l2, '.wh.gonedir'), '');
    file(join(l2, 'opq/.wh..wh..opq'), '');
    file(join(l2, 'opq/new1'), 'new in layer 2\n');
    file(join(l2, 'etc/motd'), 'layer 2 motd\n');
    file(join(l2, 'data/sub/c.txt'), 'gamma\n');
    file(join(l2, 'data/link'), 'no longer a link\n');
    file(join(l2, 'data/.wh.hard2'), '');
    const fd2 = openSync(join(l2, 'data/sparse2'), 'w');
    writeSync(fd2, 'pax sparse', 200_000, 'utf8');
    closeSync(fd2);
    file(join(l2, long, `${'m'.repeat(90)}.txt`), 'long in pax\n');
    // layer 3 (ustar): a whited-out directory made again, a whiteout of a layer-1 file
    file(join(l3, 'gonedir/back'), 'back again\n');
    file(join(l3, 'data/.wh.a.txt'), '');
    file(join(l3, 'etc/new3'), 'from layer 3\n', 0o600);
    // fixed times (tar keeps seconds), deepest first so that directories keep theirs
    const all: string[] = [];
    const walk = (d: string) => { for (const n of readdirSync(d)) { const p = join(d, n); all.push(p); if (lstatSync(p).isDirectory()) walk(p); } };
    for (const l of layers) { walk(l); all.push(l); }
    all.sort((a, b) => b.length - a.length).forEach((p, i) => {
      const t = T0 + (i % 1000) * 97;
      if (lstatSync(p).isSymbolicLink()) lutimesSync(p, t, t); else utimesSync(p, t, t);
    });
    const tarOf = (dir: string, opts: string[]) => execFileSync('tar', ['-C', dir, '--numeric-owner', ...opts, '-cf', '-', '.'], { maxBuffer: 64 << 20 });
    tars = [tarOf(l1, ['--format=gnu', '--sparse']), tarOf(l2, ['--format=pax', '--sparse', '--sparse-version=1.0']), tarOf(l3, ['--format=ustar'])];
  });

  it('boots an OCI image layout (gzip and plain layers, config) and shows the merged tree', () => {
    const oci = join(work, 'oci');
    mkdirSync(join(oci, 'blobs/sha256'), { recursive: true });
    const blob = (b: Uint8Array) => { const d = sha(b); writeFileSync(join(oci, 'blobs/sha256', d), b); return { digest: `sha256:${d}`, size: b.length }; };
    const layerBlobs = [gzipSync(tars[0]), tars[1], gzipSync(tars[2])].map((b, i) => ({
      mediaType: `application/vnd.oci.image.layer.v1.tar${i === 1 ? '' : '+gzip'}`, ...blob(b),
    }));
    const config = blob(Buffer.from(JSON.stringify({
      architecture: 'amd64', os: 'linux',
      config: { Env: ['PATH=/bin', 'FOO=from-config'], WorkingDir: '/data', Cmd: ['/bin/busybox', 'sh', '-c', 'echo cmd; pwd; echo $FOO'] },
      rootfs: { type: 'layers', diff_ids: [] },
    })));
    const manifest = blob(Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers: layerBlobs,
    })));
    writeFileSync(join(oci, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(join(oci, 'index.json'), JSON.stringify({
      schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, platform: { architecture: 'amd64', os: 'linux' } }],
    }));
    checkTree(['--image', oci], reference(layers));
    const cmd = xos(['--image', oci]);
    assert.equal(cmd.stdout, 'cmd\n/data\nfrom-config\n', cmd.stderr);
    // the same layout packed in a tar
    const packed = join(work, 'oci.tar');
    execFileSync('tar', ['-C', oci, '-cf', packed, '.']);
    const r = xos(['--image', packed, '/bin/busybox', 'cat', '/etc/motd', '/gonedir/back']);
    assert.equal(r.stdout, 'layer 2 motd\nback again\n', r.stderr);
  });

  it('boots a docker save archive', () => {
    const dir = join(work, 'save');
    const ids = tars.map((t) => sha(t));
    ids.forEach((id, i) => { mkdirSync(join(dir, id), { recursive: true }); writeFileSync(join(dir, id, 'layer.tar'), tars[i]); });
    writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ config: { Env: ['PATH=/bin'] } }));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify([{ Config: 'cfg.json', RepoTags: ['test:latest'], Layers: ids.map((id) => `${id}/layer.tar`) }]));
    const archive = join(work, 'save.tar');
    execFileSync('tar', ['-C', dir, '-cf', archive, '.']);
    checkTree(['--image', archive], reference(layers));
  });

  it('boots a plain rootfs tar (docker export), gzip-compressed too', () => {
    const plain = join(work, 'rootfs.tar');
    writeFileSync(plain, tars[0]);
    checkTree(['--image', plain], reference(layers.slice(0, 1)));
    const gz = join(work, 'rootfs.tar.gz');
    writeFileSync(gz, gzipSync(tars[0]));
    const r = xos(['--image', gz, '/bin/busybox', 'cat', '/etc/motd']);
    assert.equal(r.stdout, 'base motd\n', r.stderr);
  });

  it('keeps changes in --upper and commits them as a layer that rebuilds the same tree', () => {
    const plain = join(work, 'rootfs-for-upper.tar');
    writeFileSync(plain, tars[0]);
    const upper = join(work, 'upper');
    mkdirSync(upper);
    const change = [
      'echo changed > /etc/motd', 'rm /data/a.txt', 'rm -r /opq', 'mkdir /opq', 'echo fresh > /opq/only',
      'ln /etc/passwd /etc/passwd.hard', 'chmod 700 /data/sub', 'echo tmp > /tmp/not-kept',
    ].join('; ');
    let r = xos(['--image', plain, '--upper', upper, '/bin/busybox', 'sh', '-c', change]);
    assert.equal(r.status, 0, r.stderr);
    r = xos(['--image', plain, '--upper', upper, '/bin/busybox', 'sh', '-c', 'cat /etc/motd; ls /opq; ls /tmp; ls /data']);
    assert.equal(r.stdout, 'changed\nonly\nabs\nfifo\nhard1\nhard2\nhard3\nlink\n' + (isRoot ? 'null\n' : '') + 'sparse\nsub\n', r.stderr);
    const layer = join(work, 'layer4.tar');
    const c = spawnSync(process.execPath, [xosCli, 'image', 'commit', '--upper', upper, '-o', layer], { encoding: 'utf8' });
    assert.equal(c.status, 0, c.stderr);
    const names = execFileSync('tar', ['-tvf', layer], { encoding: 'utf8' });
    assert.match(names, /data\/\.wh\.a\.txt/);
    assert.match(names, /opq\/\.wh\.\.wh\.\.opq/);
    assert.match(names, /etc\/passwd\.hard link to etc\/passwd/);
    // the base plus the committed layer, as an image, against the reference merge of the base and the upper
    const dir = join(work, 'save2');
    mkdirSync(dir);
    writeFileSync(join(dir, 'l1.tar'), tars[0]);
    copyFileSync(layer, join(dir, 'l4.tar'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify([{ Layers: ['l1.tar', 'l4.tar'] }]));
    execFileSync('tar', ['-C', dir, '-cf', join(work, 'save2.tar'), '.']);
    checkTree(['--image', join(work, 'save2.tar')], reference([layers[0], upper]));
  });

  after(() => { if (work) rmSync(work, { recursive: true, force: true }); });
});
