// The machine, in a Web Worker: the page's terminal talks to it through messages
// (protocol.ts). It boots an image served beside the page, keeps the guest's
// changes (the overlay's upper layer, as a layer tar) in the browser's storage
// and restores them at the next boot, and runs a login shell on a pseudo-terminal
// sized like the page's terminal; a new shell when one exits. On request (the
// Save button, the page being hidden or left) it saves the whole machine, and the
// next boot resumes it: the shell with its variables, history and jobs.
import {
  Machine, Tmpfs, TrackedFs, bytesSource, compileCore, layerTar, openBlobStore, restoreLayer, type BlobStore,
  type MachineProcess, type DebugSession,
} from '../src/host/browser/index.js';
import type { DebugAction, FromWorker, Status, ToWorker } from './protocol.js';
import { packSavedMachine, unpackSavedMachine, ScreenLog } from './saved-machine.js';

const port = self as unknown as {
  postMessage(m: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
};
const post = (m: FromWorker, transfer?: Transferable[]) => port.postMessage(m, transfer);

const SAVE_DELAY_MS = 500; // changes are written this long after the last one
const started = performance.now();
let machine: Machine | undefined;
let shell: { proc: MachineProcess; stdin: WritableStreamDefaultWriter<Uint8Array> } | undefined;
let size = { rows: 24, cols: 80 };
let pendingInput: Uint8Array[] = [];
let waitingForEnter: (() => void) | undefined;
const status: Status = { image: '' };

function sendStatus(extra: Partial<Status> = {}): void {
  Object.assign(status, extra);
  post({ type: 'status', status: { ...status } });
}

// --- keeping the changes ---------------------------------------------------------------------
let store: BlobStore | undefined;
let storeKey = '';
let machineKey = '';
let ownerKey = '';
const screen = new ScreenLog();
// The page that boots last owns the saved state: a page left (whose worker may still be finishing
// a save) or another tab on the same image writes no more over it.
const me = new TextEncoder().encode(crypto.randomUUID());
let disowned = false;
async function owner(): Promise<boolean> {
  if (disowned) return false;
  const o = await store!.load(ownerKey);
  if (o && o.length === me.length && o.every((b, i) => b === me[i])) return true;
  disowned = true;
  sendStatus({ saved: 'failed', machine: 'failed', message: 'another page has this machine\'s saved state since: this one saves no more' });
  return false;
}
let upper: Tmpfs | undefined;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
let saving = false;
let dirty = false;
let resetting = false;

function changed(): void {
  dirty = true;
  if (status.saved !== 'unsaved' && !saving) sendStatus({ saved: 'unsaved' });
  scheduleSave();
}
function scheduleSave(): void {
  if (saveTimer !== undefined || resetting) return;
  saveTimer = setTimeout(() => { saveTimer = undefined; void save(); }, SAVE_DELAY_MS);
}
async function save(): Promise<void> {
  if (!store || !upper || resetting) return;
  if (saving) { scheduleSave(); return; }
  saving = true;
  dirty = false;
  sendStatus({ saved: 'saving' });
  try {
    const tar = layerTar(upper);
    if (!(await owner())) return;
    await store.save(storeKey, tar);
    if (!resetting) sendStatus({ saved: dirty ? 'unsaved' : 'saved', savedBytes: tar.length });
  } catch (e) {
    sendStatus({ saved: 'failed', message: `saving failed: ${String(e)}` });
  } finally {
    saving = false;
  }
  if (dirty) scheduleSave();
}

// --- boot and the shell ----------------------------------------------------------------------
async function fetchBytes(url: URL): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot fetch ${url.pathname}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

// --- the whole machine --------------------------------------------------------------------------
let savingMachine: Promise<void> | undefined;
// A page being left stops its worker before a save started then can end (measured in Chromium: it
// never does), so the machine is also saved when the terminal has been quiet a moment after use:
// a reload then resumes it as it was then.
const IDLE_SAVE_MS = 2000;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
function active(): void {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => { idleTimer = undefined; void saveMachine(); }, IDLE_SAVE_MS);
}

