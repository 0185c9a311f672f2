// Pipes: a bounded byte queue between a read end and a write end. A reader
// with nothing to read, or a writer with no room, blocks the calling task (not
// the machine) until the other side acts.
import { FileDescription, O_NONBLOCK, O_RDONLY, O_WRONLY, Stat } from './file.js';
import { blockOn, type Blocked } from '../base/wait.js';
import { EAGAIN, ENOMEM, EPIPE } from '../base/errno.js';
import { MemoryBudget } from '../base/budget.js';
import { WaitQueue, POLLERR, POLLHUP, POLLIN, POLLOUT, POLL_ALL } from './wait-queue.js';

export const PIPE_BUF = 4096;
const S_IFIFO = 0o010000;

export class Pipe {
  // budget: the machine's memory, which the bytes in the pipe are charged to
  constructor(readonly ino: number, private readonly budget = new MemoryBudget()) {}
  private chunks: Uint8Array[] = [];
  size = 0;
  capacity = 65536;
  readers = 0;
  writers = 0;
  readonly queue = new WaitQueue();
  // Named pipes: tasks waiting in open(2) for the other side count as readers
  // or writers from the moment they wait until their open has run again (or a
  // signal or death took them away): see Vfs.openFifo.
  readonly waiting = new Map<object, { role: 'r' | 'w'; live: () => boolean }>();
  opens = [0, 0]; // readers and writers that ever opened it: a waiting open ends when the other side's count moves

  hasReaders(): boolean { return this.readers > 0 || this.someWaiting('r'); }
  hasWriters(): boolean { return this.writers > 0 || this.someWaiting('w'); }
  private someWaiting(role: string): boolean {
    for (const [k, w] of this.waiting) {
      if (!w.live()) this.waiting.delete(k);
      else if (w.role === role) return true;
    }
    return false;
  }

  notify(events = POLL_ALL): void { this.queue.notify(events); }

  take(n: number): Uint8Array {
    const out = new Uint8Array(Math.min(n, this.size));
    let o = 0;
    while (o < out.length) {
      const c = this.chunks[0];
      const k = Math.min(c.length, out.length - o);
      out.set(c.subarray(0, k), o);
      o += k;
      if (k === c.length) this.chunks.shift(); else this.chunks[0] = c.subarray(k);
    }
    this.size -= out.length;
    this.budget.uncharge(out.length);
    return out;
  }
  // The first n bytes, left in the pipe (tee).
  peek(n: number): Uint8Array {
    const out = new Uint8Array(Math.min(n, this.size));
    let o = 0;
    for (const c of this.chunks) {
      if (o >= out.length) break;
      const k = Math.min(c.length, out.length - o);
      out.set(c.subarray(0, k), o);
      o += k;
    }
    return out;
  }
  // False when the machine has no memory left for the bytes.
  put(data: Uint8Array): boolean {
    if (!this.budget.charge(data.length)) return false;
    this.chunks.push(data.slice());
    this.size += data.length;
    return true;
  }
  // The last opener is gone: what is in the pipe goes with it, as on Linux.
  drop(): void {
    this.budget.uncharge(this.size);
    this.chunks = [];
    this.size = 0;
  }
}

export class PipeEnd extends FileDescription {
  protected get kind(): string { return 'pipe'; }
  constructor(readonly pipe: Pipe, flags: number, private readonly hostTime: () => bigint, path = `pipe:[${pipe.ino}]`) {
    super(flags, path);
    if ((flags & 3) !== O_WRONLY) { pipe.readers++; pipe.opens[0]++; }
    if ((flags & 3) !== O_RDONLY) { pipe.writers++; pipe.opens[1]++; } // a FIFO opened O_RDWR is both
    pipe.notify();
  }
  override read(n: number): Uint8Array | number | Blocked {
    const p = this.pipe;
    if (n === 0) return new Uint8Array(0);
    if (p.size > 0) { const out = p.take(n); p.notify(POLLOUT); return out; }
    if (!p.hasWriters()) return new Uint8Array(0);
    if (this.flags & O_NONBLOCK) return -EAGAIN;
    return blockOn(this.kind, p.queue, POLLIN | POLLHUP);
  }
  override write(data: Uint8Array): number | Blocked {
    const p = this.pipe;
    if (!p.hasReaders()) return -EPIPE;
    if (data.length === 0) return 0;
    const room = p.capacity - p.size;
    // writes of at most PIPE_BUF bytes are atomic: all or nothing
    if (room <= 0 || (data.length <= PIPE_BUF && room < data.length)) {
      if (this.flags & O_NONBLOCK) return -EAGAIN;
      return blockOn(this.kind, p.queue, POLLOUT | POLLERR);
    }
    const n = Math.min(room, data.length);
    if (!p.put(data.subarray(0, n))) return -ENOMEM;
    p.notify(POLLIN);
    return n;
  }
  override poll(): number {
    const p = this.pipe, acc = this.flags & 3;
    let r = 0;
    if (acc !== O_WRONLY) r |= (p.size > 0 ? 1 : 0) | (p.writers === 0 ? 0x10 : 0);
    if (acc !== O_RDONLY) r |= (p.capacity - p.size >= PIPE_BUF ? 4 : 0) | (p.readers === 0 ? 8 : 0);
    return r;
  }
  override watch(events: number, cb: () => void): () => void { return this.pipe.queue.watch(events, cb); }
  override stat(): Stat {
    const t = this.hostTime();
    return {
      dev: 0xc, ino: this.pipe.ino, mode: S_IFIFO | 0o600, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0,
      blksize: 4096, blocks: 0, atimeNs: t, mtimeNs: t, ctimeNs: t,
    };
  }
  override release(): void {
    const acc = this.flags & 3;
    if (acc !== O_WRONLY) this.pipe.readers--;
    if (acc !== O_RDONLY) this.pipe.writers--;
    if (!this.pipe.readers && !this.pipe.writers && !this.pipe.waiting.size) this.pipe.drop();
    this.pipe.notify(acc === O_RDONLY ? POLLERR | POLLOUT : acc === O_WRONLY ? POLLHUP | POLLIN : POLL_ALL);
  }
}

export function makePipe(flags: number, hostTime: () => bigint, ino: number, budget?: MemoryBudget): [PipeEnd, PipeEnd] {
  const p = new Pipe(ino, budget);
  return [new PipeEnd(p, O_RDONLY | (flags & O_NONBLOCK), hostTime), new PipeEnd(p, O_WRONLY | (flags & O_NONBLOCK), hostTime)];
}

// An end of a named pipe (a FIFO inode): the pipe is the inode's, stat is the inode's.
export class FifoEnd extends PipeEnd {
  protected override get kind(): string { return 'fifo'; }
  override stat(): Stat {
    const n = this.node;
    const st = n ? n.backend.getattr(n.inode) : undefined;
    return st && typeof st !== 'number' ? st : super.stat();
  }
}
