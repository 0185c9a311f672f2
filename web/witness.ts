// The witness page: the seed's window.__debug.x86_64, for tools and tests that
// drive a machine from outside. runElf(bytes, opts) runs an ELF given as bytes
// (in this page's own machine: a tmpfs root, or the image named by ?image=NAME
// beside the page) and leaves what it did in the fields: exitCode, signal,
// stdout, stderr, and registers (RIP, RSP, RAX…R15, RFLAGS as hex strings, at
// the end). pushStdin(bytes) gives the next program its stdin. snapshot() saves
// the whole machine ({ ok: true, bytes, size }); restore(bytes) puts the machine
// of a snapshot in place of this one ({ ok: true }), its programs still running.
import { compileCore, createHost, type Registers, type SeedOutcome, type SeedRunOptions } from '../src/host/browser/index.js';

interface Witness {
  ready: boolean;
  exitCode: number | null;
  signal: number | null;
  stdout: string;
  stderr: string;
  registers: Partial<Registers>;
  error?: string;
  runElf(bytes: Uint8Array | ArrayBuffer | number[], opts?: SeedRunOptions): Promise<SeedOutcome>;
  runShellScript(script: string, opts?: SeedRunOptions): Promise<SeedOutcome>;
  pushStdin(bytes: Uint8Array | ArrayBuffer | number[] | string): void;
  snapshot(): Promise<{ ok: true; bytes: Uint8Array; size: number } | { ok: false; reason: string }>;
  restore(snapshot: Uint8Array | ArrayBuffer | number[] | { bytes: Uint8Array }): Promise<{ ok: true } | { ok: false; reason: string }>;
}
declare global { interface Window { __debug: { x86_64: Witness } } }

const log = (s: string) => { document.getElementById('log')!.textContent += `${s}\n`; };
const bytesOf = (b: Uint8Array | ArrayBuffer | number[]) => (b instanceof Uint8Array ? b : new Uint8Array(b));

const image = new URLSearchParams(location.search).get('image');
const host = createHost({ core: await compileCore(new URL('core.wasm', location.href)) });
if (image && /^[A-Za-z0-9._-]+$/.test(image)) {
  const res = await fetch(new URL(`images/${image}.tar`, location.href));
  if (res.ok) await host.mountTarBytes(new Uint8Array(await res.arrayBuffer()), '/');
  else log(`no image ${image}: HTTP ${res.status}`);
}

const w: Witness = {
  ready: false, exitCode: null, signal: null, stdout: '', stderr: '', registers: {},
  async runElf(bytes, opts) { return record(await host.runElf(bytesOf(bytes), opts)); },
  async runShellScript(script, opts) { return record(await host.runShellScript(script, opts)); },
  pushStdin(bytes) { host.pushStdin(typeof bytes === 'string' ? bytes : bytesOf(bytes)); },
  async snapshot() {
    const s = await host.snapshot();
    log(s.ok ? `snapshot: ${s.bytes.length} bytes` : `snapshot failed: ${s.reason}`);
    return s.ok ? { ok: true, bytes: s.bytes, size: s.bytes.length } : s;
  },
  async restore(snapshot) {
    const r = await host.restore(snapshot);
    log(r.ok ? 'restored' : `restore failed: ${r.reason}`);
    return r;
  },
};
function record(o: SeedOutcome): SeedOutcome {
  w.exitCode = o.exitCode;
  w.signal = o.signal;
  w.stdout = o.stdout;
  w.stderr = o.stderr;
  w.registers = o.registers ?? {};
  w.error = o.error;
  log(`exit ${o.exitCode} signal ${o.signal}; RIP ${o.registers?.RIP ?? '?'}`);
  return o;
}
window.__debug = { x86_64: w };
w.ready = true;
log('ready');
