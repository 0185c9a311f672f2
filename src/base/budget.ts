// The machine's memory budget (--memory): one account that everything the
// guest can make xos hold in host memory is charged to — physical frames
// (guest memory, page tables, the page cache), tmpfs and in-memory overlay
// data, pipe and socket buffers, message queues, shared memory kept aside,
// tasks. A charge that does not fit is refused: the caller answers ENOMEM or
// ENOSPC as Linux does when its memory is used up, so the host's memory stays
// within the budget plus a fixed overhead.
//
// Frames are charged when first used and never given back: WebAssembly memory
// cannot shrink, so a frame freed by the guest is still the host's memory (it
// serves guest memory and the page cache again, not data kept elsewhere).
export class MemoryBudget {
  used = 0;
  peak = 0;
  constructor(public limit = Infinity) {}

  // What data may still take.
  get available(): number { return Math.max(0, this.limit - this.limit / 16 - this.used); }

  // Take `bytes`; false (and nothing taken) when they do not fit. Data kept for the guest (tmpfs,
  // buffers: `data`) leaves the last sixteenth of the machine to its processes' memory, so that
  // a full tmpfs is ENOSPC for the writer rather than an out-of-memory death for whoever faults next.
  charge(bytes: number, data = true): boolean {
    if (bytes <= 0) return true;
    if (this.used + bytes > (data ? this.limit - this.limit / 16 : this.limit)) return false;
    this.used += bytes;
    if (this.used > this.peak) this.peak = this.used;
    return true;
  }
  // Take `bytes` even past the limit (what cannot be refused, a write-back); later charges fail
  // until enough is given back.
  force(bytes: number): void {
    this.used += Math.max(0, bytes);
    if (this.used > this.peak) this.peak = this.used;
  }
  uncharge(bytes: number): void {
    if (bytes > 0) this.used = Math.max(0, this.used - bytes);
  }
}

// What one more task (thread) costs the budget: its JS objects and saved state, as Linux
// charges a kernel stack and task_struct.
export const TASK_COST = 16384;
// What one tmpfs inode costs the budget (its JS object, its name in a directory), beyond its data.
export const INODE_COST = 512;
