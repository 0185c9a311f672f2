// The kernel's part of a snapshot: which of its objects are the machine's own
// (made again by the machine that restores: the host, the core, the pseudo
// file systems; "twins" among them get their saved state written into the new
// machine's object of the same name), how each class is saved (what it skips,
// how it is rebuilt), and what is re-armed once the graph is read back:
// memory frames, the core's caches, timers, and every blocked task, which runs
// its syscall again as after a signal under SA_RESTART (a spurious wakeup: the
// call blocks again on what it waits for, with what its wait record kept).
import type { Kernel } from '../kernel.js';
import { Registry, type RestoreContext } from './codec.js';
import { HostLink, relisten } from '../../net/tcp-host.js';
import { TcpSocket } from '../../net/tcp.js';
import { UdpSocket } from '../../net/udp.js';
import { KernelTreeFs, NodeCache, SavedNodes } from '../../fs/backend.js';
import { kernelClasses } from './classes.js';
import { Timer } from '../timers.js';
import { WaitQueue, Blocked } from '../../base/wait.js';
import { PipeEnd } from '../../fs/pipe.js';
import { TimerFd } from '../sys-fdevents.js';
import { rearmTimers } from '../sys-timer.js';
import { Vfs } from '../../fs/vfs.js';
import { Kernel as KernelClass } from '../kernel.js';
import { Sysctl } from '../sysctl.js';
import { TimerQueue } from '../timers.js';
import { PhysMem, type FrameDump } from '../../mm/phys.js';
import { PageCache } from '../../mm/page-cache.js';
import { MemfdStore } from '../sys-memfd.js';
import { DevFs, CharDevice } from '../../fs/devfs.js';
import { Locks } from '../../fs/locks.js';
import { Leases } from '../../fs/leases.js';
import { NetStack } from '../../net/stack.js';
import { Epoll } from '../../fs/epoll.js';
import { AsyncIo } from '../async-io.js';
import { ProcFs } from '../../fs/procfs.js';
import { SysFs } from '../../fs/sysfs.js';
import { StaticFileFs } from '../../fs/static-file.js';
import { ImageFs, type ImageNode } from '../../fs/image.js';
import { OverlayFs } from '../../fs/overlay.js';
import { TrackedFs } from '../../fs/layer-store.js';

// Fields that are the machine's wiring, not its state: kept from the machine that restores (the
// futex queues hold the watchers of live waits: a woken waiter queues itself again).
const KERNEL_SKIP = ['host', 'core', 'phys', 'args', 'reports', 'timers', 'wake', 'running', 'current', 'exitWaiters',
  'objectIds', 'sockCtx', 'faultError', 'injected', 'vdsoCache', 'writebackTimer', 'futexes', 'bootRealtimeNs', 'budget', 'pidsMax', 'strace', 'debug'];

