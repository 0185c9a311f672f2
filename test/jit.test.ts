// The JIT (core/jit): programs whose hot code is translated must run as they do
// natively. Self-modifying code (test/c/jit-smc.c), faults inside translated
// loops (test/c/jit-fault.c) and control passing between translations of
// different pages, chained (test/c/jit-chain.c) are run with every block translated after two runs,
// synchronously (deterministic), natively and under xos; the run's --stats line
// shows that translations were made and, for the self-modifying code, invalidated.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LIBCS, buildC, skipReason } from './lib/build-c.js';
import { assertSameRun, runBoth, runXos } from './lib/run.js';
import { Machine } from '../src/api/index.js';
import { guestRoot } from './lib/root.js';
import { hostFlags } from './lib/host-cpu.js';

const JIT_SYNC = { XOS_JIT: '1', XOS_JIT_HOT: '2', XOS_JIT_SYNC: '1' };

// "jit: N regions in M modules (B blocks, ...), ... us per block), K invalidations, ... code cache peak P KiB"
// from --stats
function jitStats(stderr: string): { regions: number; invalidations: number } {
  const m = /jit: (\d+) regions in \d+ modules \((\d+) blocks, .*?(\d+) us per block\), (\d+) invalidations, .*code cache peak (\d+) KiB/.exec(stderr);
  assert.ok(m, `no JIT statistics in stderr:\n${stderr}`);
  assert.doesNotMatch(stderr, /modules refused by the engine/);
  const regions = Number(m[1]), blocks = Number(m[2]);
  assert.ok(blocks >= regions, `${blocks} blocks in ${regions} regions`);
  if (regions > 0) assert.ok(Number(m[5]) > 0, 'translations were installed but the code cache peak is 0');
  return { regions, invalidations: Number(m[4]) };
}

for (const libc of LIBCS) {
  describe(`JIT, ${libc} static`, { concurrency: 2 }, () => {
    for (const name of ['jit-smc', 'jit-fault', 'jit-chain']) {
      it(`${name}: translated (hot after 2 runs) as natively`, { skip: skipReason(libc) }, async () => {
        const exe = await buildC(name, libc);
        const { native, xos } = await runBoth([exe], { hostEnv: JIT_SYNC, xosArgs: ['--stats'] });
        assert.equal(native.status, 0, `${name}: the native run itself failed:\n${native.stderr}`);
        assertSameRun(native, xos, `${name} (${libc}, JIT)`);
        const s = jitStats(xos.stderr.toString());
        assert.ok(s.regions > 0, 'nothing was translated');
        if (name === 'jit-smc') assert.ok(s.invalidations > 0, 'no translation was invalidated');
      });
      it(`${name}: translated asynchronously (the default threshold) as natively`, { skip: skipReason(libc) }, async () => {
        const exe = await buildC(name, libc);
        const { native, xos } = await runBoth([exe], { hostEnv: { XOS_JIT: '1' } });
        assertSameRun(native, xos, `${name} (${libc}, JIT asynchronous)`);
      });
    }
  });
}

// Floating point in translated code (the SSE/AVX fast paths of core/jit/emit-sse.ts and their way back to
// the interpreter): special values, each rounding mode, flags clear and raised, DAZ/FTZ; every block
// translated at its first run.
for (const libc of LIBCS) {
  describe(`JIT floating point, ${libc} static`, { concurrency: 2 }, () => {
    for (const cflags of [['-fno-math-errno'], ['-fno-math-errno', '-march=x86-64-v3']]) {
      const noFma = cflags.length > 1 && !hostFlags.has('fma') ? 'the host CPU lacks FMA' : false;
      it(`jit-fp ${cflags.join(' ')}: translated as natively`, { skip: skipReason(libc) || noFma }, async () => {
        const exe = await buildC('jit-fp', libc, cflags);
        const { native, xos } = await runBoth([exe], { hostEnv: { XOS_JIT: '1', XOS_JIT_HOT: '1', XOS_JIT_SYNC: '1' }, xosArgs: ['--stats'] });
        assert.equal(native.status, 0, `jit-fp: the native run itself failed:\n${native.stderr}`);
        assertSameRun(native, xos, `jit-fp (${libc}, ${cflags.join(' ')}, JIT)`);
        assert.ok(jitStats(xos.stderr.toString()).regions > 0, 'nothing was translated');
      });
    }
  });
}

describe('JIT modes', () => {
  it('--jit=off makes no translation; --jit=on and the default do; a bad value is a usage error', { skip: skipReason('glibc') }, async () => {
    const exe = await buildC('jit-fault', 'glibc');
    const off = await runXos([exe], { hostEnv: { XOS_JIT: '1', XOS_JIT_HOT: '2', XOS_JIT_SYNC: '1' }, xosArgs: ['--jit=off', '--stats'] });
    assert.equal(off.status, 0);
    assert.match(off.stderr.toString(), /jit: off/);
    const on = await runXos([exe], { hostEnv: { XOS_JIT: '0', XOS_JIT_HOT: '2', XOS_JIT_SYNC: '1' }, xosArgs: ['--jit', 'on', '--stats'] });
    assert.equal(on.status, 0);
    assert.ok(jitStats(on.stderr.toString()).regions > 0);
    // neither the option nor XOS_JIT: on (the default)
    const dflt = await runXos([exe], { hostEnv: { XOS_JIT: '', XOS_JIT_HOT: '2', XOS_JIT_SYNC: '1' }, xosArgs: ['--stats'] });
    assert.equal(dflt.status, 0);
    assert.ok(jitStats(dflt.stderr.toString()).regions > 0, 'the JIT is not on by default');
    const bad = await runXos([exe], { xosArgs: ['--jit=maybe'] });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr.toString(), /--jit wants on or off/);
  });

  it('the API: jit option, statistics in the result', { skip: skipReason('glibc') }, async () => {
    const exe = await buildC('jit-smc', 'glibc');
    const m = await Machine.create({ root: guestRoot, jit: { hot: 2, sync: true } });
    try {
      const r = await m.run([exe]);
      assert.equal(r.exitCode, 0, r.stderrText);
      assert.match(r.stdoutText, /^rwx first: 46950$/m);
      const j = r.jit;
      assert.ok(j && j.functions > 0 && j.modules > 0 && j.invalidations > 0, JSON.stringify(j));
      // a region holds at least one block; compiling took time; the code cache held what was installed
      assert.ok(j.blocks >= j.functions && j.compileMs > 0 && j.peakCacheBytes > 0 && j.peakCacheBytes <= j.bytes, JSON.stringify(j));
      assert.ok(r.instructions! > 0 && r.ms! > 0, `instructions ${r.instructions}, ms ${r.ms}`);
    } finally {
      m.close();
    }
    const off = await Machine.create({ root: guestRoot, jit: false });
    try {
      const r = await off.run([exe]);
      assert.equal(r.exitCode, 0, r.stderrText);
      assert.equal(r.jit, undefined);
    } finally {
      off.close();
    }
  });
});
