// The debug view's own test page (test/browser/debug.html, served as
// dist/test/browser/debug-page.js): runs the program whose URL the query names
// (?program=/programs/NAME&args=a,b) in a browser Machine, stopped at its first
// instruction, and mounts the view (web/debug-view.ts) on it. window.__xosDebug gives
// the session and the view to test/debug-view.test.ts. (Outside a page it does nothing.)
import { Machine, type DebugSession } from '../../src/host/browser/index.js';
import { mountDebugView, type DebugView } from '../../web/debug-view.js';

declare global { interface Window { __xosDebug?: { session: DebugSession; view: DebugView; exited: Promise<unknown> }; __xosDebugError?: string } }

async function start(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const url = q.get('program');
  if (!url) throw new Error('no ?program= to run');
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const m = await Machine.create({ files: { '/bin/program': new Uint8Array(await res.arrayBuffer()) } });
  const args = q.get('args')?.split(',').filter(Boolean) ?? [];
  const p = m.spawn(['/bin/program', ...args], { debug: true });
  const session = m.debugSession(p.pid);
  const view = mountDebugView(document.getElementById('debug')!, session);
  const out = document.getElementById('output')!;
  const dec = new TextDecoder();
  void p.stdout.pipeTo(new WritableStream({ write(b) { out.textContent += dec.decode(b, { stream: true }); } }));
  window.__xosDebug = { session, view, exited: p.wait() };
}

if (typeof document !== 'undefined') {
  start().catch((e: unknown) => {
    window.__xosDebugError = String(e);
    document.getElementById('output')!.textContent = `error: ${String(e)}`;
  });
}
