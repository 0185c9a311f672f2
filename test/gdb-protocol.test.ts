// The gdb stub at the protocol level, through the API (Machine.debug): what gdb
// itself does not send. Bad input (garbage, bad checksums, oversized packets,
// malformed commands, registers and addresses out of range, random packets) gets a
// `-` or an `E NN` reply and never takes the host down; the process can still be
// run to its end afterwards. Writing into a read-only code page changes the
// debugged process only (another process running the same file is unaffected, as
// with ptrace's POKE). An interrupt (0x03) stops a running program with SIGINT;
// attaching to a running process stops it, detaching lets it go on.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { execFileSync } from 'node:child_process';
import { Machine, type GdbServer } from '../src/api/index.js';
import { buildC, skipReason } from './lib/build-c.js';
import { DEFAULT_ENV } from './lib/run.js';

// A minimal remote-protocol client: packets out, replies in (acks consumed).
class Client {
  private buf = '';
  private waiters: (() => void)[] = [];
  private constructor(private readonly s: Socket) {
    s.setEncoding('latin1');
    s.on('data', (d: string) => { this.buf += d; for (const w of this.waiters.splice(0)) w(); });
  }
  static open(port: number): Promise<Client> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new Client(s)));
      s.once('error', reject);
    });
  }
  raw(s: string): void { this.s.write(Buffer.from(s, 'latin1')); }
  send(payload: string): void {
    let sum = 0;
    for (const c of Buffer.from(payload, 'latin1')) sum = (sum + c) & 0xff;
    this.raw(`$${payload}#${sum.toString(16).padStart(2, '0')}`);
  }
  // The next thing the stub says: '+', '-' or a packet's payload.
  async next(timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = /^(\+|-|\$([^#]*)#([0-9a-f]{2}))/.exec(this.buf);
      if (m) {
        this.buf = this.buf.slice(m[0].length);
        if (m[2] === undefined) return m[1];
        let sum = 0;
        for (const c of Buffer.from(m[2], 'latin1')) sum = (sum + c) & 0xff;
        assert.equal(sum, parseInt(m[3], 16), `the stub's checksum of ${m[2]}`);
        this.raw('+');
        return m[2];
      }
      if (Date.now() > deadline) throw new Error(`no reply (have ${JSON.stringify(this.buf.slice(0, 80))})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }
  // A packet and its reply (the ack before it checked).
  async ask(payload: string): Promise<string> {
    this.send(payload);
    assert.equal(await this.next(), '+', `ack of ${payload.slice(0, 40)}`);
    return this.next();
  }
  close(): void { this.s.destroy(); }
}

const E = /^E[0-9a-f]{2}$/;

interface Stub { m: Machine; p: ReturnType<Machine['spawn']>; server: GdbServer; c: Client }
// A machine with argv spawned stopped for a debugger, its stub, and a client connected to it.
async function withStub(argv: string[], fn: (s: Stub) => Promise<void>): Promise<void> {
  const m = await Machine.create({ root: '/', env: { ...DEFAULT_ENV } });
  try {
    const p = m.spawn(argv, { debug: true });
    const server = await m.debug(p.pid, { port: 0 });
    const c = await Client.open(server.port);
    try {
      await fn({ m, p, server, c });
    } finally {
      c.close();
      await server.close();
    }
  } finally {
    m.close();
  }
}

describe('the gdb stub at the protocol level', { skip: skipReason('glibc') }, () => {
  let prog: string, loop: string;
  before(async () => {
    prog = await buildC('gdb-target', 'glibc', ['-g', '-O0']);
    loop = await buildC('loop', 'glibc');
  });
  const symbol = (file: string, name: string) => {
    const line = execFileSync('nm', [file], { encoding: 'utf8' }).split('\n').find((l) => l.endsWith(` ${name}`));
    assert.ok(line, `${name} in ${file}`);
    return parseInt(line.split(' ')[0], 16);
  };

  it('answers bad input with - or E NN, and the program still runs to its end', () => withStub([prog, 'regs'], async ({ p, server, c }) => {
    c.raw('garbage \x00\xff\x7f noise between packets ');
    assert.match(await c.ask('?'), /^T05thread:[0-9a-f]+;$/);
    c.raw('$?#00');
    assert.equal(await c.next(), '-', 'a wrong checksum');
    c.raw('$?#zz');
    assert.equal(await c.next(), '-', 'a checksum that is not hex');
    c.raw(`$${'a'.repeat(70000)}#00`);
    assert.equal(await c.next(), '-', 'an oversized packet');
    const bad: [string, RegExp][] = [
      ['p999', E], ['pzz', E], ['p', E], ['P999=00', E], ['P0=zz', E], ['P10=0011', E], ['G00', E], ['Gzz', E],
      ['m0,4', E], ['mffffffffffffffff,10', E], ['m10000000000000000000,1', E], ['m7fffffffffff,10', E], ['m,', E], ['m1', E],
      ['M0,2:0000', E], ['M0,2:zz', E], ['M0,3:00', E], ['X0,2:}', E], ['X0,1:ab', E], ['Z0,0,1', E],
      [`Z0,${symbol(prog, 'square').toString(16)},2`, E], ['Z0,zz,1', E], ['Z9,0,1', /^$/], ['Z1,0,1', /^$/],
      ['Z2,0,0', E], ['Z2,800000000000,4', E], ['Hgzz', E], ['Hg999', E], ['Hx1', E], ['T999', E], ['Tzz', E],
      ['vCont;x', E], ['vCont;C:1', E], ['vCont;s:zz', E], ['vCont', /^$/], ['C', E], ['Czz', E],
      ['qXfer:features:read:nope.xml:0,10', E], ['qXfer:features:read:target.xml:zz,10', E], ['qXfer:bogus:read::0,10', /^$/],
      ['qXfer:exec-file:read:999:0,10', E], ['qThreadExtraInfo,999', E],
      [`vFile:open:${Buffer.from('/nonexistent-xos').toString('hex')},0,0`, /^F-1,2$/],
      [`vFile:open:${Buffer.from('/tmp/x').toString('hex')},241,1a4`, /^F-1,d$/], ['vFile:open:zz,0,0', /^F-1,16$/],
      ['vFile:pread:99,10,0', /^F-1,9$/], ['vFile:close:99', /^F-1,9$/], ['vFile:fstat:zz', /^F-1,9$/], ['vFile:bogus:1', /^$/],
      ['D;999', E], ['no such packet', /^$/],
    ];
    for (const [packet, want] of bad) assert.match(await c.ask(packet), want, `reply to ${packet}`);
    // random packets: whatever the reply, one comes, and the host stays up (resumes and kills left out)
    let seed = 12345;
    const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
    for (let i = 0; i < 300; i++) {
      const len = rnd() % 40;
      let s = 'gGpPmMXZzHTqQv?'[rnd() % 15];
      for (let j = 0; j < len; j++) s += String.fromCharCode(0x20 + (rnd() % 95));
      s = s.replace(/[#$}*]/g, 'x');
      await c.ask(s);
    }
    assert.deepEqual(server.internalErrors, [], 'no packet met an exception');
    assert.match(await c.ask('qfThreadInfo'), /^m[0-9a-f]+$/);
    assert.match(await c.ask('g'), /^[0-9a-f]+$/);
    c.send('c');
    assert.equal(await c.next(), '+');
    assert.equal(await c.next(), 'W00', 'the program exited normally');
    assert.deepEqual(await p.wait(), { exitCode: 0, signal: null });
  }));

  it('writes into a read-only code page for the debugged process only', () => withStub([prog, 'regs'], async ({ m, p, c }) => {
    const at = symbol(prog, 'square').toString(16);
    const orig = await c.ask(`m${at},8`);
    assert.match(orig, /^[0-9a-f]{16}$/);
    assert.equal(await c.ask(`M${at},2:cccc`), 'OK');
    assert.equal(await c.ask(`m${at},8`), `cccc${orig.slice(4)}`);
    // another process running the same file, in the same machine, sees the file's bytes
    const other = await m.run([prog, 'regs']);
    assert.equal(other.exitCode, 0, 'a process sharing the file ran as usual');
    assert.equal(await c.ask(`X${at},2:${Buffer.from(orig.slice(0, 4), 'hex').toString('latin1').replace(/[#$}*]/g, (x) => `}${String.fromCharCode(x.charCodeAt(0) ^ 0x20)}`)}`), 'OK');
    assert.equal(await c.ask(`m${at},8`), orig);
    // a breakpoint's int3 is hidden from reads
    assert.equal(await c.ask(`Z0,${at},1`), 'OK');
    assert.equal(await c.ask(`m${at},8`), orig);
    assert.equal(await c.ask('vCont;c'), `T05thread:${p.pid.toString(16)};`);
    assert.match(await c.ask('p10'), new RegExp(`^${Buffer.from(parseInt(at, 16).toString(16).padStart(16, '0'), 'hex').reverse().toString('hex')}$`), 'rip at the breakpoint');
    assert.equal(await c.ask(`z0,${at},1`), 'OK');
    c.send('c');
    assert.equal(await c.next(), '+');
    assert.equal(await c.next(), 'W00');
  }));

  it('stops a running program on an interrupt (0x03), with SIGINT; kills it on vKill', () => withStub([loop], async ({ p, c }) => {
    c.send('vCont;c');
    assert.equal(await c.next(), '+');
    await new Promise((r) => setTimeout(r, 300));
    c.raw('\x03');
    assert.equal(await c.next(), `T02thread:${p.pid.toString(16)};`);
    assert.equal(await c.ask(`vKill;${p.pid.toString(16)}`), 'OK');
    assert.deepEqual(await p.wait(), { exitCode: null, signal: 9 });
  }));

  it('attaches to a running process (it stops) and detaches (it goes on)', async () => {
    const m = await Machine.create({ root: '/', env: { ...DEFAULT_ENV } });
    try {
      let out = '';
      const p = m.spawn([loop]);
      p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
      while (!out.includes('looping')) await new Promise((r) => setTimeout(r, 20));
      const server = await m.debug(p.pid, { port: 0 });
      const c = await Client.open(server.port);
      assert.equal(await c.ask('qAttached'), '1');
      assert.match(await c.ask('?'), /^T00thread:/);
      const rip1 = await c.ask('p10');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(await c.ask('p10'), rip1, 'stopped: RIP does not move');
      assert.equal(await c.ask('D'), 'OK');
      await server.close();
      p.kill('SIGTERM');
      assert.deepEqual(await p.wait(), { exitCode: null, signal: 15 }, 'it ran on and took the signal');
    } finally {
      m.close();
    }
  });
});
