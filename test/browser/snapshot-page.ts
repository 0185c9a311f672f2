// The snapshot test's page script (served as dist/test/browser/snapshot-page.js): the
// package's browser Machine on an image served beside it, exposing window.__snap for
// test/browser-snapshot.test.ts: start a program and save the machine mid-run, or restore
// a snapshot (taken here or in Node) and read what its process prints to its end. (`node
// --test dist/test/` loads every file under it, this one too: outside a page it does nothing.)
import { Machine, compileCore, type MachineProcess } from '../../src/host/browser/index.js';

export interface Saved { head: string; snapBase64: string }
export interface Finished { text: string; exitCode: number | null; signal: number | null; processes: number }
interface SnapApi {
  // Start argv on the image at `image`, let it run `ms`, save the machine: what it printed before, and the snapshot.
  save(image: string, argv: string[], ms: number): Promise<Saved>;
  // Restore a snapshot (its image fetched from `image`) and let its one process run to its end.
  finish(snapBase64: string, image: string): Promise<Finished>;
  // Start argv, let it run `ms`, clone the machine: what it printed before, and what the clone's copy prints to its end.
  clone(image: string, argv: string[], ms: number): Promise<{ head: string; rest: string; exitCode: number | null }>;
  // A snapshot that is refused: the error's message.
  refused(snapBase64: string, image?: string): Promise<string>;
}
declare global { interface Window { __snap?: SnapApi; __snapLoadError?: string } }

function base64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return btoa(s);
}
const bytesOf = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const tick = () => new Promise((r) => setTimeout(r, 0));

// Everything the process prints, as it comes.
function collect(p: MachineProcess): { text: () => string; done: Promise<void> } {
  let text = '';
  const dec = new TextDecoder();
  const reader = p.stdout.getReader();
  const done = (async () => {
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      text += dec.decode(value, { stream: true });
    }
  })();
  return { text: () => text, done };
}

if (typeof document !== 'undefined') {
  const core = compileCore();
  core.then(() => { document.getElementById('log')!.textContent += 'core compiled\n'; }, (e: unknown) => { window.__snapLoadError = String(e); });
  window.__snap = {
    async save(image, argv, ms) {
      const m = await Machine.create({ core: await core, image });
      const p = m.spawn(argv);
      const out = collect(p);
      await new Promise((r) => setTimeout(r, ms));
      await tick(); // what was read from the pipe has reached `out`
      const head = out.text(); // (snapshot() reads the machine before it first waits: nothing comes between)
      const snap = await m.snapshot();
      m.close();
      return { head, snapBase64: base64(snap) };
    },
    async finish(snapBase64, image) {
      const m = await Machine.restore(bytesOf(snapBase64), { core: await core, image });
      const p = m.processes[0];
      const out = collect(p);
      const st = await p.wait();
      await out.done;
      m.close();
      return { text: out.text(), exitCode: st.exitCode, signal: st.signal, processes: m.processes.length };
    },
    async clone(image, argv, ms) {
      const m = await Machine.create({ core: await core, image });
      const out = collect(m.spawn(argv));
      await new Promise((r) => setTimeout(r, ms));
      await tick();
      const head = out.text();
      const c = await m.clone();
      m.close();
      const p = c.processes[0];
      const rest = collect(p);
      const st = await p.wait();
      await rest.done;
      c.close();
      return { head, rest: rest.text(), exitCode: st.exitCode };
    },
    async refused(snapBase64, image) {
      try {
        const m = await Machine.restore(bytesOf(snapBase64), { core: await core, image });
        m.close();
        return 'restored';
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    },
  };
}
