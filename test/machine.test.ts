// One long-lived machine: spawn() with Node streams and a terminal, several
// processes at once, two machines in one process that share nothing, and a
// machine whose guests were killed leaving nothing on the host's event loop.
// (These have no native counterpart: they check the API against what Linux
// and child_process promise.)
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { buildC, skipReason } from './lib/build-c.js';
import { getBusybox } from './lib/busybox.js';
import { apiModule, guestRoot } from './lib/root.js';
import { DEFAULT_ENV } from './lib/run.js';

const execFileP = promisify(execFile);

interface ProcessApi {
  pid: number;
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  kill(sig?: number | string): void;
  wait(): Promise<{ exitCode: number | null; signal: number | null }>;
  resize(cols: number, rows: number): void;
}
interface MachineApi {
  run(argv: string[], opts?: { stdin?: string; timeout?: number }): Promise<{ exitCode: number | null; signal: number | null; stdoutText: string }>;
  spawn(argv: string[], opts?: { tty?: { cols: number; rows: number }; env?: Record<string, string> }): ProcessApi;
  close(): void;
}
interface MachineClass { create(opts?: { root?: string; env?: Record<string, string>; memory?: string }): Promise<MachineApi> }

let Machine: MachineClass;
async function machine(memory?: string): Promise<MachineApi> {
  Machine ??= ((await import(pathToFileURL(apiModule).href)) as { Machine: MachineClass }).Machine;
  return Machine.create({ root: guestRoot, env: { ...DEFAULT_ENV }, ...(memory ? { memory } : {}) });
}

// Everything a stream gives until `done` says it has what it waits for (or the stream ends).
function collect(s: Readable, done: (text: string) => boolean = () => false): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const finish = () => { s.off('data', onData); resolve(text); };
    const onData = (b: Buffer) => { text += b.toString('latin1'); if (done(text)) finish(); };
    s.on('data', onData);
    s.once('end', finish);
  });
}

