// The page: an xterm.js terminal on a machine in a Web Worker (worker.ts). Keys go
// to the guest's pseudo-terminal and its output comes back; the terminal follows
// the window's size; Ctrl-C copies when text is selected (and interrupts when not),
// Ctrl-V pastes; files dropped on the page are copied into the guest's home; a
// guest file can be downloaded; Save keeps the whole machine (also done when the
// page is hidden or left) and the next visit resumes it; Reset forgets the guest's
// changes and the saved machine. The status line shows the guest's instructions
// per second and where the changes are kept.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import type { DebugAction, FromWorker, Status, ToWorker } from './protocol.js';
import { mountDebugView, type DebugControl, type DebugView } from './debug-view.js';
import type { DebugSnapshot } from '../src/host/debug-session.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const image = /^[A-Za-z0-9._-]+$/.test(params.get('image') ?? '') ? params.get('image')! : 'busybox';
const store = params.get('store') === 'indexeddb' ? 'IndexedDB' : undefined;

const term = new Terminal({
  cursorBlink: true,
  scrollback: 5000,
  fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
  fontSize: 15,
  theme: { background: '#1b1d23', foreground: '#e6e6e6' },
});
const fit = new FitAddon();
term.loadAddon(fit);
term.open($('terminal'));
fit.fit();
term.focus();

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (m: ToWorker, transfer?: Transferable[]) => worker.postMessage(m, transfer ?? []);
const enc = new TextEncoder();

term.onData((s) => send({ type: 'input', data: enc.encode(s) }));
term.onBinary((s) => send({ type: 'input', data: Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff) }));
term.onResize(({ cols, rows }) => send({ type: 'resize', cols, rows }));
new ResizeObserver(() => fit.fit()).observe($('terminal'));

// Ctrl-C with a selection copies it (as terminals on Windows do); Ctrl-V is the browser's paste.
term.attachCustomKeyEventHandler((ev) => {
  if (ev.type !== 'keydown' || !ev.ctrlKey || ev.altKey || ev.metaKey) return true;
  const key = ev.key.toLowerCase();
  if (key === 'c' && (term.hasSelection() || ev.shiftKey)) {
    if (term.hasSelection()) void navigator.clipboard?.writeText(term.getSelection()).catch(() => {});
    term.clearSelection();
    ev.preventDefault();
    return false;
  }
  if (key === 'v') return false; // the paste event follows; xterm.js takes the text from it
  return true;
});

