// Read-only mounts refuse every change, by path and by descriptor
// (test/c/fs-rofd.c): natively in a read-only bind mount, and under xos both in
// a host directory mounted `:ro` and in a read-only bind mount the guest makes
// itself; the outputs must match, and on the host nothing in the directory may
// change (a guest once made a set-user-ID root file in a `:ro` directory with
// fchmod on a read-only descriptor).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIBCS, buildC, skipReason } from './lib/build-c.js';
import { assertSameRun, runNative, runXos } from './lib/run.js';

const notRoot = process.getuid?.() !== 0;

function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const s = lstatSync(p, { bigint: true });
      out.push(`${p} ${s.mode.toString(8)} ${s.uid}:${s.gid} ${s.size} m${s.mtimeNs} c${s.ctimeNs} ${s.isFile() ? readFileSync(p, 'latin1') : ''}`);
      if (s.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

for (const libc of LIBCS) {
  describe(`read-only mounts, ${libc} static`, { skip: skipReason(libc) || (notRoot && 'needs root (a read-only bind mount natively)') }, () => {
    let dir = '', exe = '', native = '', start: string[] = [];
    before(async () => {
      exe = await buildC('fs-rofd', libc);
      dir = mkdtempSync(join(tmpdir(), 'xos-rofd-'));
      mkdirSync(join(dir, 'd'));
      writeFileSync(join(dir, 'f'), 'data\n');
      chmodSync(join(dir, 'f'), 0o644);
      start = snapshot(dir);
    });
    after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

    it('natively', async () => {
      const r = await runNative([exe, dir]);
      assert.equal(r.status, 0, r.stderr.toString());
      assert.match(r.stdout.toString(), /^read-only: 1\n/);
      native = r.stdout.toString();
      assert.deepEqual(snapshot(dir), start);
    });

    it('under xos, a host directory mounted :ro', async () => {
      const n = await runNative([exe, dir]);
      const x = await runXos([exe, dir], { xosArgs: ['--mount', `${dir}:${dir}:ro`] });
      assertSameRun(n, x, `fs-rofd (${libc}, --mount :ro)`);
      assert.equal(x.stdout.toString(), native);
      assert.deepEqual(snapshot(dir), start, 'the read-only directory changed on the host');
    });

    it('under xos, a read-only bind mount the guest makes', async () => {
      const n = await runNative([exe, dir]);
      const x = await runXos([exe, dir]);
      assertSameRun(n, x, `fs-rofd (${libc}, bind mount)`);
      assert.deepEqual(snapshot(dir), start, 'the directory changed on the host');
    });
  });
}
