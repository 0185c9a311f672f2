// Start-up as a user sees it (issue 13): `xos run PROGRAM` as a whole process, from `node` starting
// to its exit, against `node -e 0` (what Node itself costs) and the program run natively. Wall time
// is the median of the runs; CPU time (user + system, from the kernel's count of reaped children,
// /proc/self/stat) is the mean: on a loaded machine it moves less than wall time. A first run of
// each command, not counted, leaves the code cache (~/.cache/xos/js) as a user has it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StartupCase { name: string; argv: string[]; repeat: number }

// User + system time of the children reaped so far, in ms (fields 16 and 17 of /proc/self/stat, in
// clock ticks of 10 ms).
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
}

function measure(cmd: string[], repeat: number, expect?: string): { wall: number; cpu: number; out: string } {
  const walls: number[] = [];
  let out = '';
  spawnSync(cmd[0], cmd.slice(1));
  const c0 = childrenCpuMs();
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
    walls.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (${r.status}): ${r.stderr}`);
    out = r.stdout;
  }
  if (expect !== undefined && out !== expect) throw new Error(`${cmd.join(' ')}: output ${JSON.stringify(out)}, natively ${JSON.stringify(expect)}`);
  walls.sort((a, b) => a - b);
  return { wall: walls[walls.length >> 1], cpu: (childrenCpuMs() - c0) / repeat, out };
}

export function benchStartup(root: string, cases: StartupCase[]): void {
  const xos = [process.execPath, join(root, 'bin', 'xos.js'), 'run'];
  const node = measure([process.execPath, '-e', '0'], 10);
  const rows = [['start-up', 'native ms', 'xos wall ms', 'xos cpu ms', 'jit on wall ms', 'over node -e 0 (wall)', 'over node -e 0 (cpu)']];
  rows.push(['node -e 0', '-', node.wall.toFixed(0), node.cpu.toFixed(0), '-', '-', '-']);
  for (const c of cases) {
    const native = measure(c.argv, c.repeat);
    const off = measure([...xos, '--jit=off', ...c.argv], c.repeat, native.out);
    const on = measure([...xos, '--jit=on', ...c.argv], c.repeat, native.out);
    rows.push([c.name, native.wall.toFixed(1), off.wall.toFixed(0), off.cpu.toFixed(0), on.wall.toFixed(0),
      (off.wall - node.wall).toFixed(0), (off.cpu - node.cpu).toFixed(0)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log('\nStart-up, whole processes (`xos run PROGRAM`; median wall, mean cpu):');
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
}
