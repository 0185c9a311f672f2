// Whole-machine snapshots (issue 14): Debian's busybox shell saved in the
// middle of a loop, or of a pipeline with bytes in a pipe and sleeping
// processes, and restored (twice, as a clone, and in another node process)
// goes on to give what the same script gives natively without a pause;
// damaged blobs and a wrong image are refused with one line.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { getBusybox } from './lib/busybox.js';
import { buildC, skipReason } from './lib/build-c.js';
import { debianSkipReason, getDebianRoot } from './lib/debian-root.js';
import { apiModule, xosCli } from './lib/root.js';
import { Machine, SnapshotError, type MachineProcess } from '../src/api/index.js';

const execFileP = promisify(execFile);
// (with /dev/null open on fd 3 all along: a device the restoring machine has again)
const LOOP = 'exec 3>/dev/null; i=0; while [ $i -lt 200 ]; do i=$((i+1)); echo $i; echo $i >&3; sleep 0.01; done; echo end';
const PIPELINE = '(echo early; sleep 1; echo late) | (sleep 2; cat); echo done';

let bb: string;
before(async () => { bb = await getBusybox(); });

async function native(script: string): Promise<string> {
  return (await execFileP(bb, ['sh', '-c', script])).stdout;
}
function collect(p: MachineProcess): { text: () => string } {
  const chunks: Buffer[] = [];
  p.stdout.on('data', (d: Buffer) => chunks.push(d));
  return { text: () => Buffer.concat(chunks).toString() };
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Start `script`, let it run `ms`, save the machine: what it printed until then and the snapshot.
async function saved(script: string, ms: number): Promise<{ head: string; snap: Uint8Array }> {
  const m = await Machine.create();
  const p = m.spawn([bb, 'sh', '-c', script]);
  const out = collect(p);
  await pause(ms);
  const head = out.text(); // (snapshot() reads the machine before it first waits: nothing comes between)
  const snap = await m.snapshot();
  m.close();
  return { head, snap };
}
async function finish(m: Machine): Promise<string> {
  assert.equal(m.processes.length, 1, 'the restored machine has the process its embedder started');
  const p = m.processes[0];
  const out = collect(p);
  const st = await p.wait();
  await pause(20);
  m.close();
  assert.equal(st.exitCode, 0);
  return out.text();
}

// A program that prints "ready" and waits, saved then: its restored run prints what it prints natively.
async function savedAtReadyResumes(exe: string): Promise<void> {
  const want = (await execFileP(exe, [])).stdout;
    const m = await Machine.create();
    const p = m.spawn([exe]);
    const out = collect(p);
    while (!out.text().includes('ready\n')) await pause(20);
    await pause(300);
    const head = out.text();
    const snap = await m.snapshot();
    m.close();
    assert.equal(head, 'ready\n');
    assert.equal(head + await finish(await Machine.restore(snap)), want);
}

describe('snapshot and restore', () => {
  it('a shell in the middle of a loop goes on, in two restored copies and a clone', async () => {
    const want = await native(LOOP);
    const { head, snap } = await saved(LOOP, 600);
    assert.ok(head.length > 0 && head.length < want.length, `the loop was saved mid-way (${JSON.stringify(head.slice(-20))})`);
    const a = await Machine.restore(snap);
    const b = await Machine.restore(snap);
    const c = await a.clone();
    const [ta, tb, tc] = await Promise.all([finish(a), finish(b), finish(c)]);
    assert.equal(head + ta, want);
    assert.equal(head + tb, want);
    // the clone was taken a little later than the snapshot: its output ends the same way
    assert.ok(want.endsWith(tc) && tc.endsWith('200\nend\n'), tc.slice(0, 40));
  });

  it('a pipeline with bytes in its pipe and sleeping processes resumes', async () => {
    const want = await native(PIPELINE);
    const { head, snap } = await saved(PIPELINE, 400);
    assert.equal(head, '', 'nothing came out before the snapshot');
    assert.equal(await finish(await Machine.restore(snap)), want);
  });

  it('a pipe holding bytes, a sleeping child, a timerfd, a futex and a semaphore wait resume', { skip: skipReason('glibc') }, async () => {
    await savedAtReadyResumes(await buildC('snapshot-waits', 'glibc', ['-pthread']));
  });

  it('an O_ASYNC owner still gets its signal, and an open file still follows renames, after a restore', { skip: skipReason('glibc') }, async () => {
    await savedAtReadyResumes(await buildC('snapshot-owners', 'glibc'));
  });

  it('a python3 REPL on a terminal in the Debian root keeps its variables', { skip: debianSkipReason() }, async () => {
    const code = 'x = sum(i * i for i in range(1000)); y = "-".join(["snap"] * 3)';
    const want = (await execFileP('python3', ['-c', `${code}; print(x, y)`])).stdout.trim();
    const root = (await getDebianRoot()).dir;
    const m = await Machine.create({ root, env: { PATH: '/usr/bin:/bin', HOME: '/root', LC_ALL: 'C', TERM: 'dumb' } });
    const p = m.spawn(['/usr/bin/python3', '-q'], { tty: { cols: 100, rows: 30 } });
    const out = collect(p);
    p.stdin.write(`${code}\n`);
    while ((out.text().match(/>>> /g)?.length ?? 0) < 2) await pause(20);
    const snap = await m.snapshot();
    m.close();
    const r = await Machine.restore(snap);
    const q = r.processes[0];
    const after = collect(q);
    q.stdin.write('print(x, y)\n');
    while (!after.text().includes(want)) {
      if (after.text().includes('Error')) assert.fail(after.text());
      await pause(20);
    }
    q.stdin.write('exit()\n');
    assert.equal((await q.wait()).exitCode, 0);
    r.close();
  });

  it('sockets inside the machine keep their bytes: a unix socket pair, a loopback TCP connection, epoll', { skip: debianSkipReason() }, async () => {
    const root = (await getDebianRoot()).dir;
    const m = await Machine.create({ root, env: { PATH: '/usr/bin:/bin', HOME: '/root', LC_ALL: 'C' } });
    const p = m.spawn(['/usr/bin/python3', '-i', '-q']);
    let prompts = 0;
    p.stderr.on('data', (d: Buffer) => { prompts += d.toString().split('>>> ').length - 1; });
    const setup = ['import socket, os, select', 'a, b = socket.socketpair()', 'a.send(b"unix bytes")',
      'l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()', 'c = socket.create_connection(l.getsockname()); s, _ = l.accept()',
      'c.send(b"tcp bytes")', 'e = select.epoll(); e.register(b.fileno(), select.EPOLLIN)', 'r, w = os.pipe(); os.write(w, b"pipe")'];
    p.stdin.write(setup.join('\n') + '\n');
    while (prompts < setup.length + 1) await pause(20);
    const snap = await m.snapshot();
    m.close();
    const r = await Machine.restore(snap);
    const q = r.processes[0];
    const out = collect(q);
    q.stdin.write('print(e.poll(1) == [(b.fileno(), select.EPOLLIN)], b.recv(100), s.recv(100), os.read(r, 10))\n');
    q.stdin.write('s.send(b"back"); print(c.recv(10))\nexit()\n');
    assert.equal((await q.wait()).exitCode, 0);
    await pause(20);
    r.close();
    assert.equal(out.text(), "True b'unix bytes' b'tcp bytes' b'pipe'\n4\nb'back'\n");
  });

  it('restores in another node process', async () => {
    const want = await native(LOOP);
    const { head, snap } = await saved(LOOP, 500);
    const dir = mkdtempSync(join(tmpdir(), 'xos-snap-'));
    try {
      const file = join(dir, 'm.snap');
      writeFileSync(file, snap);
      const script = `import { readFileSync } from 'node:fs';
        const { Machine } = await import(${JSON.stringify(pathToFileURL(apiModule).href)});
        const m = await Machine.restore(readFileSync(${JSON.stringify(file)}));
        const p = m.processes[0];
        p.stdout.pipe(process.stdout);
        const st = await p.wait();
        setTimeout(() => { m.close(); process.exitCode = st.exitCode; }, 20);`;
      const r = await execFileP(process.execPath, ['--input-type=module', '-e', script], { maxBuffer: 1 << 20 });
      assert.equal(head + r.stdout, want);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('xos run --save-on-exit saves the machine when xos is stopped; xos resume continues it', async () => {
    const want = await native(LOOP);
    const dir = mkdtempSync(join(tmpdir(), 'xos-snap-'));
    try {
      const file = join(dir, 'm.snap');
      const run = execFileP(process.execPath, [xosCli, 'run', '--save-on-exit', file, bb, 'sh', '-c', LOOP], { maxBuffer: 1 << 20 });
      const child = run.child;
      let head = '';
      child.stdout!.on('data', (d: Buffer) => { head += d; });
      while (head.split('\n').length < 20) await pause(20);
      child.kill('SIGTERM');
      const r = await run;
      assert.match(r.stderr, /saved the machine to .*m\.snap/);
      assert.ok(head.length < want.length, 'stopped mid-way');
      const resumed = await execFileP(process.execPath, [xosCli, 'resume', file], { maxBuffer: 1 << 20 });
      assert.equal(head + resumed.stdout, want);
      await assert.rejects(execFileP(process.execPath, [xosCli, 'resume', join(dir, 'nothing')]), (e: { code: number; stderr: string }) => e.code === 1 && /ENOENT/.test(e.stderr));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses damaged blobs and a wrong image with one line', async () => {
    const { snap } = await saved('sleep 10', 100);
    const refuse = async (bytes: Uint8Array, re: RegExp, o: { image?: Uint8Array } = {}) => {
      await assert.rejects(Machine.restore(bytes, o), (e: Error) => e instanceof SnapshotError && re.test(e.message) && !e.message.includes('\n'));
    };
    const random = new Uint8Array(5000);
    for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
    await refuse(random, /not an xos snapshot/);
    await refuse(snap.subarray(0, snap.length >> 1), /truncated/);
    const flipped = snap.slice();
    flipped[flipped.length >> 1] ^= 4;
    await refuse(flipped, /checksum/);
    const other = snap.slice();
    new DataView(other.buffer).setUint32(8, 99, true);
    await refuse(other, /version/);
    await refuse(snap, /not taken on an image/, { image: new Uint8Array(10) });
    // and the good one still restores
    const m = await Machine.restore(snap);
    m.processes[0].kill('SIGKILL');
    assert.equal((await m.processes[0].wait()).signal, 9);
    m.close();
  });
});