describe('one long-lived machine', { concurrency: 1 }, () => {
  let busybox = '';
  before(async () => { busybox = await getBusybox(); });

  it('spawn: stdio as streams, the exit code from wait()', async () => {
    const m = await machine();
    try {
      const p = m.spawn([busybox, 'tr', 'a-z', 'A-Z']);
      assert.equal(typeof p.pid, 'number');
      const out = collect(p.stdout);
      p.stdin.write('hello ');
      p.stdin.end('streams\n');
      assert.deepEqual(await p.wait(), { exitCode: 0, signal: null });
      assert.equal(await out, 'HELLO STREAMS\n');
    } finally {
      m.close();
    }
  });

  it('two processes at once share the file system: a FIFO between them', async () => {
    const m = await machine();
    try {
      const fifo = `/tmp/xos-machine-fifo-${process.pid}`;
      const r0 = await m.run([busybox, 'sh', '-c', `rm -f ${fifo}; mkfifo ${fifo}`]);
      assert.equal(r0.exitCode, 0);
      const reader = m.spawn([busybox, 'sh', '-c', `cat ${fifo}; rm -f ${fifo}`]);
      const text = collect(reader.stdout);
      const writer = m.spawn([busybox, 'sh', '-c', `echo through the fifo > ${fifo}`]);
      assert.deepEqual(await writer.wait(), { exitCode: 0, signal: null });
      assert.deepEqual(await reader.wait(), { exitCode: 0, signal: null });
      assert.equal(await text, 'through the fifo\n');
    } finally {
      m.close();
    }
  });

  it('spawn with a tty: a terminal of that size, resize() sends SIGWINCH, ^C reaches the foreground', async () => {
    const m = await machine();
    try {
      const p = m.spawn([busybox, 'sh'], { tty: { cols: 91, rows: 33 }, env: { ...DEFAULT_ENV, PS1: '$ ' } });
      let seen = '';
      p.stdout.on('data', (b: Buffer) => { seen += b.toString('latin1'); });
      const until = async (re: RegExp) => {
        for (let i = 0; i < 600 && !re.test(seen); i++) await new Promise((r) => setTimeout(r, 50));
        assert.match(seen, re);
      };
      p.stdin.write("trap 'echo winch' WINCH; [ -t 0 ] && echo is-a-tty; stty size\n");
      await until(/is-a-tty[\s\S]*33 91/);
      p.resize(120, 40);
      p.stdin.write('stty size\n');
      await until(/40 120/);
      await until(/winch/);
      p.stdin.write(`${busybox} sleep 100\n`);
      await new Promise((r) => setTimeout(r, 500));
      p.stdin.write('\x03'); // ^C: the sleep dies, the shell lives
      p.stdin.write('echo after-interrupt\n');
      await until(/after-interrupt\r?\n/);
      p.stdin.write('exit 3\n');
      assert.deepEqual(await p.wait(), { exitCode: 3, signal: null });
    } finally {
      m.close();
    }
  });

  it('two machines at once share nothing: pids, inode numbers, IPC keys', { skip: skipReason('glibc') }, async () => {
    const exe = await buildC('machine-ids', 'glibc');
    const [a, b] = [await machine(), await machine()];
    try {
      const pa = a.spawn([exe, '23456']), pb = b.spawn([exe, '23456']);
      const ready = (s: string) => s.includes('queue made');
      const [ta, tb] = await Promise.all([collect(pa.stdout, ready), collect(pb.stdout, ready)]);
      // both alive now, each with its queue made: neither saw the other's
      assert.match(ta, /queue before: ENOENT\nqueue made: yes/);
      assert.equal(tb, ta);
      assert.match(ta, /^pid 1\n/);
      pa.stdin.end('\n');
      pb.stdin.end('\n');
      assert.deepEqual([await pa.wait(), await pb.wait()], [{ exitCode: 0, signal: null }, { exitCode: 0, signal: null }]);
    } finally {
      a.close();
      b.close();
    }
  });

  it('guests killed by a timeout leave nothing on the event loop: the embedding process exits', async () => {
    // A separate Node process: it must end by itself once run() has returned, long before the
    // guest's sleep would have. It reports what it still had on its event loop then.
    const script = `
      const { Machine } = await import(${JSON.stringify(pathToFileURL(apiModule).href)});
      const m = await Machine.create({ root: ${JSON.stringify(guestRoot)} });
      const r = await m.run([${JSON.stringify(busybox)}, 'sleep', '1000'], { timeout: 500 });
      const p = m.spawn([${JSON.stringify(busybox)}, 'sleep', '1000']);
      p.kill(9);
      await p.wait();
      setImmediate(() => console.log(JSON.stringify({ signal: r.signal, left: process.getActiveResourcesInfo() })));
    `;
    const { stdout } = await execFileP(process.execPath, ['--input-type=module', '-e', script], { timeout: 120_000 });
    const { signal, left } = JSON.parse(stdout) as { signal: number; left: string[] };
    assert.equal(signal, 9);
    assert.deepEqual(left.filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap' && r !== 'FSReqCallback'), [],
      `still on the event loop after the guests ended: ${left.join(', ')}`);
  });

  it('free, sysinfo and /proc/meminfo report the machine\'s memory: its size, and what is in use', async () => {
    const m = await machine('256M');
    try {
      const r = await m.run([busybox, 'sh', '-c', 'free; grep -E "^(MemTotal|MemFree):" /proc/meminfo']);
      assert.equal(r.exitCode, 0);
      const row = /^Mem:\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(r.stdoutText);
      assert.ok(row, r.stdoutText);
      const [total, used, free] = row.slice(1).map(Number);
      assert.equal(total, 256 * 1024, r.stdoutText); // kB, from sysinfo(2)
      assert.ok(used > 0 && used < total && free > 0, r.stdoutText);
      assert.equal(used + free, total, r.stdoutText);
      assert.match(r.stdoutText, /^MemTotal:\s+262144 kB$/m);
      const memFree = Number(/^MemFree:\s+(\d+) kB$/m.exec(r.stdoutText)?.[1]);
      assert.ok(memFree > 0 && memFree < total, r.stdoutText);
    } finally {
      m.close();
    }
  });
});
