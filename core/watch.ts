// Data watchpoints for a debugger. While armed (during step() only), a page that
// holds a watched range is kept out of the TLB, so every access to it comes
// through tlbFill, which asks watchPage whether the access touches a range.
export const WATCH_MAX: u32 = 16;
const ENTRY: u32 = 24; // u64 start, u64 end (exclusive), u32 kind (1 read, 2 write, 3 both)
const table = memory.data(WATCH_MAX * ENTRY, 8);
let count: u32 = 0;
export let watchArmed: bool = false;
export let watchHitAddr: u64 = 0;
export let watchHitKind: u32 = 0; // the kind of the range that was hit, 0 none

// Replace entry `i` (0 <= i < WATCH_MAX); len 0 clears it. The entries in use are 0..count-1.
export function watchSet(i: u32, addr: u64, len: u64, kind: u32): void {
  if (i >= WATCH_MAX) return;
  const e = table + i * ENTRY;
  store<u64>(e, addr);
  store<u64>(e, addr + len, 8);
  store<u32>(e, len ? kind : 0, 16);
  if (len && i >= count) count = i + 1;
  while (count > 0 && load<u32>(table + (count - 1) * ENTRY, 16) == 0) count--;
}

export function watchCount(): u32 { return count; }

// Pages the armed ranges cover, at most `max` (for the TLB invalidation at arming).
export function watchPages(max: u32): u32 {
  let n: u64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const e = table + i * ENTRY;
    if (!load<u32>(e, 16)) continue;
    n += ((load<u64>(e, 8) - 1) >> 12) - (load<u64>(e) >> 12) + 1;
    if (n > <u64>max) return max + 1;
  }
  return <u32>n;
}
export function watchStart(i: u32): u64 { return load<u64>(table + i * ENTRY); }
export function watchEnd(i: u32): u64 { return load<u64>(table + i * ENTRY, 8); }

// Arm (at the start of a step, forgetting the last hit) or disarm (at its end, keeping it).
export function watchArm(on: bool): void {
  watchArmed = on && count > 0;
  if (on) {
    watchHitAddr = 0;
    watchHitKind = 0;
  }
}

// Whether the page of `addr` holds a watched range; records the first range an access of
// `n` bytes at `addr` (access 1 read, 2 write) touches.
export function watchPage(addr: u64, n: u32, access: u32): bool {
  const page = addr >> 12;
  let held = false;
  for (let i: u32 = 0; i < count; i++) {
    const e = table + i * ENTRY;
    const kind = load<u32>(e, 16);
    if (!kind) continue;
    const s = load<u64>(e), end = load<u64>(e, 8);
    if ((s >> 12) <= page && ((end - 1) >> 12) >= page) held = true;
    if ((kind & access & 3) && watchHitKind == 0 && addr < end && addr + <u64>n > s) {
      watchHitAddr = s;
      watchHitKind = kind;
    }
  }
  return held;
}
