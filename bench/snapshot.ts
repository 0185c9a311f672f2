// Snapshots in `npm run bench` (issue 14): the size of a saved machine
// (compressed), the time to save it and the time until a restored one answers,
// for an idle shell, a python REPL and a python REPL holding a 100 MB list; and
// a python REPL ready from a snapshot against `python3 -c pass` started cold,
// natively and under xos.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Machine, type MachineProcess } from '../src/api/index.js';

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
