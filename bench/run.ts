// `npm run bench`: C workloads run natively, under xos and under qemu-x86_64
// (when installed); outputs must match. Prints times, guest instructions per
// second (counted by the core) and the ratios xos/native and xos/qemu.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine } from '../src/api/index.js';
import { benchSnapshots, benchClones } from './snapshot.js';
import { benchStartup, type StartupCase } from './startup.js';
import { Vfs, type FsCaller } from '../src/fs/vfs.js';
import { Tmpfs } from '../src/fs/tmpfs.js';
import { HostFs } from '../src/host/node/hostfs.js';
import { createNodeHost } from '../src/host/node/index.js';
import type { FsBackend } from '../src/fs/backend.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cache = join(process.env.XOS_TEST_CACHE ?? join(homedir(), '.cache', 'xos-test'), 'bench');
mkdirSync(cache, { recursive: true });

// A C program of bench/c (built static; `c` names it when it is not the workload's name, `args` follow
// it), or a command of this machine (dynamic start-up).
interface Workload { name: string; repeat: number; c?: string; args?: string[]; argv?: string[] }
const only = process.argv.slice(2);
// Programs that need arguments: the path walk on a tmpfs (/dev/shm is one natively and under xos) and
// on a directory of the host's disk (/tmp: a host directory under xos).
const withArgs: Workload[] = [
  { name: 'pathwalk-tmpfs', c: 'pathwalk', args: ['/dev/shm'], repeat: 1 },
  { name: 'pathwalk-host', c: 'pathwalk', args: ['/tmp'], repeat: 1 },
];
const PYTHON_LOOP = `
def f(n):
    s = 0
    d = {}
    for i in range(n):
        s = (s * 31 + i) % 1000003
        d[i & 255] = s
    return s, len(d)
print(f(100000))
`;
const workloads: Workload[] = ([
  ...readdirSync(join(root, 'bench', 'c'))
    .filter((f) => f.endsWith('.c') && !withArgs.some((w) => w.c === f.slice(0, -2)))
    .map((f): Workload => ({ name: f.slice(0, -2), repeat: f === 'hello.c' ? 20 : 1 })),
  ...withArgs,
  { name: 'dyn-true', repeat: 10, argv: ['/bin/true'] },
  { name: 'bash-true', repeat: 10, argv: ['/bin/bash', '-c', 'true'] },
  { name: 'python3-pass', repeat: 3, argv: ['/usr/bin/python3', '-c', 'pass'] },
  // real programs: a pure-Python loop (an interpreter's dispatch: indirect jumps all over a big
  // function), and gcc compiling a C file of 300 lines (cc1: much code, each part run a little)
  { name: 'python3-loop', repeat: 1, argv: ['/usr/bin/python3', '-c', PYTHON_LOOP] },
  { name: 'gcc-compile', repeat: 1, argv: ['/usr/bin/gcc', '-O2', '-S', '-o', '-', join(root, 'bench', 'gcc', 'calc.c')] },
] as Workload[]).filter((w) => (only.length === 0 || only.includes(w.name)) && (!w.argv || existsSync(w.argv[0])));

function build(name: string): string {
  const src = join(root, 'bench', 'c', `${name}.c`);
  const text = readFileSync(src, 'utf8');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const out = join(cache, `${name}-${hash}`);
  // a first line `// cflags: …` replaces -O2 (e.g. -O3 -march=x86-64-v3)
  const cflags = /^\/\/ cflags: (.*)$/m.exec(text.split('\n')[0])?.[1].split(' ') ?? ['-O2'];
  if (!existsSync(out)) execFileSync('gcc', [...cflags, '-static', '-o', out, src, '-lm']);
  return out;
}

// A web server on the host, in a process of its own (the native runs block this one): a 16 MiB file
// for host-fetch, which a guest reaches as the gateway (10.0.2.2) and a native run at 127.0.0.1.
async function hostServer(): Promise<{ port: number; stop(): void }> {
  const code = `const b = Buffer.alloc(16 << 20, 7); require('node:http').createServer((q, r) => { r.writeHead(200, { 'content-length': b.length }); r.end(b); })` +
    `.listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))));
  return { port, stop: () => child.kill() };
}
const server = await hostServer();
// Arguments of the workloads that take some, by where they run.
const ARGS: Record<string, (where: 'native' | 'xos') => string[]> = {
  'host-fetch': (where) => [where === 'xos' ? '10.0.2.2' : '127.0.0.1', String(server.port), '/file'],
};

function timeNative(cmd: string[], repeat: number): { ms: number; out: string } {
  let out = '';
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < repeat; i++) {
    const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr}`);
    out = r.stdout;
  }
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6 / repeat, out };
}

