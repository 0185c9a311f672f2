// The witness page: the seed's window.__debug.x86_64, for tools and tests that
// drive a machine from outside. runElf(bytes, opts) runs an ELF given as bytes
// (in this page's own machine: a tmpfs root, or the image named by ?image=NAME
// beside the page) and leaves what it did in the fields: exitCode, signal,
// stdout, stderr, and registers (RIP, RSP, RAX…R15, RFLAGS as hex strings, at
// the end). pushStdin(bytes) gives the next program its stdin. snapshot()
// answers that snapshots are not there yet (issue 14).
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
  snapshot(): Promise<{ ok: false; reason: string }>;
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
  snapshot: () => host.snapshot(),
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
