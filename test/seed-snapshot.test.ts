// The seed's createHost() in Node (issue 14): snapshot() saves the machine (with the
// image mounted by mountTarBytes) while a script counts in a loop; restore() puts it
// back in place of the machine as it has become since: the files of the snapshot, and
// the loop still counting. A blob that is not a snapshot gets { ok: false } and why.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHost } from '../src/api/index.js';
import { repoRoot } from './lib/root.js';

const IMAGE = join(repoRoot, 'build', 'web', 'images', 'busybox.tar');

describe('createHost() snapshot and restore', () => {
  it('restore() brings back the files of the snapshot and its loop, still counting', async () => {
    if (!existsSync(IMAGE)) throw new Error(`${IMAGE} is missing: npm run build makes it (it needs apt-get for busybox-static)`);
    const h = createHost({ net: 'none' });
    await h.mountTarBytes(readFileSync(IMAGE), '/');
    // (the machine's first process, its init: it runs until /tmp/stop is made)
    const running = h.runShellScript('echo one > /root/state; i=0; while [ ! -e /tmp/stop ]; do i=$((i+1)); echo $i > /tmp/count; sleep 0.05; done');
    while (!(await h.runShellScript('cat /tmp/count')).stdout) await new Promise((r) => setTimeout(r, 50));
    const s = await h.snapshot();
    assert.ok(s.ok, s.ok ? '' : s.reason);
    assert.equal((await h.runShellScript('echo two > /root/state; cat /root/state')).stdout, 'two\n');
    assert.deepEqual(await h.restore(s.bytes), { ok: true });
    assert.equal((await running).signal, 9, 'the machine it replaced is closed');
    const after = await h.runShellScript('cat /root/state; a=$(cat /tmp/count); sleep 0.5; b=$(cat /tmp/count); [ "$b" -gt "$a" ] && echo counting');
    assert.equal(after.stdout, 'one\ncounting\n');
    const bad = await h.restore(new Uint8Array([1, 2, 3]));
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.reason, /not an xos snapshot/);
    // and the machine is still the restored one
    assert.equal((await h.runShellScript('cat /root/state')).stdout, 'one\n');
    await h.runShellScript('touch /tmp/stop'); // the loop ends, and with it the machine's processes
  });
});
