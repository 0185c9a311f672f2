// Directory order: on a host directory, getdents gives the entries in the
// host's order (readdir's, as `ls -U` shows it), not sorted, so that `tar c`
// of a host directory under xos makes the host's bytes. Debian's busybox lists
// and archives a directory of names made in a seeded random order (some
// removed again) with find and tar, natively and under xos; the outputs must be the same.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBusybox } from './lib/busybox.js';
import { DEFAULT_ENV, assertSameRun, runBoth } from './lib/run.js';

describe('host directory order', () => {
  let busybox = '', dir = '';
  before(async () => {
    busybox = await getBusybox();
    dir = mkdtempSync(join(tmpdir(), 'xos-order-'));
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const names: string[] = [];
    for (let i = 0; i < 300; i++) {
      const name = `f${Math.floor(rand() * 1e6).toString(36)}-${i}`;
      names.push(name);
      if (i % 17 === 0) {
        mkdirSync(join(dir, name));
        for (let j = 0; j < 5; j++) writeFileSync(join(dir, name, `in-${Math.floor(rand() * 1e6).toString(36)}`), `${name} ${j}\n`);
      } else {
        writeFileSync(join(dir, name), `${name}\n`.repeat(i % 5));
      }
    }
    for (let i = 0; i < names.length; i += 7) if (i % 17) unlinkSync(join(dir, names[i]));
    // fixed times, so that the archive depends only on names, contents and order
    const t = new Date('2020-02-02T02:02:02Z');
    const touch = (p: string) => utimesSync(p, t, t);
    for (const n of names) { try { touch(join(dir, n)); } catch { /* removed */ } }
    touch(dir);
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('find lists a host directory in the host order (ls -U\'s)', async () => {
    const { native, xos } = await runBoth([busybox, 'find', dir], { env: { ...DEFAULT_ENV } });
    assert.equal(native.status, 0, native.stderr.toString());
    const listed = native.stdout.toString().trim().split('\n');
    assert.notDeepEqual(listed, [...listed].sort(), 'the host lists this directory sorted: the test would test nothing');
    assertSameRun(native, xos, 'busybox find');
  });

  it('tar c of a host directory makes the same bytes', async () => {
    const script = `cd ${dir} && ${busybox} tar cf - . | ${busybox} md5sum && ${busybox} tar cf - . | ${busybox} tar tf - | ${busybox} head -5`;
    const { native, xos } = await runBoth([busybox, 'sh', '-c', script], { env: { ...DEFAULT_ENV } });
    assert.equal(native.status, 0, native.stderr.toString());
    assertSameRun(native, xos, 'busybox tar c');
  });
});