// Save the machine (and, first, the files as they are at the same instant: a saved machine is
// resumed only when its files are the latest saved ones).
function saveMachine(): Promise<void> {
  savingMachine ??= (async () => {
    const m = machine;
    if (!m || !store || !upper || resetting) return;
    while (saving) await new Promise((r) => setTimeout(r, 20));
    if (saveTimer !== undefined) { clearTimeout(saveTimer); saveTimer = undefined; }
    sendStatus({ machine: 'saving' });
    try {
      dirty = false;
      const tar = layerTar(upper);
      const snap = m.snapshot(); // (the machine as it is now: the rest of the work is after it)
      const blob = packSavedMachine({ screen: screen.bytes(), snapshot: await snap, savedAt: Date.now() });
      if (resetting || !(await owner())) return;
      await store.save(storeKey, tar);
      await store.save(machineKey, blob);
      if (!resetting) sendStatus({ machine: 'saved', machineBytes: blob.length, machineSavedAt: Date.now(), saved: dirty ? 'unsaved' : 'saved', savedBytes: tar.length });
    } catch (e) {
      sendStatus({ machine: 'failed', message: `saving the machine failed: ${e instanceof Error ? e.message : String(e)}` });
    }
    if (dirty) scheduleSave();
  })().finally(() => { savingMachine = undefined; });
  return savingMachine;
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

// The saved machine, when there is one whose files are the latest saved changes (`layer`).
async function resume(core: WebAssembly.Module, bytes: Uint8Array, layer: Uint8Array | undefined): Promise<{ m: Machine; screen: Uint8Array } | undefined> {
  const blob = await store!.load(machineKey);
  const saved = blob && unpackSavedMachine(blob);
  if (!saved) return undefined;
  const inner = new Tmpfs({ now: () => BigInt(Date.now()) * 1_000_000n, size: 2 ** 31 });
  let m: Machine;
  try {
    m = await Machine.restore(saved.snapshot, { core, image: bytes, upper: new TrackedFs(inner, changed) });
  } catch (e) {
    sendStatus({ message: `the saved machine could not be resumed (${e instanceof Error ? e.message : String(e)}): a new one started` });
    return undefined;
  }
  if (!layer || !same(layerTar(inner), layer)) {
    // files changed after the machine was saved (and it was not saved again): the files win
    m.close();
    sendStatus({ message: 'the saved machine was older than the saved files: a new one started on the files' });
    return undefined;
  }
  upper = inner;
  sendStatus({ machine: 'resumed', message: `resumed the machine saved ${new Date(saved.savedAt).toLocaleString()}` });
  return { m, screen: saved.screen };
}

async function boot(image: string, preferStore?: 'OPFS' | 'IndexedDB'): Promise<void> {
  sendStatus({ image, message: 'loading' });
  const base = new URL('.', self.location.href);
  const [core, bytes, s] = await Promise.all([
    compileCore(new URL('core.wasm', base)),
    fetchBytes(new URL(`images/${image}.tar`, base)),
    openBlobStore(preferStore),
  ]);
  store = s;
  storeKey = `upper-${image}`;
  machineKey = `machine-${image}`;
  ownerKey = `owner-${image}`;
  await store.save(ownerKey, me);
  const saved = await store.load(storeKey);
  sendStatus({ store: store.kind, saved: saved ? 'saved' : undefined, savedBytes: saved?.length, message: undefined });
  const resumed = await resume(core, bytes, saved);
  let first: MachineProcess | undefined;
  if (resumed) {
    machine = resumed.m;
    first = machine.processes.find((p) => machine!.hasTerminal(p));
    if (resumed.screen.length) { screen.add(resumed.screen); post({ type: 'output', data: resumed.screen }); }
    for (const p of machine.processes) if (p !== first) p.kill(9); // (the page starts only shells)
  } else {
    upper = new Tmpfs({ now: () => BigInt(Date.now()) * 1_000_000n, size: 2 ** 31 });
    if (saved) restoreLayer(bytesSource(saved), upper);
    machine = await Machine.create({ core, image: bytes, upper: new TrackedFs(upper, changed) });
  }
  void shells(first);
}

async function shells(resumed?: MachineProcess): Promise<void> {
  const m = machine!;
  for (;;) {
    const sh = m.fs.exists('/bin/bash') ? '/bin/bash' : '/bin/sh';
    const proc = resumed ?? m.spawn([sh, '-l'], {
      tty: size,
      env: ['TERM=xterm-256color', 'HOME=/root', 'LANG=C.UTF-8', 'USER=root', `SHELL=${sh}`],
      cwd: m.fs.exists('/root') ? '/root' : '/',
    });
    if (resumed) proc.resize(size.cols, size.rows);
    resumed = undefined;
    shell = { proc, stdin: proc.stdin.getWriter() };
    post({ type: 'started', ms: Math.round(performance.now() - started) });
    const input = pendingInput;
    pendingInput = [];
    for (const d of input) void shell.stdin.write(d);
    const reader = proc.stdout.getReader();
    const output = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        screen.add(value);
        active();
        post({ type: 'output', data: value });
      }
    })();
    const st = await proc.wait();
    await output;
    shell = undefined;
    const how = st.signal !== null ? `was killed by signal ${st.signal}` : `exited with status ${st.exitCode}`;
    post({ type: 'output', data: new TextEncoder().encode(`\r\n[the shell ${how}; press Enter for a new one]\r\n`) });
    await new Promise<void>((resolve) => { waitingForEnter = resolve; });
  }
}

