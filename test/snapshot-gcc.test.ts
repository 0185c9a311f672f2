// A compile saved half-way (issue 14): the Debian root's gcc compiling a C
// file of a few thousand lines is snapshotted while cc1 writes its assembly, restored, and
// its object file is the same, byte for byte, as that of a compile left alone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { debianSkipReason, getDebianRoot } from './lib/debian-root.js';
import { Machine } from '../src/api/index.js';
import { bigSource } from './lib/big-source.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ENV = { PATH: '/usr/bin:/bin', HOME: '/root', LC_ALL: 'C', TMPDIR: '/tmp' };
const GCC = ['/usr/bin/gcc', '-O0', '-c', '/tmp/big.c', '-o', '/tmp/big.o'];

async function machine(root: string): Promise<Machine> {
  const m = await Machine.create({ root, env: ENV, mounts: [{ guest: '/tmp', type: 'tmpfs' }] });
  m.fs.writeFile('/tmp/big.c', bigSource());
  return m;
}

describe('a gcc compile in a snapshot', { skip: debianSkipReason() }, () => {
  it('restored mid-compile, gives the object file of an uninterrupted compile', { timeout: 900_000 }, async () => {
    const root = (await getDebianRoot()).dir;
    const a = await machine(root);
    const whole = await a.run(GCC);
    assert.equal(whole.exitCode, 0, new TextDecoder().decode(whole.stderr));
    const want = a.fs.readFile('/tmp/big.o');
    a.close();

    const b = await machine(root);
    b.spawn(GCC);
    // cc1 is at work once its assembly output (TMPDIR's cc*.s) has something in it
    const started = () => b.fs.readdir('/tmp').some((n) => n.endsWith('.s') && b.fs.stat(`/tmp/${n}`).size > 0);
    while (!started()) await pause(20);
    assert.ok(!b.fs.exists('/tmp/big.o'), 'saved before the object file was written');
    const snap = await b.snapshot();
    b.close();
    const r = await Machine.restore(snap);
    try {
      assert.equal((await r.processes[0].wait()).exitCode, 0);
      // (read by the guest: the API's fs view of a restored machine does not see its tmpfs yet)
      const got = await r.run(['/bin/cat', '/tmp/big.o']);
      assert.equal(got.exitCode, 0);
      assert.deepEqual(new Uint8Array(got.stdout), new Uint8Array(want));
    } finally {
      r.close();
    }
  });
});
