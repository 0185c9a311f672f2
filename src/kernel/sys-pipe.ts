// pipe(2) and pipe2(2).
import type { SyscallDef, Handler } from './syscall.js';
import { EFAULT, EINVAL } from '../base/errno.js';
import { makePipe } from '../fs/pipe.js';
import { O_CLOEXEC, O_NONBLOCK, O_DIRECT } from '../fs/file.js';
import { release } from '../fs/file.js';

function pipe2(t: Parameters<Handler>[0], k: Parameters<Handler>[2], addr: number, flags: number): number {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) return -EINVAL;
  const [r, w] = makePipe(flags, () => k.host.realtimeNs(), k.vfs.anonIno(), k.budget);
  const files = t.proc.files;
  const fr = files.install(r, !!(flags & O_CLOEXEC));
  if (fr < 0) { release(r); release(w); return fr; }
  const fw = files.install(w, !!(flags & O_CLOEXEC));
  if (fw < 0) { files.close(fr); release(w); return fw; }
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, fr, true);
  dv.setInt32(4, fw, true);
  if (!t.proc.mm.write(addr, b)) { files.close(fr); files.close(fw); return -EFAULT; }
  return 0;
}

const sysPipe: Handler = (t, a, k) => pipe2(t, k, a.u(0), 0);
const sysPipe2: Handler = (t, a, k) => pipe2(t, k, a.u(0), a.i(1));

export const pipeSyscalls: SyscallDef[] = [
  { nr: 22, name: 'pipe', handler: sysPipe, args: ['ptr'], status: 'implemented' },
  { nr: 293, name: 'pipe2', handler: sysPipe2, args: ['ptr', 'hex'], status: 'partial', note: 'O_DIRECT (packet mode) is accepted but pipes stay byte streams' },
];