// --- the debugger: a DebugSession on the terminal's foreground process --------------------------
let debug: DebugSession | undefined;
function debugMessage(m: DebugAction): void {
  try {
    if (m.action === 'attach') {
      if (!machine || !shell) throw new Error('no program to debug yet');
      if (!debug || debug.tracee.exited) {
        debug = machine.debugSession(shell.proc.foreground);
        debug.onStop((snapshot) => post({ type: 'debug', snapshot }));
      }
      post({ type: 'debug', snapshot: debug.snapshot() });
      return;
    }
    if (!debug) throw new Error('not debugging');
    const d = debug;
    switch (m.action) {
      case 'detach': d.detach(); debug = undefined; post({ type: 'debug', detached: true }); return;
      case 'pause': d.pause(); return; // the stop comes through onStop
      case 'step': d.step(); return;
      case 'continue': d.continue(); break;
      case 'select': d.select(m.tid); break;
      case 'break': post({ type: 'debug', breakSet: d.setBreakpoint(m.addr) }); return;
    }
    post({ type: 'debug', snapshot: d.snapshot() });
  } catch (err) {
    post({ type: 'debug', error: err instanceof Error ? err.message : String(err) });
  }
}

// --- instructions per second -------------------------------------------------------------------
let lastCount = 0, lastTime = performance.now();
setInterval(() => {
  if (!machine) return;
  const t = performance.now(), count = machine.instructions;
  sendStatus({ ips: Math.max(0, count - lastCount) / ((t - lastTime) / 1000) });
  lastCount = count;
  lastTime = t;
}, 1000);

port.onmessage = (e) => {
  const msg = e.data;
  switch (msg.type) {
    case 'debug': debugMessage(msg); break;
    case 'boot':
      size = { rows: msg.rows, cols: msg.cols };
      boot(msg.image, msg.store).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
      break;
    case 'input':
      if (waitingForEnter && msg.data.includes(13)) { const w = waitingForEnter; waitingForEnter = undefined; w(); break; }
      if (shell) void shell.stdin.write(msg.data);
      else pendingInput.push(msg.data);
      active();
      break;
    case 'resize':
      size = { rows: msg.rows, cols: msg.cols };
      shell?.proc.resize(size.cols, size.rows);
      break;
    case 'put': {
      const name = msg.name.replace(/[/\0]/g, '_') || 'file';
      const home = machine?.fs.exists('/root') ? '/root' : '/tmp';
      const path = `${home}/${name}`;
      try {
        if (!machine) throw new Error('the machine is not running yet');
        machine.fs.writeFile(path, msg.data, { mode: 0o644 });
        post({ type: 'put-done', path });
      } catch (err) {
        post({ type: 'put-done', path, error: err instanceof Error ? err.message : String(err) });
      }
      break;
    }
    case 'get':
      try {
        if (!machine) throw new Error('the machine is not running yet');
        const data = machine.fs.readFile(msg.path).slice(); // its own buffer: it is transferred
        post({ type: 'file', path: msg.path, data }, [data.buffer as ArrayBuffer]);
      } catch (err) {
        post({ type: 'file', path: msg.path, error: err instanceof Error ? err.message : String(err) });
      }
      break;
    case 'save':
      void saveMachine();
      break;
    case 'reset':
      resetting = true;
      if (saveTimer !== undefined) clearTimeout(saveTimer);
      void (async () => {
        while (saving) await new Promise((r) => setTimeout(r, 20));
        await savingMachine;
        await store?.remove(machineKey);
        await store?.remove(storeKey);
        await store?.remove(ownerKey);
        post({ type: 'reset-done' });
      })();
      break;
  }
};
