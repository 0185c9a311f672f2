// eventfd: a 64-bit counter as a file. write adds, read takes the whole count
// (or 1 with EFD_SEMAPHORE); a read of zero or a write past 2^64-2 waits.
import { FileDescription, O_NONBLOCK, O_RDWR, type Stat } from './file.js';
import { blockOn, type Blocked } from '../base/wait.js';
import { EAGAIN, EINVAL } from '../base/errno.js';
import { WaitQueue, POLLERR, POLLIN, POLLOUT } from './wait-queue.js';

export const EFD_SEMAPHORE = 1;
const MAX = 0xfffffffffffffffen;

// Anonymous inodes (eventfd, epoll): one inode of mode 0600 with no file type, as on Linux.
export function anonStat(now: bigint): Stat {
  return {
    dev: 0xd, ino: 1, mode: 0o600, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0,
    atimeNs: now, mtimeNs: now, ctimeNs: now,
  };
}

export class EventFd extends FileDescription {
  private readonly queue = new WaitQueue();
  constructor(private count: bigint, flags: number, readonly semaphore: boolean, private readonly now: () => bigint) {
    super(O_RDWR | (flags & O_NONBLOCK), 'anon_inode:[eventfd]');
  }
  override fdinfo(): string { return `eventfd-count: ${this.count.toString(16).padStart(16)}\n`; }
  override read(n: number): Uint8Array | number | Blocked {
    if (n < 8) return -EINVAL;
    if (this.count === 0n) return this.flags & O_NONBLOCK ? -EAGAIN : blockOn('eventfd', this.queue, POLLIN);
    const v = this.semaphore ? 1n : this.count;
    this.count -= v;
    this.queue.notify(POLLOUT);
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, v, true);
    return out;
  }
  override write(data: Uint8Array): number | Blocked {
    if (data.length < 8) return -EINVAL;
    const v = new DataView(data.buffer, data.byteOffset).getBigUint64(0, true);
    if (v === 0xffffffffffffffffn) return -EINVAL;
    if (v > MAX - this.count) return this.flags & O_NONBLOCK ? -EAGAIN : blockOn('eventfd', this.queue, POLLOUT);
    this.count += v;
    if (v) this.queue.notify(POLLIN);
    return 8;
  }
  override poll(): number {
    return (this.count > 0n ? POLLIN : 0) | (this.count < MAX ? POLLOUT : 0) | (this.count > MAX ? POLLERR : 0);
  }
  override watch(events: number, cb: () => void): () => void { return this.queue.watch(events, cb); }
  override stat(): Stat { return anonStat(this.now()); }
  // /proc/self/fdinfo's eventfd-count
  get counter(): bigint { return this.count; }
}
