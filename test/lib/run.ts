// Runs a program natively and under xos with the same argv, stdin,
// environment and working directory, and compares the two.
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { guestRoot, xosCli, xosTimeoutMs } from './root.js';

export interface RunOptions {
  /** Bytes or text fed to stdin (stdin is closed after it). */
  stdin?: string | Uint8Array;
  /** The whole environment of the program (nothing is inherited). */
  env?: Record<string, string>;
  /** Working directory (host path; passed as --cwd to xos). */
  cwd?: string;
  /** Kill with SIGKILL after this many milliseconds. */
  timeoutMs?: number;
  /** Extra options for `xos run`, e.g. ['--memory', '512M']. */
  xosArgs?: string[];
  /** The guest's root for `xos run --root` (default guestRoot); false: none (an --image in xosArgs). */
  root?: string | false;
  /** More environment for the xos process itself (XOS_DEBUG, XOS_INJECT_BUG). */
  hostEnv?: Record<string, string>;
}

export interface RunResult {
  /** What ran, for messages. */
  label: string;
  /** Shell-style status: the exit code, or 128+N if killed by signal N. */
  status: number;
  /** The signal's name if the process itself died of a signal. */
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
  ms: number;
}

/** The environment both sides get unless a test says otherwise. */
export const DEFAULT_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  LC_ALL: 'C',
  HOME: '/tmp',
};

const NATIVE_TIMEOUT_MS = 60_000;

function spawnAndCollect(
  label: string,
  file: string,
  args: string[],
  env: Record<string, string>,
  opts: RunOptions,
  timeoutMs: number,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const child = spawn(file, args, { env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {}); // the program may exit without reading all of stdin (EPIPE)
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else child.stdin.end();
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${label}: cannot start ${file}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const signo = signal ? (constants.signals as Record<string, number>)[signal] ?? 0 : 0;
      resolve({
        label,
        status: code ?? 128 + signo,
        signal,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        timedOut,
        ms: Date.now() - start,
      });
    });
  });
}

/** Runs argv[0] directly on this machine. */
export function runNative(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const env = opts.env ?? { ...DEFAULT_ENV };
  return spawnAndCollect(`native ${argv.join(' ')}`, argv[0], argv.slice(1), env, opts, opts.timeoutMs ?? NATIVE_TIMEOUT_MS);
}

/** The `node bin/xos.js run ...` command line for argv. */
export function xosCommand(argv: string[], opts: RunOptions = {}): string[] {
  const env = opts.env ?? { ...DEFAULT_ENV };
  const args = [xosCli, 'run'];
  if (opts.root !== false) args.push('--root', opts.root ?? guestRoot);
  for (const [k, v] of Object.entries(env)) args.push('--env', `${k}=${v}`);
  if (opts.cwd) args.push('--cwd', opts.cwd);
  args.push(...(opts.xosArgs ?? []));
  args.push(...argv);
  return args;
}

/** Runs argv under xos: `node bin/xos.js run [--root] [--env K=V]... [--cwd] [xosArgs] PROGRAM ARGS`. */
export function runXos(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  // node itself needs no particular environment; the guest's comes from --env.
  // (XOS_JIT=0 in the suite's environment runs every program with the JIT off)
  const hostEnv: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'NODE_OPTIONS', 'XOS_JIT', 'XOS_JIT_HOT', 'XOS_JIT_SYNC']) if (process.env[k]) hostEnv[k] = process.env[k]!;
  Object.assign(hostEnv, opts.hostEnv);
  return spawnAndCollect(`xos ${argv.join(' ')}`, process.execPath, xosCommand(argv, opts), hostEnv, opts, opts.timeoutMs ?? xosTimeoutMs);
}

/** Runs natively and under xos (one after the other, so timings do not disturb each other). */
export async function runBoth(argv: string[], opts: RunOptions = {}): Promise<{ native: RunResult; xos: RunResult }> {
  const native = await runNative(argv, opts);
  const xos = await runXos(argv, opts);
  return { native, xos };
}

