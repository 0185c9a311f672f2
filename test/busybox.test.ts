// Debian's busybox-static: applets that need no fork, each run natively and
// under xos with the same arguments and stdin.
import { before, describe, it } from 'node:test';
import { getBusybox } from './lib/busybox.js';
import { assertSameRun, runBoth } from './lib/run.js';

// Deterministic input data (a fixed-seed xorshift, so every run sees the same bytes).
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu', 'Nu', 'XI', 'omicron', 'pi'];

function textLines(n: number, seed: number): string {
  const r = rng(seed);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = 1 + (r() % 8);
    const ws: string[] = [];
    for (let j = 0; j < k; j++) ws.push(WORDS[r() % WORDS.length]);
    lines.push(ws.join(' '));
  }
  return lines.join('\n') + '\n';
}

function csv(n: number, seed: number): string {
  const r = rng(seed);
  let s = 'id,name,qty,price\n';
  for (let i = 0; i < n; i++) s += `${i + 1},${WORDS[r() % WORDS.length]},${r() % 1000},${(r() % 100000) / 100}\n`;
  return s;
}

function numbers(n: number, seed: number): string {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(String((r() % 2000001) - 1000000));
  return out.join('\n') + '\n';
}

function binary(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = r() & 0xff;
  return b;
}

interface Case {
  name: string;
  args: string[];
  stdin?: string | Uint8Array;
}

const TEXT = textLines(2000, 1);
const CSV = csv(500, 2);
const NUMS = numbers(3000, 3);
const BIN = binary(100_000, 4);

const CASES: Case[] = [
  { name: 'echo', args: ['echo', 'hello', 'world', '-', 'x  y'] },
  { name: 'echo -n -e', args: ['echo', '-n', '-e', 'tab\\there\\nnew line\\x41\\0101'] },
  { name: 'uname -m', args: ['uname', '-m'] },
  { name: 'expr arithmetic', args: ['expr', '(', '123456789', '*', '1000', ')', '%', '97', '+', '-5'] },
  { name: 'expr match', args: ['expr', 'hello-world.c', ':', '\\(.*\\)\\.c'] },
  { name: 'expr false', args: ['expr', '3', '<', '2'] },
  { name: 'seq', args: ['seq', '1', '3', '1000'] },
  { name: 'seq -w -s', args: ['seq', '-w', '-s', ',', '-5', '7', '100'] },
  { name: 'sort', args: ['sort'], stdin: TEXT },
  { name: 'sort -n -r -u', args: ['sort', '-n', '-r', '-u'], stdin: NUMS },
  { name: 'sort -t, -k3n', args: ['sort', '-t', ',', '-k', '3,3n', '-k', '1,1n'], stdin: CSV },
  { name: 'md5sum', args: ['md5sum'], stdin: BIN },
  { name: 'sha256sum', args: ['sha256sum'], stdin: BIN },
  { name: 'sha256sum text', args: ['sha256sum'], stdin: TEXT },
  { name: 'tr upper', args: ['tr', 'a-z', 'A-Z'], stdin: TEXT },
  { name: 'tr -d -s', args: ['tr', '-s', ' ', '-d', 'aeiou'], stdin: TEXT },
  { name: 'sed', args: ['sed', '-e', 's/\\(a[a-z]*\\) \\([a-z]*\\)/\\2 \\1/g', '-e', '/theta/d', '-e', '5~7p'], stdin: TEXT },
  { name: 'sed -n range', args: ['sed', '-n', '/^[0-9]*,kappa/,+2{s/,/;/gp}'], stdin: CSV },
  {
    name: 'awk',
    args: ['awk', '-F,', 'NR>1 { q[$2] += $3; s += $4 * $3 } END { for (k in q) n++; printf "%d names %.2f total %d\\n", n, s, q["pi"] }'],
    stdin: CSV,
  },
  { name: 'awk fields', args: ['awk', '{ n += NF; if (length($0) > m) m = length($0) } NR % 500 == 0 { print NR, $1, $NF } END { print n, m }'], stdin: TEXT },
  { name: 'awk math', args: ['awk', 'BEGIN { for (i = 1; i <= 20; i++) printf "%d %.6f %.3e %d\\n", i, sqrt(i), exp(i), int(2 ^ i / 3) }'] },
  { name: 'cut', args: ['cut', '-d', ',', '-f', '2,4'], stdin: CSV },
  { name: 'cut -c', args: ['cut', '-c', '3-9,15-'], stdin: TEXT },
  { name: 'wc', args: ['wc'], stdin: TEXT },
  { name: 'wc -l -c binary', args: ['wc', '-l', '-c'], stdin: BIN },
  { name: 'basename', args: ['basename', '/usr/local/lib/libthing.so.1', '.1'] },
  { name: 'printf', args: ['printf', '%s|%5d|%-6x|%o|%c|%.3f|%e|%%\\n', 'str', '42', '255', '8', 'Zed', '3.14159', '12345.678'] },
  { name: 'head', args: ['head', '-n', '17'], stdin: TEXT },
  { name: 'head -c', args: ['head', '-c', '1000'], stdin: BIN },
  { name: 'tail', args: ['tail', '-n', '23'], stdin: TEXT },
  { name: 'tail -c', args: ['tail', '-c', '+99000'], stdin: BIN },
  { name: 'od', args: ['od', '-A', 'x', '-t', 'x1z', '-N', '512'], stdin: BIN },
  { name: 'od -c', args: ['od', '-c'], stdin: 'tabs\tand\nnewlines\r\n\x01\x7f end' },
];

describe('busybox-static applets', { concurrency: 2 }, () => {
  let busybox = '';
  before(async () => {
    busybox = await getBusybox();
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const { native, xos } = await runBoth([busybox, ...c.args], { stdin: c.stdin });
      assertSameRun(native, xos, `busybox ${c.name}`);
    });
  }
});