export function kernelRegistry(): Registry {
  const r = kernelClasses();
  r.refine(Timer, { replace: () => undefined });
  r.refine(NodeCache, { replace: (c: NodeCache<unknown, object>) => c.saved() });
  // read back, it becomes the cache again in place (its holders refer to it)
  r.refine(SavedNodes, {
    restore: (o: SavedNodes<unknown, object>) => {
      const c = o.revive();
      delete (o as { entries?: unknown }).entries;
      Object.setPrototypeOf(o, NodeCache.prototype);
      Object.assign(o, c);
    },
  });
  r.refine(WaitQueue, { skip: ['watchers'], restore: (q: WaitQueue) => { (q as unknown as { watchers: Set<unknown> }).watchers = new Set(); } });
  // a wait is kept as what it waits on (the record and its deadline): its sources are watched
  // again when the woken call blocks again
  r.refine(Blocked, { skip: ['disarm', 'sources'], restore: (b: Blocked) => { (b as unknown as { sources: unknown[] }).sources = []; } });
  r.refine(PipeEnd, {
    skip: ['hostTime'],
    restore: (f: PipeEnd, ctx) => {
      const k = ctx.external<Kernel>('kernel');
      (f as unknown as { hostTime: () => bigint }).hostTime = () => k.host.realtimeNs();
    },
  });
  r.refine(TimerFd, { restore: (f: TimerFd) => { (f as unknown as { arm(): void }).arm(); } });
  r.refine(KernelClass, { skip: KERNEL_SKIP });
  // its layers are the restoring machine's (named by kernelRoles: the image by digest, the upper with its state)
  r.refine(OverlayFs, { skip: ['lower', 'upper'] });
  r.refine(Vfs, { skip: ['host', 'proc', 'fifos', 'named', 'unnamed', 'budget', 'net', 'devfs', 'setup', 'live', 'caller', 'leases'] }); // (leases are not kept: README)
  r.refine(Epoll, { skip: ['ids', 'now'], restore: (e: Epoll, ctx) => { const k = ctx.external<Kernel>('kernel'); e.restored(() => k.host.realtimeNs()); } });
  // O_ASYNC owners travel with their descriptions; the watches are armed again by resumeKernel
  r.refine(AsyncIo, { skip: ['watches'], restore: (a: AsyncIo) => { (a as unknown as { watches: WeakMap<object, unknown> }).watches = new WeakMap(); } });
  // host connections cannot travel: a socket that had one reads as reset; a --net host socket's
  // port is listened on (TCP) or opened (UDP) again on the restoring host (README)
  r.refine(NetStack, { skip: ['host', 'dns', 'udpFlows', 'listeners', 'interfaces', 'mode', 'hostname', 'publish', 'hosts', 'afterRestore'] });
  const later = (ctx: RestoreContext, f: () => void) => ctx.external<Kernel>('kernel').net.afterRestore.push(f);
  r.refine(HostLink, { skip: ['stream'], restore: (l: HostLink, ctx) => later(ctx, () => l.lost()) });
  r.refine(TcpSocket, {
    skip: ['hostListener', 'hostBinding'],
    restore: (s: TcpSocket, ctx) => { if (s.stack.mode === 'host') later(ctx, () => relisten(s)); },
  });
  r.refine(UdpSocket, { skip: ['hostSock', 'hostPending', 'hostBinding'], restore: (u: UdpSocket, ctx) => later(ctx, () => u.reopenHost()) });
  r.refine(CharDevice, { skip: ['r', 'w'], restore: (c: CharDevice, ctx) => c.rewire(ctx.external<Kernel>('kernel').vfs.devices) });
  r.refine(Leases, { skip: ['nodeOf'], restore: (l: Leases) => l.rebuildKeys() });
  r.refine(Locks, { skip: ['keyOf'], restore: (l: Locks) => l.rebuildKeys() });
  r.refine(Sysctl, { skip: ['k', 'knobs'] });
  r.refine(TimerQueue, { skip: ['entries', 'armedAt', 'handle', 'host', 'onError', 'seq'] });
  r.refine(PhysMem, { skip: ['core', 'budget', 'maxFrames', 'pending', 'store', 'pendingCount', 'written', 'lastDump'] });
  r.refine(PageCache, { skip: ['core', 'phys', 'budget'] });
  r.refine(MemfdStore, { skip: ['budget'] });
  return r;
}

