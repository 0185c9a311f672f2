// The programmatic API: Machine.create() / machine.run(), compared with
// native runs, plus the timeout that kills an endless guest with SIGKILL.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { buildC, skipReason } from './lib/build-c.js';
import { getBusybox } from './lib/busybox.js';
import { cachedExecutable, hiExit42Elf } from './lib/elf-writer.js';
import { apiModule, cachePath, guestRoot } from './lib/root.js';
import { DEFAULT_ENV, describeDiff, runNative } from './lib/run.js';

// The shape promised by src/api (declared here so this file compiles on its
// own; the module is loaded at run time from dist/).
interface RunResultApi {
  pid: number;
  exitCode: number | null;
  signal: number | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
  stdoutText: string;
  stderrText: string;
}
interface MachineApi {
  run(argv: string[], opts?: { stdin?: Uint8Array | string; env?: Record<string, string>; cwd?: string; timeout?: number }): Promise<RunResultApi>;
}
interface MachineClass {
  create(opts?: { root?: string; env?: Record<string, string>; memory?: string | number }): Promise<MachineApi>;
}

let Machine: MachineClass;
async function machine(): Promise<MachineApi> {
  if (!Machine) {
    const mod = (await import(pathToFileURL(apiModule).href)) as { Machine: MachineClass };
    Machine = mod.Machine;
  }
  return Machine.create({ root: guestRoot, env: { ...DEFAULT_ENV } });
}

function sameAsNative(
  what: string,
  native: { status: number; stdout: Buffer },
  r: RunResultApi,
): void {
  const status = r.exitCode ?? (r.signal !== null ? 128 + r.signal : -1);
  const out = Buffer.from(r.stdout);
  const problems: string[] = [];
  if (status !== native.status) problems.push(`exit status: native ${native.status}, xos exitCode=${r.exitCode} signal=${r.signal}`);
  if (!out.equals(native.stdout)) problems.push(`stdout differs:\n${describeDiff(native.stdout, out)}`);
  if (r.stdoutText !== out.toString('utf8')) problems.push('stdoutText does not match stdout');
  if (problems.length) assert.fail(`${what}:\n${problems.join('\n')}\n\nxos stderr:\n${r.stderrText.slice(-2000)}`);
}

describe('API', { concurrency: 2 }, () => {
  let busybox = '';
  before(async () => {
    busybox = await getBusybox();
  });

  it('runs the hand-made hi/42 program', async () => {
    const exe = cachedExecutable('hi42', hiExit42Elf());
    const m = await machine();
    const r = await m.run([exe]);
    assert.equal(r.exitCode, 42, `exitCode ${r.exitCode} signal ${r.signal} stderr ${r.stderrText}`);
    assert.equal(r.signal, null);
    assert.equal(r.stdoutText, 'hi\n');
    assert.deepEqual([...r.stdout], [0x68, 0x69, 0x0a]);
    assert.equal(typeof r.pid, 'number');
  });

  it('passes stdin through (busybox tr)', async () => {
    const input = 'Hello, stdin!\nsecond line\n';
    const argv = [busybox, 'tr', 'a-z', 'A-Z'];
    const native = await runNative(argv, { stdin: input });
    const m = await machine();
    sameAsNative('tr with string stdin', native, await m.run(argv, { stdin: input }));
    sameAsNative('tr with byte stdin', native, await m.run(argv, { stdin: new TextEncoder().encode(input) }));
  });

  it('passes the environment and cwd (busybox printenv, pwd)', async () => {
    const m = await machine();
    const env = { ...DEFAULT_ENV, XOS_TEST_VAR: 'some value = with spaces' };
    const argv = [busybox, 'printenv', 'XOS_TEST_VAR'];
    sameAsNative('printenv', await runNative(argv, { env }), await m.run(argv, { env }));
    const dir = cachePath('elf');
    const pwd = [busybox, 'pwd'];
    sameAsNative('pwd', await runNative(pwd, { cwd: dir }), await m.run(pwd, { cwd: dir }));
  });

  it('one machine runs several programs in turn', async () => {
    const m = await machine();
    const argv = [busybox, 'seq', '5'];
    const native = await runNative(argv);
    for (let i = 0; i < 3; i++) sameAsNative(`seq run ${i}`, native, await m.run(argv));
  });

  it('reports a signal death (null write)', { skip: skipReason('glibc') }, async () => {
    const exe = await buildC('nullwrite', 'glibc');
    const m = await machine();
    const r = await m.run([exe]);
    assert.equal(r.exitCode, null, `exitCode ${r.exitCode}`);
    assert.equal(r.signal, 11);
    assert.equal(r.stdoutText, 'before\n');
  });

  it('runs a C program like natively (integers, glibc)', { skip: skipReason('glibc') }, async () => {
    const exe = await buildC('integers', 'glibc');
    const m = await machine();
    sameAsNative('integers', await runNative([exe]), await m.run([exe]));
  });

  it('timeout kills an endless loop with SIGKILL', { skip: skipReason('glibc') }, async () => {
    const exe = await buildC('loop', 'glibc');
    const m = await machine();
    const t0 = Date.now();
    const r = await m.run([exe], { timeout: 2000 });
    const ms = Date.now() - t0;
    assert.equal(r.signal, 9, `signal ${r.signal} exitCode ${r.exitCode} stderr ${r.stderrText}`);
    assert.equal(r.exitCode, null);
    assert.ok(ms >= 1900, `returned after ${ms} ms, before the 2000 ms timeout`);
    assert.ok(ms < 30_000, `took ${ms} ms to honour a 2000 ms timeout`);
  });
});