// ---- readable comparison --------------------------------------------------

function printable(b: Buffer): string {
  // Show text as text; escape control bytes other than newline and tab.
  let s = '';
  for (const c of b.toString('latin1')) {
    const code = c.charCodeAt(0);
    if (c === '\n' || c === '\t' || (code >= 0x20 && code < 0x7f)) s += c;
    else s += `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return s;
}

/** A short, line-based diff: common prefix and suffix collapsed, the differing middle shown from each side. */
export function describeDiff(expected: Buffer, actual: Buffer, labelA = 'native', labelB = 'xos'): string {
  const a = printable(expected).split('\n');
  const b = printable(actual).split('\n');
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const CONTEXT = 3;
  const MAX = 25;
  const lines: string[] = [];
  lines.push(`--- ${labelA} (${expected.length} bytes, ${a.length} lines)`);
  lines.push(`+++ ${labelB} (${actual.length} bytes, ${b.length} lines)`);
  lines.push(`@@ first difference at line ${pre + 1} @@`);
  for (let i = Math.max(0, pre - CONTEXT); i < pre; i++) lines.push(`  ${a[i]}`);
  const aMid = a.slice(pre, a.length - suf);
  const bMid = b.slice(pre, b.length - suf);
  for (const l of aMid.slice(0, MAX)) lines.push(`- ${l}`);
  if (aMid.length > MAX) lines.push(`- ... ${aMid.length - MAX} more lines`);
  for (const l of bMid.slice(0, MAX)) lines.push(`+ ${l}`);
  if (bMid.length > MAX) lines.push(`+ ... ${bMid.length - MAX} more lines`);
  for (let i = a.length - suf; i < Math.min(a.length, a.length - suf + CONTEXT); i++) lines.push(`  ${a[i]}`);
  return lines.join('\n');
}

function tail(b: Buffer, n = 2000): string {
  const s = printable(b);
  return s.length > n ? '...' + s.slice(s.length - n) : s;
}

/** Asserts that xos gave the same stdout bytes and exit status as the native run. */
export function assertSameRun(native: RunResult, xos: RunResult, what = xos.label): void {
  const problems: string[] = [];
  if (native.timedOut) problems.push(`the native run timed out after ${native.ms} ms (the test itself is broken)`);
  if (xos.timedOut) problems.push(`xos timed out after ${xos.ms} ms and was killed`);
  if (native.status !== xos.status) problems.push(`exit status: native ${native.status}, xos ${xos.status}`);
  if (!native.stdout.equals(xos.stdout)) problems.push(`stdout differs:\n${describeDiff(native.stdout, xos.stdout)}`);
  if (problems.length === 0) return;
  const msg = [
    `${what}: xos differs from native`,
    ...problems,
    `xos stderr (${xos.stderr.length} bytes):\n${tail(xos.stderr) || '(empty)'}`,
    native.stderr.length ? `native stderr:\n${tail(native.stderr)}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  assert.fail(msg);
}

/** Asserts a fixed expectation of a run (for programs whose semantics are the spec). */
export function assertRun(r: RunResult, expected: { status: number; stdout?: string | Buffer; stderrMatches?: RegExp }): void {
  const problems: string[] = [];
  if (r.timedOut) problems.push(`timed out after ${r.ms} ms`);
  if (r.status !== expected.status) problems.push(`exit status ${r.status}, expected ${expected.status}`);
  if (expected.stdout !== undefined) {
    const want = Buffer.isBuffer(expected.stdout) ? expected.stdout : Buffer.from(expected.stdout);
    if (!want.equals(r.stdout)) problems.push(`stdout differs:\n${describeDiff(want, r.stdout, 'expected', 'actual')}`);
  }
  if (expected.stderrMatches && !expected.stderrMatches.test(r.stderr.toString())) {
    problems.push(`stderr does not match ${expected.stderrMatches}`);
  }
  if (problems.length === 0) return;
  assert.fail(`${r.label}:\n${problems.join('\n')}\n\nstderr:\n${tail(r.stderr) || '(empty)'}`);
}
