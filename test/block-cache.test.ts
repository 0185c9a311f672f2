// The decoded-block cache under pressure: test/c/block-cache.c runs code while the
// cache is flushed (full, or code frames written) and must behave as natively.
// A flush used to be taken for a fault by the instruction running, which then gave
// up half done (a RET or JMP [mem] that did not jump, INC without its flags, PUSH
// without moving RSP, REP MOVS stopped early); in Debian's python3 sqlite3 that was
// a PLT jump falling into the lazy-binding stub, in data-dependent ways.
import { describe, it } from 'node:test';
import { LIBCS, buildC, skipReason } from './lib/build-c.js';
import { assertSameRun, runBoth } from './lib/run.js';

for (const libc of LIBCS) {
  describe(`block cache, ${libc} static`, () => {
    for (const part of ['blocks', 'jumps', 'writes']) {
      it(part, { skip: skipReason(libc) }, async () => {
        const exe = await buildC('block-cache', libc);
        const { native, xos } = await runBoth([exe, part], { timeoutMs: 120_000 });
        assertSameRun(native, xos, `block-cache ${part} (${libc})`);
      });
    }
  });
}
