// A GDB remote stub (the "Remote Protocol" appendix of GDB's manual) for one
// debugged process: all-stop mode, registers (gdb-target.ts), memory, software
// breakpoints and watchpoints, single steps and continues per thread (vCont),
// signals held and passed on (C/S), the thread list, the auxiliary vector, the
// program's path, its libraries and files (gdb-files.ts). Transport-neutral: bytes
// come in by receive() and go out through `send`; host/node/gdb-server.ts puts it
// on a TCP port. Bad input gets an `E NN` reply or a `-`, never an exception.
import type { Kernel } from '../kernel/kernel.js';
import type { Task } from '../kernel/task.js';
import type { Tracee, StopEvent, ResumeAction } from '../kernel/debug.js';
import { WATCH_READ, WATCH_WRITE } from '../core/core.js';
import { PacketReader, frame, fromHex, hexNum, toHex, unescapeBinary, escapeBinary, fromLatin1, MAX_PACKET } from './gdb-packets.js';
import { REGS, readReg, writeReg, regSize, targetXml } from './gdb-target.js';
import { HostFiles, librariesSvr4, threadsXml } from './gdb-files.js';
import { gdbSignal, linuxSignal } from './gdb-signals.js';
import { siginfoBytes, parseSiginfo } from '../kernel/signal.js';

const SIGINT = 2, SIGTRAP = 5;
const PACKET_SIZE = 0x3fff; // what qSupported announces (the payload a reply or request may have)
const MAX_MEM = 0x1800; // bytes a memory read returns at most (hex doubles it)

// Protocol errors: E01 malformed, E0E (EFAULT) memory, E16 (EINVAL) no such register or
// breakpoint kind, E03 (ESRCH) no such thread, E22 resource (table full).
const E_BAD = 'E01', E_FAULT = 'E0e', E_INVAL = 'E16', E_NOTHREAD = 'E03', E_FULL = 'E1c';

export interface GdbStubOptions {
  kernel: Kernel;
  tracee: Tracee;
  send(bytes: Uint8Array): void;
  // The debugger is done with the connection (detach, kill): the transport may close it.
  end(): void;
  // The process was started for the debugger (qAttached 0: gdb kills it on quit) rather than attached to.
  spawned?: boolean;
}

export class GdbStub {
  private readonly reader = new PacketReader();
  private ackMode = true;
  private lastSent?: Uint8Array;
  private waiting = false; // gdb resumed the process and waits for a stop reply
  private gThread = 0; // Hg: registers and the like
  private cThread = -1; // Hc: the thread legacy c/s act on (-1 all, 0 any)
  private multiprocess = false;
  private features = new Set<string>();
  private threadCursor: number[] = [];
  private readonly files: HostFiles;
  private closed = false;
  readonly refused: string[] = []; // damaged packets, for diagnostics
  readonly internalErrors: string[] = []; // exceptions of ours a packet met (answered E01)

  constructor(private readonly o: GdbStubOptions) {
    const tr = o.tracee;
    this.gThread = tr.last.tid;
    this.files = new HostFiles(o.kernel.vfs, () => tr.thread(this.gThread) ?? tr.threads[0]);
    tr.onStop = (ev) => this.stopped(ev);
  }

  private get tr(): Tracee { return this.o.tracee; }

