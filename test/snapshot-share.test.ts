// And host sockets, which cannot travel: a connection to a server outside reads
// as reset after a restore (as natively when the server resets it), also one
// made through a Wisp relay, and a --net host listener listens on its port again.
//
// Machines restored from one snapshot, and clones of one machine, share the
// memory none of them has touched (issue 14, instant clones): a program holding
// 96 MiB of distinct pages is saved; three more restores of the blob and three
// clones each add far less than its memory to this process's resident size;
// and every copy, touching its pages (reads, a fork whose child writes half of
// them, mprotect, writes), gives the same sums as the program natively.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { buildC, skipReason } from './lib/build-c.js';
import { xosCli } from './lib/root.js';
import { Machine, type MachineProcess } from '../src/api/index.js';

const execFileP = promisify(execFile);
const MB = 96;
const COMMANDS = 'sum\nfork\nprotect\nwrite\nsum\n';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rss = () => process.memoryUsage().rss;

function collect(p: MachineProcess): { text: () => string } {
  let s = '';
  p.stdout.on('data', (d: Buffer) => { s += d; });
  return { text: () => s };
}
async function lines(out: { text: () => string }, n: number): Promise<string> {
  while (out.text().split('\n').length <= n) await pause(20);
  return out.text();
}

describe('snapshot sharing', { skip: skipReason('glibc') }, () => {
  let exe: string;
  let want: string;
  before(async () => {
    exe = await buildC('snapshot-memory', 'glibc');
    const run = execFileP(exe, [String(MB)]);
    run.child.stdin!.end(COMMANDS);
    want = (await run).stdout.replace(/^ready\n/, '');
  });

  it('restores of one blob and clones of one machine share untouched pages, and each reads them right', async () => {
    const m = await Machine.create();
    const all: Machine[] = [m];
    try {
      const p = m.spawn([exe, String(MB)]);
      await lines(collect(p), 1);
      const snap = await m.snapshot();
      const restored = [await Machine.restore(snap)];
      all.push(restored[0]);
      await pause(100);
      let before = rss();
      for (let i = 0; i < 3; i++) all.push(restored[restored.push(await Machine.restore(snap)) - 1]);
      await pause(100);
      const byRestores = rss() - before;
      const clones = [await m.clone()];
      all.push(clones[0]);
      before = rss();
      for (let i = 0; i < 3; i++) all.push(clones[clones.push(await m.clone()) - 1]);
      await pause(100);
      const byClones = rss() - before;
      // (each would add MB MiB if it copied its memory in)
      assert.ok(byRestores < MB * 2 ** 20 / 2, `three restores took ${byRestores >> 20} MiB`);
      assert.ok(byClones < MB * 2 ** 20 / 2, `three clones took ${byClones >> 20} MiB`);
      for (const r of [...restored, ...clones]) {
        const q = r.processes[0];
        const out = collect(q);
        q.stdin.write(COMMANDS);
        assert.equal(await lines(out, 6), want);
        q.stdin.end();
        assert.equal((await q.wait()).exitCode, 0);
      }
    } finally {
      for (const x of all) x.close();
    }
  });

  it('a snapshot of a restored machine keeps the pages it has not loaded yet', async () => {
    const m = await Machine.create();
    const p = m.spawn([exe, '8']);
    await lines(collect(p), 1);
    const snap = await m.snapshot();
    m.close();
    const run = execFileP(exe, ['8']);
    run.child.stdin!.end(COMMANDS);
    const want8 = (await run).stdout.replace(/^ready\n/, '');
    const r = await Machine.restore(snap);
    const all = [r];
    try {
      all.push(await Machine.restore(await r.snapshot()), await r.clone());
      for (const x of all.slice(1)) {
        const q = x.processes[0];
        const out = collect(q);
        q.stdin.write(COMMANDS);
        assert.equal(await lines(out, 6), want8);
      }
    } finally {
      for (const x of all) x.close();
    }
  });
});

