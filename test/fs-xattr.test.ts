// Extended attributes (issue 16, item 5): test/c/fs-xattr.c (glibc and musl,
// static) runs natively as root on the host's tmpfs (/dev/shm, and /tmp when
// the host's /tmp is one), and under xos on its /dev/shm, on a --tmpfs mount and
// on an image's overlay (the seeded files are the image's: every change copies
// them up first); the transcripts must be the same. Then the machine's memory
// budget (what attributes hold is charged to it and given back), and image
// layers (attributes read from GNU tar's archives and written for it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIBCS, buildC, skipReason } from './lib/build-c.js';
import { assertSameRun, runNative, runXos, type RunResult } from './lib/run.js';
import { Tmpfs } from '../src/fs/tmpfs.js';
import { ImageFs } from '../src/fs/image.js';
import { OverlayFs, layerTar } from '../src/fs/overlay.js';
import { bytesSource } from '../src/fs/tar.js';
import { MemoryBudget } from '../src/base/budget.js';
import { XATTR_CREATE } from '../src/fs/xattr.js';
import { ENOSPC, ENODATA, EEXIST } from '../src/base/errno.js';

const TMPFS_MAGIC = 0x01021994;
const isTmpfs = (p: string): boolean => { try { return statfsSync(p).type === TMPFS_MAGIC; } catch { return false; } };
// The native side needs root (trusted.*, the checks as nobody) and a tmpfs.
const why = process.getuid?.() !== 0 ? 'needs root (trusted.* and the checks as nobody)' : !isTmpfs('/dev/shm') ? 'the host has no tmpfs at /dev/shm' : false;

function scratch(parent: string, name: string): string {
  const d = join(parent, name);
  mkdirSync(d, { recursive: true });
  chmodSync(d, 0o755); // the checks as nobody walk through it
  return d;
}

for (const libc of LIBCS) {
  describe(`extended attributes, ${libc} static`, { concurrency: 1, skip: skipReason(libc) || why }, () => {
    let work = '', shm = '', exe = '';
    let native: RunResult;
    before(async () => {
      exe = await buildC('fs-xattr', libc);
      work = mkdtempSync(join(tmpdir(), `xos-xattr-${libc}-`));
      chmodSync(work, 0o755); // the checks as nobody walk through it
      shm = mkdtempSync(`/dev/shm/xos-xattr-${libc}-`);
      chmodSync(shm, 0o755);
      native = await runNative([exe, shm, 'all']);
      assert.equal(native.status, 0, `the native run failed:\n${native.stdout}${native.stderr}`);
    });
    after(() => {
      if (work) rmSync(work, { recursive: true, force: true });
      if (shm) rmSync(shm, { recursive: true, force: true });
    });

    it('natively, /tmp as well when it is a tmpfs', { skip: isTmpfs(tmpdir()) ? false : `${tmpdir()} is not a tmpfs here` }, async () => {
      const d = scratch(work, 'native-tmp');
      assertSameRun(native, await runNative([exe, d, 'all']), 'the host /tmp against /dev/shm');
    });

    it("on the machine's /dev/shm", async () => {
      const r = await runXos(['/bin/sh', '-c', `mkdir -m 755 ${shm} && exec ${exe} ${shm} all`]);
      assertSameRun(native, r, 'xos /dev/shm');
    });

    it('on a --tmpfs mount', async () => {
      const point = scratch(work, 'tmpfs-point');
      assertSameRun(native, await runXos([exe, point, 'all'], { xosArgs: ['--tmpfs', point] }), 'xos --tmpfs');
    });

    it("on an image's overlay: the image's files are copied up first", async () => {
      const tree = scratch(work, 'image-tree');
      copyFileSync(exe, join(tree, 'fs-xattr'));
      chmodSync(join(tree, 'fs-xattr'), 0o755);
      execFileSync(exe, [scratch(tree, 'scratch'), 'seed']);
      const tar = join(work, 'image.tar');
      execFileSync('tar', ['-C', tree, '--numeric-owner', '-cf', tar, '.']);
      const r = await runXos(['/fs-xattr', '/scratch', 'test'], { root: false, xosArgs: ['--image', tar] });
      assertSameRun(native, r, 'xos --image');
    });
  });
}