const hasQemu = spawnSync('qemu-x86_64', ['--version']).status === 0;
// The same workloads with the JIT off and on (XOS_JIT_HOT sets its threshold), side by side.
const machines = { off: await Machine.create({ jit: false }), on: await Machine.create({ jit: true }) };
const rows: string[][] = [[
  'workload', 'native ms', 'qemu ms', 'xos ms (jit off)', 'xos ms (jit on)', 'Minsn/s off', 'Minsn/s on', 'syscalls',
  'off/native', 'on/native', 'off/qemu', 'on/qemu', 'jit compile ms', 'jit cache KiB', 'output',
]];
async function timeXos(m: Machine, w: Workload, argv: string[], args: ((where: 'native' | 'xos') => string[]) | undefined) {
  let ms = 0, insns = 0, out = '', syscalls = 0;
  const compiled0 = m.jitStats?.compileMs ?? 0; // (the machine's statistics add up over its runs)
  for (let i = 0; i < w.repeat; i++) {
    const t0 = process.hrtime.bigint();
    const r = await m.run([...argv, ...(args?.('xos') ?? [])], {});
    ms += Number(process.hrtime.bigint() - t0) / 1e6;
    insns += r.instructions ?? 0;
    syscalls = r.syscalls ?? 0;
    out = r.stdoutText;
    if (r.exitCode !== 0) { out = `exit ${r.exitCode} signal ${r.signal} ${r.stderrText.slice(0, 200)}`; break; }
  }
  const j = m.jitStats;
  return { ms: ms / w.repeat, insns: insns / w.repeat, out, syscalls, compileMs: (j?.compileMs ?? 0) - compiled0, cacheKiB: (j?.peakCacheBytes ?? 0) / 1024 };
}
for (const w of workloads) {
  const argv = w.argv ?? [build(w.c ?? w.name), ...(w.args ?? [])];
  const args = ARGS[w.name];
  const native = timeNative([...argv, ...(args?.('native') ?? [])], w.repeat);
  const qemu = hasQemu ? timeNative(['qemu-x86_64', ...argv, ...(args?.('native') ?? [])], w.repeat) : undefined;
  const off = await timeXos(machines.off, w, argv, args);
  const on = await timeXos(machines.on, w, argv, args);
  const same = off.out === native.out && on.out === native.out && (!qemu || qemu.out === native.out);
  const rate = (x: { ms: number; insns: number }) => (x.insns / (x.ms / 1000) / 1e6).toFixed(0);
  rows.push([
    w.name, native.ms.toFixed(1), qemu ? qemu.ms.toFixed(1) : '-', off.ms.toFixed(1), on.ms.toFixed(1), rate(off), rate(on),
    String(off.syscalls), (off.ms / native.ms).toFixed(1) + 'x', (on.ms / native.ms).toFixed(1) + 'x',
    qemu ? (off.ms / qemu.ms).toFixed(1) + 'x' : '-', qemu ? (on.ms / qemu.ms).toFixed(1) + 'x' : '-',
    on.compileMs.toFixed(0), on.cacheKiB.toFixed(0),
    same ? 'same' : `DIFFERS: ${(off.out === native.out ? on.out : off.out).trim().slice(0, 60)}`,
  ]);
  console.error(`${w.name} done`);
}
server.stop();
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));

// The path walk alone (no guest, no syscall): stat of the same 12-deep path through the VFS, on a tmpfs
// and on a host directory, in microseconds per stat.
if (only.length === 0 || only.some((n) => n.startsWith('pathwalk'))) {
  const deep = '/' + Array.from({ length: 12 }, (_, i) => `d${String(i).padStart(2, '0')}`).join('/');
  const caller: FsCaller = {
    tid: 1, proc: { pid: 1, fs: { cwd: '/', umask: 0o022 }, creds: { uid: 0, gid: 0, euid: 0, egid: 0, groups: [0] }, files: { get: () => undefined } },
  };
  const perStat = (root: FsBackend): string => {
    const vfs = new Vfs({ root, host: createNodeHost() });
    const n = 20000;
    for (let i = 0; i < 1000; i++) vfs.stat(caller, -100, deep, 0);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) if (typeof vfs.stat(caller, -100, deep, 0) === 'number') throw new Error('stat failed');
    return (Number(process.hrtime.bigint() - t0) / n / 1000).toFixed(2);
  };
  const tmp = new Tmpfs();
  tmp.mkdirp(deep);
  const dir = mkdtempSync(join(tmpdir(), 'xos-bench-walk-'));
  mkdirSync(join(dir, deep), { recursive: true });
  try {
    console.log(`\nVFS path walk, stat of a 12-deep path: tmpfs ${perStat(tmp)} us, host directory ${perStat(new HostFs(dir))} us`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// hello, bash-true and python3-pass again, as whole `xos run` processes
const startup: StartupCase[] = workloads.filter((w) => w.name === 'hello' || w.name === 'bash-true' || w.name === 'python3-pass')
  .map((w) => ({ name: w.name, argv: w.argv ?? [build(w.name)], repeat: w.name === 'python3-pass' ? 3 : 10 }));
if (startup.length) benchStartup(root, startup);

if (only.length === 0 || only.includes('snapshot')) { await benchSnapshots(); await benchClones(); }