  // Bytes from gdb.
  receive(data: Uint8Array): void {
    if (this.closed) return;
    for (const ev of this.reader.feed(data)) {
      switch (ev.kind) {
        case 'interrupt':
          if (this.waiting) this.tr.interrupt(SIGINT);
          break;
        case 'nack':
          if (this.lastSent && this.ackMode) this.o.send(this.lastSent);
          break;
        case 'ack': break;
        case 'bad':
          this.refused.push(ev.why);
          if (this.ackMode) this.o.send(fromLatin1('-'));
          break;
        case 'packet': {
          if (this.ackMode) this.o.send(fromLatin1('+'));
          let reply: string | undefined;
          try {
            reply = this.handle(ev.payload);
          } catch (e) {
            // a bug of ours must not take the host down: gdb gets an error
            this.internalErrors.push(`${ev.payload.slice(0, 40)}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
            reply = E_BAD;
          }
          if (reply !== undefined) this.reply(reply);
          if (this.closed) return;
        }
      }
    }
  }

  // The connection is gone: the process goes on without a debugger (unless it was killed).
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.files.closeAll();
    this.tr.onStop = undefined;
    if (!this.tr.exited) this.tr.detach();
  }

  private reply(payload: string): void {
    const f = frame(payload);
    this.lastSent = f;
    this.o.send(f);
  }

  // --- stops -----------------------------------------------------------------------------------
  private stopped(ev: StopEvent): void {
    this.gThread = ev.tid;
    if (!this.waiting || this.closed) return;
    this.waiting = false;
    this.reply(this.stopReply(ev));
  }

  private ptid(tid: number): string {
    return this.multiprocess ? `p${this.tr.proc.pid.toString(16)}.${tid.toString(16)}` : tid.toString(16);
  }
  // A thread id from gdb: 'p<pid>.<tid>', '<tid>', -1 (all), 0 (any). Null when malformed.
  private parseTid(s: string): number | null {
    const m = /^(?:p(-1|[0-9a-fA-F]+)\.)?(-1|[0-9a-fA-F]+)$/.exec(s);
    if (!m) return null;
    if (m[1] && m[1] !== '-1' && parseInt(m[1], 16) !== this.tr.proc.pid) return null;
    return m[2] === '-1' ? -1 : parseInt(m[2], 16);
  }

  private stopReply(ev: StopEvent): string {
    const r = ev.reason;
    const hex2 = (n: number) => (n & 0xff).toString(16).padStart(2, '0');
    const thread = `thread:${this.ptid(ev.tid)};`;
    switch (r.kind) {
      case 'exited': {
        const sig = r.status & 0x7f;
        const proc = this.multiprocess ? `;process:${this.tr.proc.pid.toString(16)}` : '';
        return sig ? `X${hex2(gdbSignal(sig))}${proc}` : `W${hex2((r.status >> 8) & 0xff)}${proc}`;
      }
      case 'signal': return `T${hex2(gdbSignal(r.signo))}${thread}`;
      case 'step': return `T05${thread}`;
      case 'breakpoint': return `T05${thread}${this.features.has('swbreak') ? 'swbreak:;' : ''}`;
      case 'watch': {
        const kind = r.access === WATCH_WRITE ? 'watch' : r.access === WATCH_READ ? 'rwatch' : 'awatch';
        return `T05${thread}${kind}:${r.addr.toString(16)};`;
      }
      case 'exec':
        return `T05${thread}${this.features.has('exec-events') ? `exec:${toHex(fromLatin1(r.path))};` : ''}`;
    }
  }

  // --- packets ---------------------------------------------------------------------------------
  // The reply to one packet; undefined for none.
  private handle(p: string): string | undefined {
    if (this.tr.exited && /^[gGpPmMXZzsScC]|^vCont;/.test(p)) {
      if (/^[sScC]|^vCont;/.test(p)) return this.stopReply(this.tr.last);
      return E_NOTHREAD;
    }
    switch (p[0]) {
      case '?': return this.stopReply(this.tr.last);
      case 'g': return this.readRegisters();
      case 'G': return this.writeRegisters(p.slice(1));
      case 'p': return this.readRegister(p.slice(1));
      case 'P': return this.writeRegister(p.slice(1));
      case 'm': return this.readMemory(p.slice(1));
      case 'M': return this.writeMemory(p.slice(1), false);
      case 'X': return this.writeMemory(p.slice(1), true);
      case 'Z': case 'z': return this.breakpoint(p[0] === 'Z', p.slice(1));
      case 'c': case 's': case 'C': case 'S': return this.legacyResume(p);
      case 'H': return this.setThread(p.slice(1));
      case 'T': {
        const tid = this.parseTid(p.slice(1));
        return tid !== null && tid > 0 && this.tr.thread(tid) ? 'OK' : E_NOTHREAD;
      }
      case 'k': this.tr.kill(); this.finish(); return undefined;
      case 'D': {
        if (p.length > 1 && (p[1] !== ';' || hexNum(p.slice(2)) !== this.tr.proc.pid)) return E_BAD;
        this.reply('OK');
        this.tr.detach();
        this.finish();
        return undefined;
      }
      case 'q': case 'Q': return this.query(p);
      case 'v': return this.vPacket(p);
      default: return '';
    }
  }

  private finish(): void {
    this.close();
    this.o.end();
  }

  private task(tid = this.gThread): Task | undefined {
    return this.tr.thread(tid > 0 ? tid : this.tr.last.tid) ?? this.tr.threads[0];
  }

  private readRegisters(): string {
    const t = this.task();
    if (!t) return E_NOTHREAD;
    const s = this.tr.readState(t);
    return REGS.map((_, n) => toHex(readReg(s, n)!)).join('');
  }
  private writeRegisters(hexs: string): string {
    const t = this.task();
    if (!t) return E_NOTHREAD;
    const b = fromHex(hexs);
    if (!b) return E_BAD;
    const s = this.tr.readState(t);
    let o = 0;
    for (let n = 0; n < REGS.length && o + regSize(n) <= b.length; n++) {
      writeReg(s, n, b.subarray(o, o + regSize(n)));
      o += regSize(n);
    }
    if (o !== b.length) return E_BAD;
    this.tr.writeState(t, s);
    return 'OK';
  }
  private readRegister(arg: string): string {
    const n = hexNum(arg);
    const t = this.task();
    if (!t) return E_NOTHREAD;
    if (n === null) return E_BAD;
    const v = readReg(this.tr.readState(t), n);
    return v ? toHex(v) : E_INVAL;
  }
  private writeRegister(arg: string): string {
    const [num, val] = arg.split('=');
    const n = hexNum(num), v = fromHex(val ?? '');
    const t = this.task();
    if (!t) return E_NOTHREAD;
    if (n === null || !v) return E_BAD;
    const s = this.tr.readState(t);
    if (n >= REGS.length) return E_INVAL;
    if (!writeReg(s, n, v)) return E_BAD;
    this.tr.writeState(t, s);
    return 'OK';
  }

  private readMemory(arg: string): string {
    const m = /^([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(arg);
    const addr = hexNum(m?.[1]), len = hexNum(m?.[2]);
    if (addr === null || len === null) return E_BAD;
    const want = Math.min(len, MAX_MEM);
    // as much as can be read from the start; an error if not even the first byte
    let out = '';
    for (let a = addr; a < addr + want;) {
      const n = Math.min(addr + want - a, 4096 - (a % 4096));
      const b = this.tr.peek(a, n);
      if (!b) break;
      out += toHex(b);
      a += n;
    }
    return out || want === 0 ? out : E_FAULT;
  }
  private writeMemory(arg: string, binary: boolean): string {
    const colon = arg.indexOf(':');
    const m = /^([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(colon < 0 ? '' : arg.slice(0, colon));
    const addr = hexNum(m?.[1]), len = hexNum(m?.[2]);
    if (addr === null || len === null) return E_BAD;
    const data = binary ? unescapeBinary(arg.slice(colon + 1)) : fromHex(arg.slice(colon + 1));
    if (!data || data.length !== len) return E_BAD;
    if (len === 0) return 'OK';
    return this.tr.poke(addr, data) ? 'OK' : E_FAULT;
  }

  // Z/z TYPE,ADDR,KIND: 0 software breakpoint, 2 write, 3 read, 4 access watchpoint.
  private breakpoint(insert: boolean, arg: string): string {
    const m = /^([0-4]),([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(arg);
    if (!m) return /^[0-9]/.test(arg) && !/^[0-4],/.test(arg) ? '' : E_BAD;
    const type = Number(m[1]), addr = hexNum(m[2]), kind = hexNum(m[3]);
    if (addr === null || kind === null) return E_BAD;
    if (type === 1) return ''; // hardware breakpoints: not offered, gdb uses software ones
    if (type === 0) {
      if (kind !== 1) return E_INVAL; // an int3 is one byte
      return (insert ? this.tr.insertBreakpoint(addr) : this.tr.removeBreakpoint(addr)) ? 'OK' : E_FAULT;
    }
    const access = type === 2 ? WATCH_WRITE : type === 3 ? WATCH_READ : WATCH_READ | WATCH_WRITE;
    if (kind === 0 || addr + kind > 2 ** 47) return E_INVAL;
    if (!insert) return this.tr.removeWatchpoint(addr, kind, access) ? 'OK' : E_INVAL;
    return this.tr.insertWatchpoint(addr, kind, access) ? 'OK' : E_FULL;
  }

  private setThread(arg: string): string {
    const which = arg[0];
    const tid = this.parseTid(arg.slice(1));
    if ((which !== 'g' && which !== 'c') || tid === null) return E_BAD;
    if (tid > 0 && !this.tr.thread(tid)) return E_NOTHREAD;
    if (which === 'g') this.gThread = tid > 0 ? tid : this.tr.last.tid;
    else this.cThread = tid;
    return 'OK';
  }

  // c [addr], C sig[;addr], s [addr], S sig[;addr]: the Hc thread (or all, for c).
  private legacyResume(p: string): string | undefined {
    const step = p[0] === 's' || p[0] === 'S';
    let rest = p.slice(1);
    let signal = 0;
    if (p[0] === 'C' || p[0] === 'S') {
      const m = /^([0-9a-fA-F]{2})(?:;(.*))?$/.exec(rest);
      if (!m) return E_BAD;
      signal = linuxSignal(parseInt(m[1], 16));
      rest = m[2] ?? '';
    }
    const tid = this.cThread > 0 ? this.cThread : this.tr.last.tid;
    if (rest) {
      const addr = hexNum(rest);
      const t = this.tr.thread(tid);
      if (addr === null || !t) return E_BAD;
      const s = this.tr.readState(t);
      const pc = new Uint8Array(8);
      new DataView(pc.buffer).setBigUint64(0, BigInt(addr), true);
      writeReg(s, REGS.findIndex((r) => r.name === 'rip'), pc);
      this.tr.writeState(t, s);
    }
    const mine: ResumeAction = { step, signal };
    const actions = new Map([[tid, mine]]);
    // c resumes every thread; s only the Hc one (unless Hc is all)
    const others = !step || this.cThread === -1 ? { step: false, signal: 0 } : undefined;
    return this.resume(actions, others);
  }

  private resume(actions: Map<number, ResumeAction>, others?: ResumeAction): string | undefined {
    if (!this.tr.halted) return E_BAD;
    this.waiting = true;
    this.tr.resume(actions, others);
    return undefined; // the stop reply comes when something stops
  }

  // vCont;ACTION[:TID]...: the first action naming a thread applies to it; one without a thread, to the rest.
  private vCont(arg: string): string | undefined {
    const actions = new Map<number, ResumeAction>();
    let others: ResumeAction | undefined;
    for (const part of arg.split(';').slice(1)) {
      const m = /^([cCsSt])([0-9a-fA-F]{2})?(?::(.+))?$/.exec(part);
      if (!m) return E_BAD;
      const [, op, sig, who] = m;
      if ((op === 'C' || op === 'S') !== (sig !== undefined)) return E_BAD;
      if (op === 't') continue; // stopping a thread: in all-stop mode it is stopped already
      const a: ResumeAction = { step: op === 's' || op === 'S', signal: sig ? linuxSignal(parseInt(sig, 16)) : 0 };
      if (who === undefined) { others ??= a; continue; }
      const tid = this.parseTid(who);
      if (tid === null) return E_BAD;
      if (tid === -1) others ??= a;
      else if (!actions.has(tid)) actions.set(tid, a);
    }
    if (actions.size === 0 && !others) return E_BAD;
    return this.resume(actions, others);
  }

  private vPacket(p: string): string | undefined {
    if (p === 'vCont?') return 'vCont;c;C;s;S;t';
    if (p.startsWith('vCont;')) return this.vCont(p);
    if (p.startsWith('vKill')) {
      this.tr.kill();
      this.reply('OK');
      this.finish();
      return undefined;
    }
    if (p.startsWith('vFile:')) {
      const m = /^vFile:([a-z]+):(.*)$/s.exec(p);
      return m ? this.files.handle(m[1], m[2]) : E_BAD;
    }
    return ''; // vRun, vAttach, vMustReplyEmpty, …: not offered
  }

  private query(p: string): string | undefined {
    const [name, rest] = splitFirst(p, ':');
    switch (name) {
      case 'qSupported': {
        for (const f of (rest ?? '').split(';')) if (f.endsWith('+')) this.features.add(f.slice(0, -1));
        this.multiprocess = this.features.has('multiprocess');
        return [`PacketSize=${PACKET_SIZE.toString(16)}`, 'QStartNoAckMode+', 'qXfer:features:read+', 'qXfer:auxv:read+',
          'qXfer:exec-file:read+', 'qXfer:libraries-svr4:read+', 'qXfer:threads:read+', 'qXfer:siginfo:read+', 'qXfer:siginfo:write+', 'swbreak+', 'vContSupported+',
          ...(this.multiprocess ? ['multiprocess+'] : []), ...(this.features.has('exec-events') ? ['exec-events+'] : []),
          'vFile:fstat+'].join(';');
      }
      case 'QStartNoAckMode':
        this.reply('OK');
        this.ackMode = false;
        return undefined;
      case 'qAttached': return this.o.spawned ? '0' : '1';
      case 'qC': return `QC${this.ptid(this.tr.last.tid)}`;
      case 'qfThreadInfo':
        this.threadCursor = this.tr.threads.map((t) => t.tid);
        return this.threadChunk();
      case 'qsThreadInfo': return this.threadChunk();
      case 'qSymbol': return 'OK';
      case 'qXfer': return this.xfer(rest ?? '');
      default:
        if (p.startsWith('qThreadExtraInfo,')) {
          const tid = this.parseTid(p.slice(17));
          const t = tid !== null && tid > 0 ? this.tr.thread(tid) : undefined;
          if (!t) return E_NOTHREAD;
          return toHex(fromLatin1(t.state.kind === 'blocked' ? 'in a system call' : 'runnable'));
        }
        return '';
    }
  }

  private threadChunk(): string {
    if (!this.threadCursor.length) return 'l';
    const chunk = this.threadCursor.splice(0, 64);
    return `m${chunk.map((tid) => this.ptid(tid)).join(',')}`;
  }

  // qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH (and qXfer:siginfo:write::OFFSET:DATA)
  private xfer(arg: string): string {
    const w = /^siginfo:write::([0-9a-fA-F]+):(.*)$/s.exec(arg);
    if (w) {
      const t = this.task();
      const info = t && this.tr.siginfo(t);
      const offset = hexNum(w[1]), data = unescapeBinary(w[2]);
      if (!t || !info) return E_NOTHREAD;
      if (offset === null || !data || offset + data.length > 128) return E_BAD;
      const b = siginfoBytes(info);
      b.set(data, offset);
      this.tr.setSiginfo(t, parseSiginfo(b));
      return data.length.toString(16);
    }
    const m = /^([a-z0-9-]+):read:([^:]*):([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(arg);
    if (!m) return /^[a-z0-9-]+:write:/.test(arg) ? '' : E_BAD;
    const [, object, annex] = m;
    const offset = hexNum(m[3]), len = hexNum(m[4]);
    if (offset === null || len === null) return E_BAD;
    let data: Uint8Array;
    switch (object) {
      case 'features':
        if (annex !== 'target.xml') return E_BAD;
        data = fromLatin1(targetXml());
        break;
      case 'auxv': data = this.tr.proc.auxv; break;
      case 'exec-file':
        if (annex && hexNum(annex) !== this.tr.proc.pid) return E_BAD;
        data = fromLatin1(this.tr.proc.exe);
        break;
      case 'libraries-svr4': data = fromLatin1(librariesSvr4(this.tr)); break;
      case 'threads': data = fromLatin1(threadsXml(this.tr, (t) => this.ptid(t.tid))); break;
      case 'siginfo': {
        const t = this.task();
        const info = t && this.tr.siginfo(t);
        if (!info) return E_NOTHREAD;
        data = siginfoBytes(info);
        break;
      }
      default: return '';
    }
    const chunk = data.subarray(offset, offset + Math.min(len, MAX_PACKET / 2 - 16));
    return (offset + chunk.length >= data.length ? 'l' : 'm') + escapeBinary(chunk);
  }
}

function splitFirst(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}