describe("extended attributes and the machine's memory", () => {
  const enc = new TextEncoder();
  it('are charged to the budget, refused with ENOSPC when it is spent, and given back', () => {
    const budget = new MemoryBudget(1 << 20);
    const fs = new Tmpfs({ budget, inodes: 1 << 20 }); // room for attributes: 1 KiB an inode, as Linux
    assert.equal(fs.writeFile('/f', 'data'), 0);
    const n = fs.nodeAt('/f');
    assert.ok(typeof n !== 'number');
    const before = budget.used;
    assert.equal(fs.setxattr(n, 'user.a', new Uint8Array(60000), 0), 0);
    assert.ok(budget.used >= before + 60000, 'the value is charged');
    assert.equal(fs.setxattr(n, 'user.a', enc.encode('x'), XATTR_CREATE), -EEXIST);
    // fill the machine: a value that no longer fits is ENOSPC, and nothing is taken for it
    let i = 0;
    while (fs.setxattr(n, `user.fill${i}`, new Uint8Array(60000), 0) === 0) i++;
    const full = budget.used;
    assert.equal(fs.setxattr(n, 'user.more', new Uint8Array(60000), 0), -ENOSPC);
    assert.equal(budget.used, full);
    assert.ok(i > 5 && i < 20, `about a megabyte of attributes fit (${i} more)`);
    // replacing with a smaller value and removing give bytes back
    assert.equal(fs.setxattr(n, 'user.a', enc.encode('small'), 0), 0);
    assert.ok(budget.used < full - 50000);
    assert.equal(fs.removexattr(n, 'user.fill0'), 0);
    assert.equal(fs.removexattr(n, 'user.fill0'), -ENODATA);
    // the file's last name gone: everything it held is given back
    assert.equal(fs.unlink('/f'), 0);
    assert.ok(budget.used < before, `given back: ${budget.used} < ${before}`);
  });
});

// An image's files keep the attributes GNU tar wrote for them (PAX SCHILY.xattr records), a
// copied-up file takes them along, and the committed upper layer writes them so that GNU tar reads
// them back. The host's attributes are set with Python (node:fs has no xattr API).
describe('extended attributes in image layers', () => {
  const hasTools = spawnSync('python3', ['-c', 'import os; os.setxattr']).status === 0 && spawnSync('tar', ['--version']).status === 0;
  it('are read from the image, copied up, and written to the layer', { skip: hasTools ? false : 'needs python3 and GNU tar' }, (t) => {
    const work = mkdtempSync(join(tmpdir(), 'xos-xattr-layer-'));
    try {
      const tree = join(work, 'tree');
      mkdirSync(join(tree, 'd'), { recursive: true });
      writeFileSync(join(tree, 'f'), 'hi\n');
      const set = spawnSync('python3', ['-c', `import os
os.setxattr('${tree}/f', 'user.mime', b'text/plain')
os.setxattr('${tree}/f', 'user.empty', b'')
os.setxattr('${tree}/d', 'user.bin', bytes([0, 1, 255]))`]);
      if (set.status !== 0) { t.skip(`${tmpdir()} keeps no user attributes here: nothing to compare with`); return; }
      const tar = join(work, 'image.tar');
      execFileSync('tar', ['--xattrs', '--xattrs-include=*', '-C', tree, '--numeric-owner', '-cf', tar, '.']);
      const lower = new ImageFs();
      lower.addLayer(bytesSource(readFileSync(tar)));
      lower.finish();
      const upper = new Tmpfs();
      const ov = new OverlayFs(lower, upper);
      const node = (p: string) => { const n = ov.nodeAt(p); assert.ok(typeof n !== 'number', p); return n; };
      const text = (v: Uint8Array | number) => (typeof v === 'number' ? v : Buffer.from(v).toString('latin1'));
      assert.deepEqual(text(ov.getxattr(node('/f'), 'user.mime')), 'text/plain');
      assert.deepEqual(text(ov.getxattr(node('/f'), 'user.empty')), '');
      assert.deepEqual(text(ov.getxattr(node('/d'), 'user.bin')), '\x00\x01\xff');
      assert.equal(ov.getxattr(node('/f'), 'user.none'), -ENODATA);
      // a change copies the file up with the attributes it had
      assert.equal(ov.setxattr(node('/f'), 'user.added', Buffer.from('new'), 0), 0);
      assert.deepEqual((ov.listxattr(node('/f')) as string[]).sort(), ['user.added', 'user.empty', 'user.mime']);
      assert.deepEqual(text(upper.getxattr(upper.nodeAt('/f') as object, 'user.mime')), 'text/plain');
      // the layer, as GNU tar lists it
      const layer = join(work, 'layer.tar');
      writeFileSync(layer, layerTar(upper));
      const listed = execFileSync('tar', ['--xattrs', '--xattrs-include=*', '-tvvf', layer], { encoding: 'latin1' });
      for (const [name, len] of [['user.added', 3], ['user.mime', 10], ['user.empty', 0]] as const) {
        assert.match(listed, new RegExp(`x: +${len} ${name.replace('.', '\\.')}\\n`), listed);
      }
      // and back through the image reader
      const again = new ImageFs();
      again.addLayer(bytesSource(readFileSync(layer)));
      again.finish();
      const f = again.nodeAt('/f');
      assert.ok(typeof f !== 'number');
      assert.deepEqual(text(again.getxattr(f, 'user.added')), 'new');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