// Connect to 127.0.0.1:port (again until something listens there), send `text`.
async function sendTo(port: number, text: string): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection({ host: '127.0.0.1', port }, () => { c.end(text); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await pause(50);
  }
}

// snapshot-hostsock run natively, its server resetting the connection where the machine is saved;
// with `lport`, something is sent to its own listener once it has printed its counter.
async function nativeWithReset(exe: string, args: string[], conns: Socket[], lport?: number): Promise<string> {
  const nat = spawn(exe, args);
  let want = '';
  nat.stdout.on('data', (d: Buffer) => { want += d; });
  while (!want.includes('ready\n')) await pause(20);
  conns[0].resetAndDestroy();
  await pause(200);
  nat.stdin.write('go\n');
  if (lport !== undefined) {
    while (!want.includes('counter')) await pause(20);
    await sendTo(lport, 'ping');
  }
  await new Promise((r) => nat.on('close', r));
  assert.match(want, /recv: ECONNRESET\nrecv again: 0\nsend: EPIPE\n/, 'natively');
  return want;
}

describe('host sockets in a snapshot', { skip: skipReason('glibc') }, () => {
  it('a connection to a host server reads as reset after a restore; a --net host listener listens again', { timeout: 120_000 }, async () => {
    const exe = await buildC('snapshot-hostsock', 'glibc');
    const conns: Socket[] = [];
    const server = createServer((s) => { conns.push(s); s.on('error', () => {}); s.write('hello'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const free = createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const lport = (free.address() as AddressInfo).port;
    await new Promise((r) => free.close(r));
    const args = [String((server.address() as AddressInfo).port), String(lport)];
    try {
      const want = await nativeWithReset(exe, args, conns, lport);

      const m = await Machine.create({ net: 'host' });
      const p = m.spawn([exe, ...args]);
      const head = collect(p);
      while (!head.text().includes('ready\n')) await pause(20);
      const snap = await m.snapshot();
      m.close();
      const r = await Machine.restore(snap);
      try {
        const q = r.processes[0];
        const out = collect(q);
        q.stdin.write('go\n');
        while (!out.text().includes('counter')) await pause(20);
        await sendTo(lport, 'ping');
        assert.equal((await q.wait()).exitCode, 0);
        await pause(20);
        assert.equal(head.text() + out.text(), want);
      } finally {
        r.close();
      }
    } finally {
      for (const c of conns) c.destroy();
      server.close();
    }
  });
  it('a connection made through a relay reads as reset after a restore', { timeout: 120_000 }, async () => {
    const exe = await buildC('snapshot-hostsock', 'glibc');
    const conns: Socket[] = [];
    const server = createServer((s) => { conns.push(s); s.on('error', () => {}); s.write('hello'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = String((server.address() as AddressInfo).port);
    let relay: ChildProcess | undefined;
    try {
      const want = await nativeWithReset(exe, [port, '0'], conns);

      relay = spawn(process.execPath, [xosCli, 'relay', '--port', '0', '--allow', '127.0.0.1/32'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        relay!.stdout!.on('data', (b: Buffer) => { out += b; const m = /listening on (ws:\/\/\S+)/.exec(out); if (m) resolve(m[1]); });
        relay!.once('exit', (code) => reject(new Error(`xos relay exited (${code}): ${out}`)));
      });
      // the guest reaches the host's loopback as 10.0.2.2 (host.xos.internal)
      const m = await Machine.create({ relay: url });
      const p = m.spawn([exe, port, '0', '10.0.2.2']);
      const head = collect(p);
      while (!head.text().includes('ready\n')) await pause(20);
      const snap = await m.snapshot();
      m.close();
      const r = await Machine.restore(snap);
      try {
        const q = r.processes[0];
        const out = collect(q);
        q.stdin.write('go\n');
        assert.equal((await q.wait()).exitCode, 0);
        await pause(20);
        assert.equal(head.text() + out.text(), want);
      } finally {
        r.close();
      }
    } finally {
      relay?.kill('SIGTERM');
      for (const c of conns) c.destroy();
      server.close();
    }
  });
});
