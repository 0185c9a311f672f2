// Snapshots in `npm run bench` (issue 14): the size of a saved machine
// (compressed), the time to save it and the time until a restored one answers,
// for an idle shell, a python REPL and a python REPL holding a 100 MB list; and
// a python REPL ready from a snapshot against `python3 -c pass` started cold,
// natively and under xos; and N clones (and N restores of one snapshot) of a
// python REPL against N cold starts of one: time until each answers, and what
// each adds to this process's resident memory.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Machine, type MachineProcess } from '../src/api/index.js';
import { debianSkipReason, getDebianRoot } from '../test/lib/debian-root.js';
import { bigSource } from '../test/lib/big-source.js';

const PY = '/usr/bin/python3';
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

// Output of `p` until `done` says it has come.
function until(p: MachineProcess, done: (out: string, err: string) => boolean): Promise<void> {
  let out = '', err = '';
  return new Promise((resolve) => {
    const check = () => { if (done(out, err)) resolve(); };
    p.stdout.on('data', (d: Buffer) => { out += d; check(); });
    p.stderr.on('data', (d: Buffer) => { err += d; check(); });
  });
}

interface Case { name: string; argv: string[]; setup: string; ready: (out: string, err: string) => boolean; ask: string; answer: string }

const prompts = (n: number) => (_: string, err: string) => (err.match(/>>> /g)?.length ?? 0) >= n;
const CASES: Case[] = [
  { name: 'idle shell', argv: ['/bin/sh'], setup: 'echo ready\n', ready: (out) => out.includes('ready'), ask: 'echo $((6*7))\n', answer: '42' },
  ...existsSync(PY) ? [
    { name: 'python REPL', argv: [PY, '-i', '-q'], setup: 'x = 6 * 7\n', ready: prompts(2), ask: 'print(x)\n', answer: '42' },
    { name: 'python REPL, 100 MB list', argv: [PY, '-i', '-q'], setup: 'x = [0] * 12_500_000\n', ready: prompts(2), ask: 'print(len(x))\n', answer: '12500000' },
  ] : [],
];

export async function benchSnapshots(): Promise<void> {
  const rows = [['machine', 'snapshot MB', 'save ms', 'restore ms (until it answers)']];
  let pyReady = NaN;
  for (const c of CASES) {
    const m = await Machine.create({ env: { PATH: '/usr/bin:/bin', HOME: '/root', LC_ALL: 'C' } });
    const p = m.spawn(c.argv);
    const ready = until(p, c.ready);
    p.stdin.write(c.setup);
    await ready;
    let t0 = process.hrtime.bigint();
    const snap = await m.snapshot();
    const save = ms(t0);
    m.close();
    t0 = process.hrtime.bigint();
    const r = await Machine.restore(snap);
    const q = r.processes[0];
    const answered = until(q, (out) => out.includes(c.answer));
    q.stdin.write(c.ask);
    await answered;
    const restore = ms(t0);
    r.close();
    if (c.name === 'python REPL') pyReady = restore;
    rows.push([c.name, (snap.length / 2 ** 20).toFixed(1), save.toFixed(0), restore.toFixed(0)]);
    console.error(`snapshot: ${c.name} done`);
  }
  const gcc = await benchGcc();
  if (gcc) rows.push(gcc);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log('\nSnapshots');
  for (const r of rows) console.log(r.map((x, i) => x.padEnd(widths[i])).join('  '));
  if (!existsSync(PY)) return;
  // cold: a new process of python3 to its end, natively and in a machine already running
  let t0 = process.hrtime.bigint();
  execFileSync(PY, ['-c', 'pass']);
  const native = ms(t0);
  const m = await Machine.create({});
  t0 = process.hrtime.bigint();
  await m.run([PY, '-c', 'pass']);
  const xos = ms(t0);
  m.close();
  console.log(`python3 ready from a snapshot (restore, print(x)): ${pyReady.toFixed(0)} ms; python3 -c pass cold: native ${native.toFixed(0)} ms, xos ${xos.toFixed(0)} ms`);
}

