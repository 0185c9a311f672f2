// Differential tests: each C program in test/c, built with glibc and with
// musl (static), must give the same stdout and exit status under xos as
// natively.
import { describe, it } from 'node:test';
import { LIBCS, buildC, skipReason } from './lib/build-c.js';
import { assertSameRun, runBoth, type RunOptions } from './lib/run.js';

interface Case {
  name: string;
  args?: string[];
  opts?: RunOptions;
}

// nullwrite, alloc and loop are exercised by bad-input.test.ts and api.test.ts.
const CASES: Case[] = [
  { name: 'integers' },
  { name: 'strings' },
  { name: 'qsort' },
  { name: 'floats' },
  { name: 'setjmp' },
  { name: 'mmap' },
  { name: 'signals' }, // exits with status 3 on purpose
  { name: 'clocks' },
  { name: 'files' }, // makes its own directory under /tmp with mkdtemp
  { name: 'fs-edge' },
  { name: 'sse-int' },
  { name: 'sse-float' },
  { name: 'sse-plain' },
  { name: 'sse-align' },
  { name: 'mmx' },
  { name: 'x87-arith' },
  { name: 'x87-asm' },
];

for (const libc of LIBCS) {
  describe(`C programs, ${libc} static`, { concurrency: 2 }, () => {
    for (const c of CASES) {
      it(c.name, { skip: skipReason(libc) }, async () => {
        const exe = await buildC(c.name, libc);
        const { native, xos } = await runBoth([exe, ...(c.args ?? [])], c.opts);
        assertSameRun(native, xos, `${c.name} (${libc})`);
      });
    }
  });
}
