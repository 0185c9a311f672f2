// The API over images and mounts: Machine.create({ image, mounts }), m.fs
// acting on the guest's view (before and after programs run), mountTarBytes,
// commitImage; and the same in the browser Machine (over Node's web APIs).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Machine, GuestFsError } from '../src/api/index.js';
import { Machine as BrowserMachine } from '../src/host/browser/index.js';
import { listTar, bytesSource } from '../src/fs/tar.js';
import { getBusybox } from './lib/busybox.js';
import { repoRoot } from './lib/root.js';

describe('image API', () => {
  let image: Buffer;
  let work = '';
  before(async () => {
    const busybox = await getBusybox();
    work = mkdtempSync(join(tmpdir(), 'xos-image-api-'));
    const r = join(work, 'rootfs');
    mkdirSync(join(r, 'bin'), { recursive: true });
    mkdirSync(join(r, 'etc'));
    copyFileSync(busybox, join(r, 'bin/busybox'));
    chmodSync(join(r, 'bin/busybox'), 0o755);
    writeFileSync(join(r, 'etc/motd'), 'from the image\n');
    image = execFileSync('tar', ['-C', r, '-cf', '-', '.'], { maxBuffer: 64 << 20 });
    mkdirSync(join(work, 'shared'));
    writeFileSync(join(work, 'shared/data.txt'), 'host data\n');
  });

  it('puts files in, runs, takes results out, and commits the changes', async () => {
    const m = await Machine.create({
      image: gzipSync(image), env: { PATH: '/bin' },
      mounts: [`${join(work, 'shared')}:/mnt:ro`, { guest: '/scratch', type: 'tmpfs' }],
    });
    m.fs.mkdir('/work/in', { recursive: true });
    m.fs.writeFile('/work/in/a.txt', 'hello\n');
    assert.deepEqual(m.fs.readdir('/'), ['bin', 'etc', 'mnt', 'scratch', 'tmp', 'work'], 'mount points are made');
    const r = await m.run(['/bin/busybox', 'sh', '-c',
      'tr a-z A-Z < /work/in/a.txt > /work/out.txt; cat /mnt/data.txt; echo x > /mnt/no 2>/dev/null || echo ro; echo s > /scratch/s; rm /etc/motd; ls /tmp']);
    assert.equal(r.stdoutText, 'host data\nro\n', r.stderrText);
    assert.equal(m.fs.readFile('/work/out.txt', 'utf8'), 'HELLO\n');
    assert.equal(m.fs.readFile('/scratch/s', 'utf8'), 's\n');
    assert.equal(m.fs.stat('/work/out.txt').size, 6);
    assert.throws(() => m.fs.readFile('/etc/motd'), (e: unknown) => e instanceof GuestFsError && e.code === 'ENOENT');
    // a second run sees the first one's changes
    const r2 = await m.run(['/bin/busybox', 'cat', '/work/out.txt']);
    assert.equal(r2.stdoutText, 'HELLO\n');
    m.fs.rm('/work/in', { recursive: true });
    assert.deepEqual(m.fs.readdir('/work'), ['out.txt']);
    const layer = listTar(bytesSource(m.commitImage())).map((e) => `${e.type} ${e.path}`);
    assert.deepEqual(layer.filter((l) => !l.startsWith('dir ')).sort(), ['file etc/.wh.motd', 'file work/out.txt']);
    assert.equal(readFileSync(join(work, 'shared/data.txt'), 'utf8'), 'host data\n');
  });

  it('mounts tar bytes at a path, and as the root', async () => {
    mkdirSync(join(work, 'rootfs/opt/img'), { recursive: true });
    const m = await Machine.create({ root: join(work, 'rootfs'), env: { PATH: '/bin' } });
    await assert.rejects(m.mountTarBytes(image, '/nowhere'), /mount point \/nowhere does not exist/);
    await m.mountTarBytes(image, '/opt/img');
    assert.equal(m.fs.readFile('/opt/img/etc/motd', 'utf8'), 'from the image\n');
    const r = await m.run(['/opt/img/bin/busybox', 'sh', '-c', 'echo new > /opt/img/etc/motd; cat /opt/img/etc/motd']);
    assert.equal(r.stdoutText, 'new\n', r.stderrText);
    assert.equal(readFileSync(join(work, 'rootfs/etc/motd'), 'utf8'), 'from the image\n');
  });

  it('runs an image in the browser Machine', async () => {
    const core = readFileSync(join(repoRoot, 'build/core.wasm'));
    const m = await BrowserMachine.create({ core, image: gzipSync(image) });
    m.fs.writeFile('/etc/motd', 'written in\n');
    const r = await m.run(['/bin/busybox', 'sh', '-c', 'cat /etc/motd; echo out > /result']);
    assert.equal(r.stdoutText, 'written in\n', r.stderrText);
    assert.equal(m.fs.readFile('/result', 'utf8'), 'out\n');
    assert.ok(listTar(bytesSource(m.commitImage())).some((e) => e.path === 'result'));
  });

  after(() => { if (work) rmSync(work, { recursive: true, force: true }); });
});