const N = 4;
const rss = () => process.memoryUsage().rss;
const mib = (b: number) => (b / 2 ** 20).toFixed(0);
const PY_ENV = { PATH: '/usr/bin:/bin', HOME: '/root', LC_ALL: 'C' };

// A python REPL that has answered print(x); the time it took from `t0`.
async function answers(m: Machine, t0: bigint): Promise<number> {
  const q = m.processes[0];
  const done = until(q, (out) => out.includes('42'));
  q.stdin.write('print(x)\n');
  await done;
  return ms(t0);
}

export async function benchClones(): Promise<void> {
  if (!existsSync(PY)) return;
  const m = await Machine.create({ env: PY_ENV });
  const p = m.spawn([PY, '-i', '-q']);
  const ready = until(p, prompts(2));
  p.stdin.write('x = 6 * 7\n');
  await ready;
  const snap = await m.snapshot();
  const machines: Machine[] = [];
  const row = async (name: string, make: () => Promise<{ m: Machine; t: number }>) => {
    const before = rss();
    const times: number[] = [];
    for (let i = 0; i < N; i++) {
      const { m: x, t } = await make();
      machines.push(x);
      times.push(t);
    }
    return [name, times.map((t) => t.toFixed(0)).join(' '), mib((rss() - before) / N)];
  };
  const rows = [[`${N} python REPLs`, 'ms each until it answers', 'MiB of RSS each']];
  rows.push(await row('m.clone()', async () => {
    const t0 = process.hrtime.bigint();
    const c = await m.clone();
    return { m: c, t: await answers(c, t0) };
  }));
  rows.push(await row('Machine.restore(one blob)', async () => {
    const t0 = process.hrtime.bigint();
    const r = await Machine.restore(snap);
    return { m: r, t: await answers(r, t0) };
  }));
  rows.push(await row('cold: new machine, python3 -i', async () => {
    const t0 = process.hrtime.bigint();
    const x = await Machine.create({ env: PY_ENV });
    const q = x.spawn([PY, '-i', '-q']);
    const done = until(q, (out) => out.includes('42'));
    q.stdin.write('x = 6 * 7\nprint(x)\n');
    await done;
    return { m: x, t: ms(t0) };
  }));
  for (const x of machines) x.close();
  m.close();
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log('\nClones against cold starts');
  for (const r of rows) console.log(r.map((x, i) => x.padEnd(widths[i])).join('  '));
}

// The Debian root's gcc compiling ~3,000 lines, saved once cc1 has begun writing its assembly: the
// restore's time is until the compile has finished (the rest of its work included).
async function benchGcc(): Promise<string[] | undefined> {
  if (debianSkipReason()) return undefined;
  const root = (await getDebianRoot()).dir;
  const GCC = ['/usr/bin/gcc', '-O0', '-c', '/tmp/big.c', '-o', '/tmp/big.o'];
  const make = async () => {
    const m = await Machine.create({ root, env: { PATH: '/usr/bin:/bin', HOME: '/root', LC_ALL: 'C', TMPDIR: '/tmp' }, mounts: [{ guest: '/tmp', type: 'tmpfs' }] });
    m.fs.writeFile('/tmp/big.c', bigSource());
    return m;
  };
  const a = await make();
  let t0 = process.hrtime.bigint();
  await a.run(GCC);
  const whole = ms(t0);
  a.close();
  const b = await make();
  b.spawn(GCC);
  const started = () => b.fs.readdir('/tmp').some((n) => n.endsWith('.s') && Number(b.fs.stat(`/tmp/${n}`).size) > 0);
  while (!started()) await new Promise((r) => setTimeout(r, 20));
  t0 = process.hrtime.bigint();
  const snap = await b.snapshot();
  const save = ms(t0);
  b.close();
  t0 = process.hrtime.bigint();
  const r = await Machine.restore(snap);
  await r.processes[0].wait();
  const restore = ms(t0);
  r.close();
  console.error('snapshot: gcc done');
  return [`gcc -O0 -c, in cc1 (whole ${whole.toFixed(0)} ms)`, (snap.length / 2 ** 20).toFixed(1), save.toFixed(0), `${restore.toFixed(0)} (to the end of the compile)`];
}
