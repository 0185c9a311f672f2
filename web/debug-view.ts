// The page's debugger view, a module of its own: buttons to pause, step one
// instruction and continue, the thread shown, its registers (general, flags,
// segments; x87, SSE and AVX folded), and the disassembly around RIP from the
// core's own decoder. It works on anything with DebugSession's shape (the session
// itself, or a proxy of one in a Worker), so a page mounts it where it likes:
//
//   const view = mountDebugView(document.getElementById('debug')!, machine.debugSession(p.pid));
//   view.unmount();
import type { DebugSnapshot } from '../src/host/debug-session.js';

export interface DebugControl {
  snapshot(): DebugSnapshot | Promise<DebugSnapshot>;
  pause(): void;
  step(): void;
  continue(): void;
  select?(tid: number): void;
  setBreakpoint?(addr: number): boolean | Promise<boolean>;
  detach?(): void; // shown as a Detach button when there
  onStop(cb: (s: DebugSnapshot) => void): () => void;
}

export interface DebugView {
  refresh(): Promise<void>;
  unmount(): void;
  readonly last?: DebugSnapshot;
}

const STYLE = `
.xos-dbg { font: 12px/1.4 ui-monospace, monospace; color: #ddd; background: #1e1e1e; padding: 8px; display: grid;
  grid-template-columns: minmax(22em, 1fr) 2fr; gap: 8px; }
.xos-dbg-bar { grid-column: 1 / -1; display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.xos-dbg button { font: inherit; }
.xos-dbg-state { margin-left: 8px; color: #9cdcfe; }
.xos-dbg table { border-collapse: collapse; }
.xos-dbg td { padding: 0 8px 0 0; white-space: pre; }
.xos-dbg-name { color: #c586c0; }
.xos-dbg-changed { color: #f48771; }
.xos-dbg-asm .xos-dbg-addr { color: #808080; }
.xos-dbg-asm .xos-dbg-bytes { color: #6a9955; }
.xos-dbg-asm tr.xos-dbg-current { background: #264f78; }
.xos-dbg details { margin-top: 6px; }
`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export function mountDebugView(root: HTMLElement, control: DebugControl): DebugView {
  if (!document.getElementById('xos-dbg-style')) {
    const style = el('style', { id: 'xos-dbg-style' }, STYLE);
    document.head.append(style);
  }
  const box = el('div', { class: 'xos-dbg' });
  const bar = el('div', { class: 'xos-dbg-bar' });
  const button = (name: string, label: string, act: () => void) => {
    const b = el('button', { 'data-action': name }, label);
    b.addEventListener('click', act);
    bar.append(b);
    return b;
  };
  const pause = button('pause', 'Pause', () => control.pause());
  const step = button('step', 'Step', () => control.step());
  const cont = button('continue', 'Continue', () => { control.continue(); void view.refresh(); });
  const threads = el('select', { 'data-field': 'thread' });
  threads.addEventListener('change', () => { control.select?.(Number(threads.value)); void view.refresh(); });
  bar.append(threads);
  if (control.setBreakpoint) {
    const input = el('input', { 'data-field': 'break', placeholder: 'break at 0x…', size: '14' });
    const set = button('break', 'Break', () => {
      const addr = Number(input.value.trim());
      if (Number.isSafeInteger(addr)) void Promise.resolve(control.setBreakpoint!(addr)).then((ok) => { input.value = ok ? '' : 'cannot'; });
    });
    bar.insertBefore(input, set);
  }
  if (control.detach) button('detach', 'Detach', () => control.detach!());
  const state = el('span', { class: 'xos-dbg-state', 'data-field': 'state' });
  bar.append(state);
  const regs = el('div', { 'data-field': 'registers' });
  const asm = el('div', { class: 'xos-dbg-asm', 'data-field': 'disassembly' });
  box.append(bar, regs, asm);
  root.append(box);

  let last: DebugSnapshot | undefined;
  const render = (s: DebugSnapshot) => {
    const before = new Map((last?.registers ?? []).map((r) => [r.name, r.value]));
    last = s;
    state.textContent = s.state === 'stopped' ? `stopped (${s.why}), thread ${s.tid}` : s.state === 'exited' ? s.why : 'running';
    pause.disabled = s.state !== 'running';
    step.disabled = cont.disabled = s.state !== 'stopped';
    threads.replaceChildren(...s.threads.map((tid) => {
      const o = el('option', { value: String(tid) }, `thread ${tid}`);
      o.selected = tid === s.tid;
      return o;
    }));
    const table = (rows: typeof s.registers) => {
      const t = el('table');
      for (const r of rows) {
        const tr = el('tr', { 'data-reg': r.name });
        tr.append(el('td', { class: 'xos-dbg-name' }, r.name),
          el('td', { class: before.has(r.name) && before.get(r.name) !== r.value ? 'xos-dbg-changed' : '' }, r.value));
        t.append(tr);
      }
      return t;
    };
    const groups = (g: string[]) => s.registers.filter((r) => g.includes(r.group));
    const folded = (title: string, g: string[]) => {
      const d = el('details');
      d.append(el('summary', {}, title), table(groups(g)));
      return d;
    };
    regs.replaceChildren(table(groups(['general', 'flags', 'segment'])), folded('x87', ['x87']), folded('SSE', ['sse']), folded('AVX (upper halves)', ['avx']));
    const t = el('table');
    for (const l of s.disassembly) {
      const tr = el('tr', { class: l.current ? 'xos-dbg-current' : '', 'data-addr': `0x${l.addr.toString(16)}` });
      tr.append(el('td', { class: 'xos-dbg-addr' }, `${l.current ? '=>' : '  '} 0x${l.addr.toString(16)}`),
        el('td', { class: 'xos-dbg-bytes' }, l.bytes), el('td', {}, l.text));
      t.append(tr);
    }
    asm.replaceChildren(t);
  };
  const off = control.onStop(render);
  const view: DebugView = {
    async refresh() { render(await control.snapshot()); },
    unmount() { off(); box.remove(); },
    get last() { return last; },
  };
  void view.refresh();
  return view;
}
