// The hand-assembled program from test/lib/elf-writer.ts: write(1, "hi\n", 3)
// then exit_group(42).  Its semantics are the specification, so a fixed
// expectation is used; the native run checks the ELF writer itself.
import { describe, it } from 'node:test';
import { cachedExecutable, hiExit42Elf } from './lib/elf-writer.js';
import { assertRun, runNative, runXos } from './lib/run.js';

const EXPECTED = { status: 42, stdout: 'hi\n' };

describe('hand-made ELF (hi, exit 42)', { concurrency: 2 }, () => {
  const exe = () => cachedExecutable('hi42', hiExit42Elf());

  it('natively (checks the ELF writer)', async () => {
    assertRun(await runNative([exe()]), EXPECTED);
  });

  it('under xos', async () => {
    assertRun(await runXos([exe()]), EXPECTED);
  });
});
