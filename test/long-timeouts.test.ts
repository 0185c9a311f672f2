// Timeouts longer than a host timer can hold (Node's setTimeout takes at most
// 2^31 - 1 ms, about 24.8 days; beyond, it fires after 1 ms and warns):
// the machine's timers arm them in chunks, so that a guest sleeping 25 days
// does not wake every millisecond nor print TimeoutOverflowWarning.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Host } from '../src/base/host.js';
import { TimerQueue } from '../src/kernel/timers.js';
import { getBusybox } from './lib/busybox.js';
import { runXos } from './lib/run.js';

const DAY_NS = 86_400n * 1_000_000_000n;

// A host whose clock and timers the test drives.
function fakeHost() {
  let now = 0n;
  const armed: { ms: number; cb: () => void; live: boolean }[] = [];
  const host = {
    monotonicNs: () => now,
    setTimer: (ms: number, cb: () => void) => { const h = { ms, cb, live: true }; armed.push(h); return h; },
    clearTimer: (h: unknown) => { (h as { live: boolean }).live = false; },
  } as unknown as Host;
  // The host timer fires: the clock moves by its delay.
  const fire = () => {
    const h = armed.filter((x) => x.live).pop();
    if (!h) return false;
    h.live = false;
    now += BigInt(h.ms) * 1_000_000n;
    h.cb();
    return true;
  };
  return { host, armed, fire, advanceTo: (ns: bigint) => { now = ns; } };
}

describe('a timer beyond 2^31 - 1 ms', () => {
  it('is armed in chunks a host timer can hold, and fires once, at its time', () => {
    const f = fakeHost();
    const q = new TimerQueue(f.host);
    let fired = 0;
    q.add(30n * DAY_NS, () => { fired++; });
    assert.equal(f.armed.length, 1, 'one host timer at a time');
    assert.ok(f.armed[0].ms <= 2 ** 31 - 1, `armed for ${f.armed[0].ms} ms`);
    assert.ok(f.armed[0].ms > 1000, `a chunk, not a busy wait: ${f.armed[0].ms} ms`);
    let wakeups = 0;
    while (fired === 0 && f.fire()) wakeups++;
    assert.equal(fired, 1);
    assert.ok(wakeups <= 3, `${wakeups} host timers for 30 days`);
    assert.equal(q.pending, 0);
  });
});

describe('a guest sleeping 25.5 days', () => {
  let busybox = '';
  before(async () => { busybox = await getBusybox(); });
  it('sleeps quietly until --timeout ends it (no TimeoutOverflowWarning)', async () => {
    const r = await runXos([busybox, 'sleep', '2200000'], { xosArgs: ['--timeout', '3'] });
    assert.equal(r.status, 124, r.stderr.toString());
    assert.doesNotMatch(r.stderr.toString(), /TimeoutOverflowWarning|does not fit into a 32-bit/);
  });
});
