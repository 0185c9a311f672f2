// Debian's gdb in batch mode, natively and against `xos run -g PORT`: the same
// commands on the same binary, the outputs normalised where the two sessions
// differ by nature (thread ids, process ids, "target:" paths, hardware against
// software watchpoints), for test/gdb.test.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xosCli } from './root.js';

// The command that starts the program: `run ARGS` natively, `continue` under xos (it waits at its
// first instruction).
export const RUN = '<run>';

export interface GdbSession {
  out: string; // gdb's stdout and stderr, as printed
  status: number | null;
  timedOut: boolean;
}

const GDB_TIMEOUT_MS = Number(process.env.XOS_TEST_TIMEOUT_MS) || 180_000;
const GDB_BASE = ['-nx', '-batch', '-iex', 'set debuginfod enabled off', '-iex', 'set pagination off', '-iex', 'set width 0',
  '-iex', 'set confirm off'];

// gdb with its stdout and stderr one file, so that they interleave as printed.
async function runGdb(args: string[], env: Record<string, string>): Promise<GdbSession> {
  const dir = mkdtempSync(join(tmpdir(), 'xos-gdb-out-'));
  const file = join(dir, 'out');
  const fd = openSync(file, 'w');
  try {
    const r = await collect(spawn('gdb', args, { stdio: ['ignore', fd, fd], env }), GDB_TIMEOUT_MS);
    return { ...r, out: readFileSync(file, 'utf8') };
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

function collect(child: ChildProcess, timeoutMs: number): Promise<GdbSession> {
  return new Promise((resolve, reject) => {
    let out = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stdout?.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr?.on('data', (b: Buffer) => { out += b.toString(); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ out, status: code, timedOut }); });
  });
}

const exArgs = (cmds: string[]) => cmds.flatMap((c) => ['-ex', c]);

// gdb running `program args` itself.
export function gdbNative(program: string, args: string[], commands: string[], prelude: string[] = []): Promise<GdbSession> {
  const cmds = commands.map((c) => (c === RUN ? `run ${args.join(' ')} </dev/null >/dev/null 2>&1` : c));
  return runGdb([...GDB_BASE, ...exArgs(['unset environment LINES', 'unset environment COLUMNS', ...prelude, ...cmds]), program],
    { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', HOME: '/tmp' });
}

// A free port on the loopback (another process may take it before xos does: see gdbXos).
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface XosGdbOptions {
  xosArgs?: string[]; // before the program: --root, --mount
  file?: string; // the binary gdb reads symbols from (default: none, gdb asks the target)
}

// `xos run -g PORT [xosArgs] program args`, and gdb connected to it. `xos` is what xos printed.
export async function gdbXos(program: string, args: string[], commands: string[], o: XosGdbOptions = {}):
  Promise<GdbSession & { xos: string; xosStatus: number | null }> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const hostEnv: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', HOME: '/tmp' };
    const xos = spawn(process.execPath, [xosCli, 'run', '--root', '/', '--env', 'LC_ALL=C', ...(o.xosArgs ?? []), '-g', String(port), program, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'], env: hostEnv });
    const xosDone = collect(xos, GDB_TIMEOUT_MS);
    let xosText = '';
    const listening = await new Promise<boolean>((resolve) => {
      const onData = (b: Buffer) => {
        xosText += b.toString();
        if (xosText.includes('waiting for gdb on')) { xos.stderr?.off('data', onData); resolve(true); }
      };
      xos.stderr?.on('data', onData);
      xos.once('close', () => resolve(false));
    });
    if (!listening) {
      const r = await xosDone;
      if (attempt < 3 && /EADDRINUSE/.test(xosText + r.out)) continue;
      throw new Error(`xos -g did not start listening:\n${xosText}${r.out}`);
    }
    const cmds = commands.map((c) => (c === RUN ? 'continue' : c));
    const session = await runGdb([...GDB_BASE, ...exArgs([`target remote 127.0.0.1:${port}`, ...cmds]), ...(o.file ? [o.file] : [])], hostEnv);
    // gdb killed the program or let it end; xos ends with it
    const end = setTimeout(() => xos.kill('SIGKILL'), 30_000);
    const x = await xosDone;
    clearTimeout(end);
    return { ...session, xos: xosText + x.out, xosStatus: x.status };
  }
}

// What differs between a native session and a remote one by nature, made the same.
export function normalise(out: string): string {
  const drop = [
    /^\[Thread debugging using libthread_db enabled\]$/,
    /^Using host libthread_db library/,
    /^\[New Thread /,
    /^\[Thread .* exited\]$/,
    /^Reading .* from remote target\.\.\.$/,
    /^warning: File transfers from remote targets can be slow/,
    /^Reading symbols from /,
    /^Remote debugging using /,
    /^\[Inferior 1 \(process \d+\) killed\]$/,
    /^Program stopped\.$/,
    /^Starting program: /,
    /^Download failed: /,
    /^\[Detaching after (v?fork|clone) from child process \d+\]$/, // the stub does not report forks: gdb never attaches
  ];
  return out.split('\n')
    .map((l) => l
      .replace(/Thread 0x[0-9a-f]+ \(LWP \d+\)/g, 'Thread T')
      .replace(/Thread \d+\.\d+/g, 'Thread T')
      .replace(/\bLWP \d+/g, 'Thread T') // a native program without libthread_db (musl)
      .replace(/\(process \d+\)/g, '(process N)')
      .replace(/^process \d+ is executing/, 'process N is executing')
      // the stack's addresses depend on the environment and auxiliary vector, which differ
      .replace(/\b(argv|envp)=0x[0-9a-f]+/g, '$1=ADDR')
      .replace(/target:\//g, '/')
      .replace(/Hardware (read |access \(read\/write\) )?watchpoint/g, (_, k: string | undefined) => (k ? `${k}watchpoint` : 'Watchpoint'))
      .replace(/[ \t]+/g, ' ')
      .trimEnd())
    .filter((l) => !drop.some((re) => re.test(l)))
    .join('\n');
}

// The part of a session after the line that starts with `marker` (what came before is the start-up,
// which differs: a native `run` against a remote program stopped at its entry).
export function after(out: string, marker: string): string {
  const i = out.split('\n').findIndex((l) => l.startsWith(marker));
  return i < 0 ? `(no line starting with ${JSON.stringify(marker)})\n${out}` : out.split('\n').slice(i).join('\n');
}