// The kernel's objects that the restoring machine makes itself, by name; `twins` have state.
export function kernelRoles(k: Kernel): { names: Map<object, string>; twins: Set<object> } {
  const names = new Map<object, string>();
  const twins = new Set<object>();
  const ext = (o: object | undefined, name: string, twin = false) => {
    if (!o) return;
    names.set(o, name);
    if (twin) twins.add(o);
  };
  ext(k, 'kernel', true);
  ext(k.host, 'host');
  // the console: a restored machine's is the new host's stdio
  ext(k.host.stdin, 'host-stdin');
  ext(k.host.stdout, 'host-stdout');
  ext(k.host.stderr, 'host-stderr');
  ext(k.core, 'core');
  ext(k.phys, 'phys', true);
  ext(k.budget, 'budget', true);
  ext(k.account, 'account', true);
  ext(k.pageCache, 'page-cache', true);
  ext(k.timers, 'timers', true);
  ext(k.reports, 'reports');
  ext((k as unknown as { args: object }).args, 'args');
  ext(k.sysctl, 'sysctl', true);
  ext(k.memfds, 'memfds', true);
  ext(k.realtime, 'realtime');
  ext(k.sockContext, 'sock-ctx');
  ext(k.net, 'net', true);
  ext(k.net.host, 'net-host');
  ext(k.net.dns, 'dns');
  ext(k.vfs, 'vfs', true);
  // leases are not kept (README): references to the table are the restoring machine's
  ext((k.vfs as unknown as { leases: object }).leases, 'leases');
  // the file systems the machine made at boot, by device number
  // (those that are views of the kernel, with nothing of their own, are made anew)
  for (const [b, dev] of (k.vfs.mounts as unknown as { shared: { devs: Map<object, number> } }).shared.devs) {
    const image = b instanceof ImageFs ? b : b instanceof OverlayFs && b.lower instanceof ImageFs ? b.lower : undefined;
    if (image) imageRoles(image, b === image ? `dev:${dev}` : `dev:${dev}:lower`, ext);
    // an overlay's writable layer is the restoring machine's own (the page wraps it to see changes), with the state saved
    if (b instanceof OverlayFs) ext(b.upper instanceof TrackedFs ? b.upper.inner : b.upper, `dev:${dev}:upper`, true);
    const anew = b instanceof DevFs || b instanceof ProcFs || b instanceof SysFs || b instanceof StaticFileFs;
    if (b !== image) ext(b, `dev:${dev}`, !anew);
    // a tree made anew names its nodes by path (a mount on /dev/shm stands on one of them)
    if (anew && b instanceof KernelTreeFs) for (const [path, n] of b.liveNodes()) ext(n, `dev:${dev}:path:${path}`);
  }
  return { names, twins };
}

// The restoring machine's object for a name kernelRoles gives only on demand: a node of a tree
// made anew, by its path.
export function kernelExternal(k: Kernel, name: string): object | undefined {
  const m = /^dev:(\d+):path:(\/.*)$/.exec(name);
  if (!m) return undefined;
  for (const [b, dev] of (k.vfs.mounts as unknown as { shared: { devs: Map<object, number> } }).shared.devs) {
    if (dev === Number(m[1]) && b instanceof KernelTreeFs) return b.node(m[2]);
  }
  return undefined;
}

// A read-only image is not in the snapshot (its digest is, kept by the embedder): the restoring
// machine loads the same image, whose nodes have the same inode numbers, so the image and each
// of its nodes are named by them.
function imageRoles(fs: ImageFs, name: string, ext: (o: object, name: string) => void): void {
  ext(fs, name);
  const visit = (n: ImageNode) => {
    ext(n, `${name}:${n.ino}`);
    if (n.children) for (const c of n.children.values()) visit(c);
  };
  visit(fs.root);
}

// After the graph is read into the new machine: memory back in place (the page tables and what the
// page cache holds now, the private pages of the processes at their first touch), caches of the core
// forgotten, timers re-armed, every blocked task woken to run its syscall again, and the scheduler started.
export function resumeKernel(k: Kernel, frames: FrameDump): boolean {
  if (!k.phys.loadFrames(frames)) return false;
  const lazy = new Set<number>(), eager = new Set<number>();
  for (const mm of new Set(k.tasks.map((t) => t.proc.mm))) mm.deferPages(lazy, eager);
  k.phys.loadRest((f) => lazy.has(f) && !eager.has(f));
  k.core.tlbFlush();
  k.core.flushBlocks();
  k.core.jitClear(); // (a snapshot carries no compiled code; none of this machine's may run its frames)
  for (const p of k.processes.values()) if (p.alive) rearmTimers(k, p);
  // open files: their names followed again through renames and unlinks, their O_ASYNC owners watched
  const seen = new Set<object>();
  for (const p of k.processes.values()) if (p.alive) p.files.each((f) => {
    if (seen.has(f)) return;
    seen.add(f);
    if (f.node && !seen.has(f.node)) { seen.add(f.node); k.vfs.trackName(f.node); }
    k.asyncIo.rearm(k, f);
  });
  k.net.resumed();
  for (const t of k.tasks) {
    const st = t.state;
    if (st.kind === 'blocked') {
      t.state = { kind: 'runnable' };
      t.resumed = st.wait;
    }
  }
  k.kick();
  return true;
}