// --- status ---------------------------------------------------------------------------------
let notice = '';
let noticeTimer: ReturnType<typeof setTimeout> | undefined;
let last: Status = { image };
const fmtBytes = (n: number) => (n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KB` : `${(n / (1 << 20)).toFixed(1)} MB`);
function showStatus(): void {
  const s = last;
  const parts = [`image: ${s.image}`];
  if (s.ips !== undefined) parts.push(`${(s.ips / 1e6).toFixed(1)} M instructions/s`);
  if (s.store) {
    const state = s.saved === 'saving' ? 'saving…' : s.saved === 'unsaved' ? 'not saved yet' : s.saved === 'failed' ? 'saving failed'
      : s.saved === 'saved' ? `saved (${fmtBytes(s.savedBytes ?? 0)})` : 'none yet';
    parts.push(`changes in ${s.store}: ${state}`);
  }
  if (s.machine) {
    parts.push(s.machine === 'saving' ? 'saving the machine…' : s.machine === 'failed' ? 'the machine was not saved'
      : s.machine === 'resumed' ? 'machine resumed' : `machine saved (${fmtBytes(s.machineBytes ?? 0)})`);
  }
  if (s.message) parts.push(s.message);
  if (notice) parts.push(notice);
  $('status').textContent = parts.join(' · ');
  $('status').dataset.saved = s.saved ?? '';
  $('status').dataset.machine = s.machine ?? '';
  $('status').dataset.machineSavedAt = String(s.machineSavedAt ?? '');
}
function flash(text: string): void {
  notice = text;
  showStatus();
  if (noticeTimer !== undefined) clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { notice = ''; showStatus(); }, 6000);
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'output': term.write(m.data); break;
    case 'status': last = m.status; showStatus(); break;
    case 'started': document.body.dataset.started = String(m.ms); break;
    case 'put-done': flash(m.error ? `could not copy ${m.path}: ${m.error}` : `copied to ${m.path}`); break;
    case 'file':
      if (m.error || !m.data) { flash(`cannot download ${m.path}: ${m.error ?? 'no data'}`); break; }
      download(m.path.slice(m.path.lastIndexOf('/') + 1) || 'file', m.data);
      flash(`downloaded ${m.path}`);
      break;
    case 'reset-done': location.reload(); break;
    case 'debug': debugMessage(m); break;
    case 'error':
      term.write(`\r\n\x1b[31mxos: ${m.message}\x1b[0m\r\n`);
      if (/images\/.*HTTP 404/.test(m.message)) {
        term.write(`The image "${image}" is not beside this page (images/${image}.tar). README.md says how to build one.\r\n`);
      }
      last = { ...last, message: 'failed to boot' };
      showStatus();
      break;
  }
};
worker.onerror = (e) => term.write(`\r\n\x1b[31mxos: the worker failed: ${e.message}\x1b[0m\r\n`);

send({ type: 'boot', image, cols: term.cols, rows: term.rows, store });
showStatus();

// --- the debugger: the view (debug-view.ts) on the terminal's foreground process ------------------
let debugView: DebugView | undefined;
let lastSnapshot: DebugSnapshot | undefined;
const snapshotListeners = new Set<(s: DebugSnapshot) => void>();
const debugSend = (a: DebugAction) => send({ type: 'debug', ...a });
const nextSnapshot = () => new Promise<DebugSnapshot>((resolve) => {
  const once = (s: DebugSnapshot) => { snapshotListeners.delete(once); resolve(s); };
  snapshotListeners.add(once);
});
const debugControl: DebugControl = {
  snapshot: () => lastSnapshot ?? nextSnapshot(),
  pause: () => debugSend({ action: 'pause' }),
  step: () => debugSend({ action: 'step' }),
  continue: () => debugSend({ action: 'continue' }),
  select: (tid) => debugSend({ action: 'select', tid }),
  setBreakpoint: (addr) => { debugSend({ action: 'break', addr }); return true; },
  detach: () => debugSend({ action: 'detach' }),
  onStop: (cb) => { snapshotListeners.add(cb); return () => snapshotListeners.delete(cb); },
};
function closeDebugger(): void {
  debugView?.unmount();
  debugView = undefined;
  lastSnapshot = undefined;
  $('debug').hidden = true;
  fit.fit();
  term.focus();
}
function debugMessage(m: Extract<FromWorker, { type: 'debug' }>): void {
  if (m.error) flash(`debugger: ${m.error}`);
  if (m.breakSet === false) flash('debugger: cannot put a breakpoint there');
  if (m.detached) { closeDebugger(); return; }
  if (m.snapshot) {
    lastSnapshot = m.snapshot;
    for (const cb of [...snapshotListeners]) cb(m.snapshot);
  }
}
$('debug-toggle').addEventListener('click', () => {
  if (debugView) { debugSend({ action: 'detach' }); return; }
  $('debug').hidden = false;
  fit.fit();
  debugView = mountDebugView($('debug'), debugControl);
  debugSend({ action: 'attach' });
});

// --- files in and out -----------------------------------------------------------------------
function download(name: string, data: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([data as Uint8Array<ArrayBuffer>]));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

$('download').addEventListener('submit', (e) => {
  e.preventDefault();
  const path = ($('download-path') as HTMLInputElement).value.trim();
  if (path) send({ type: 'get', path: path.startsWith('/') ? path : `/root/${path}` });
  term.focus();
});

$('reset').addEventListener('click', () => {
  if (confirm('Forget every change made in this machine (files written, programs installed, the saved machine) and start again?')) send({ type: 'reset' });
});
$('save').addEventListener('click', () => { send({ type: 'save' }); term.focus(); });
// Hiding the page saves the machine too (a hidden tab's worker finishes it); leaving it asks as
// well, though the worker is stopped before it can end (the worker also saves when the terminal
// has been quiet a moment: that one is resumed). A save cut short keeps the last one.
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') send({ type: 'save' }); });
addEventListener('pagehide', () => send({ type: 'save' }));

document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dropping'); });
document.addEventListener('dragleave', () => document.body.classList.remove('dropping'));
document.addEventListener('drop', (e) => {
  e.preventDefault();
  document.body.classList.remove('dropping');
  for (const f of Array.from(e.dataTransfer?.files ?? [])) {
    void f.arrayBuffer().then((b) => send({ type: 'put', name: f.name, data: new Uint8Array(b) }, [b]));
  }
  term.focus();
});
