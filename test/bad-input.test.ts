// Inputs xos must refuse cleanly, and programs that end badly.
//  - bad ELF files: status 126 and one line on stderr starting with "xos:"
//    (no JavaScript stack trace);
//  - a program that does not exist, or whose interpreter does not: status 127;
//  - a null-pointer write: killed by SIGSEGV, 139, as natively;
//  - allocation until malloc fails, under --memory 512M: as natively.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LIBCS, buildC, skipReason } from './lib/build-c.js';
import { aarch64Elf, cachedExecutable, dynamicElf, i386Elf, truncatedElf, truncatedPhdrsElf } from './lib/elf-writer.js';
import { cachePath } from './lib/root.js';
import { assertSameRun, runBoth, runXos, type RunResult } from './lib/run.js';

function assertCleanRefusal(r: RunResult, status: number): void {
  const err = r.stderr.toString();
  const lines = err.split('\n').filter((l) => l.length > 0);
  const where = `${r.label}\nstderr:\n${err || '(empty)'}`;
  assert.equal(r.timedOut, false, `timed out: ${where}`);
  assert.equal(r.status, status, `exit status ${r.status}, expected ${status}: ${where}`);
  assert.equal(lines.length, 1, `expected exactly one line on stderr: ${where}`);
  assert.match(lines[0], /^xos: /, `the message must start with "xos: ": ${where}`);
  assert.doesNotMatch(err, /^\s+at /m, `no stack trace expected: ${where}`);
  assert.equal(r.stdout.length, 0, `nothing expected on stdout: ${where}`);
}

const BAD_ELVES: { name: string; bytes: () => Uint8Array }[] = [
  { name: 'truncated ELF header', bytes: truncatedElf },
  { name: 'truncated program headers', bytes: truncatedPhdrsElf },
  { name: 'i386 (ELFCLASS32, EM_386)', bytes: i386Elf },
  { name: 'aarch64 (EM_AARCH64)', bytes: aarch64Elf },
  { name: 'not an ELF at all', bytes: () => new TextEncoder().encode('just some text, not a program\n') },
];

describe('bad programs are refused with status 126', { concurrency: 2 }, () => {
  for (const bad of BAD_ELVES) {
    it(bad.name, async () => {
      const file = cachedExecutable(`bad-${bad.name}`, bad.bytes());
      assertCleanRefusal(await runXos([file, 'arg']), 126);
    });
  }
});

describe('missing program', () => {
  it('exits 127 with a one-line xos: message', async () => {
    const missing = join(cachePath('elf'), 'there-is-no-such-program');
    assertCleanRefusal(await runXos([missing]), 127);
  });
  it('a dynamic program whose interpreter is missing: 127, as a shell reports ENOENT', async () => {
    const file = cachedExecutable('bad-missing-interpreter', dynamicElf('/there/is/no/ld.so'));
    assertCleanRefusal(await runXos([file]), 127);
  });
});

describe('programs that end badly', { concurrency: 2 }, () => {
  for (const libc of LIBCS) {
    it(`null-pointer write dies of SIGSEGV (${libc})`, { skip: skipReason(libc) }, async () => {
      const exe = await buildC('nullwrite', libc);
      const { native, xos } = await runBoth([exe]);
      assert.equal(native.status, 139, `natively the null write should give 139, got ${native.status}`);
      assertSameRun(native, xos, `nullwrite (${libc})`);
    });

    it(`allocation until failure under --memory 512M (${libc})`, { skip: skipReason(libc) }, async () => {
      const exe = await buildC('alloc', libc);
      const { native, xos } = await runBoth([exe], { xosArgs: ['--memory', '512M'] });
      assert.equal(native.status, 0, `natively alloc should end normally:\n${native.stdout}`);
      assertSameRun(native, xos, `alloc (${libc})`);
    });
  }
});
