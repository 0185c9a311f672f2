// What the terminals (src/fs/pty.ts) need of the kernel: who is calling, and
// signals for processes and process groups (job control).
import type { Kernel } from './kernel.js';
import type { TtyCaller, TtyJobs } from '../fs/pty.js';
import { SIG_IGN } from './task.js';
import { sigbit } from './signal.js';

export function ttyJobs(k: Kernel): TtyJobs {
  return {
    caller(): TtyCaller | undefined {
      const t = k.current;
      if (!t) return undefined;
      const p = t.proc;
      return {
        pid: p.pid, pgid: p.pgid, sid: p.sid, uid: p.creds.euid, gid: p.creds.egid,
        ignores: (signo) => (t.sigmask & sigbit(signo)) !== 0n || p.sigactions[signo].handler === SIG_IGN,
        resumed: t.resumed,
      };
    },
    signalGroup: (pgid, signo) => k.signalGroup(pgid, signo),
    signalProcess(pid, signo) {
      const p = k.processes.get(pid);
      if (p) k.signalProcess(p, { signo, code: 0x80 /* SI_KERNEL */ });
    },
    // POSIX: no member has a parent in another group of the same session
    orphaned(pgid) {
      for (const p of k.processes.values()) {
        const up = p.parent;
        if (p.alive && p.pgid === pgid && up && up.alive && up.pgid !== pgid && up.sid === p.sid) return false;
      }
      return true;
    },
    sessionOfGroup(pgid) {
      for (const p of k.processes.values()) if (p.alive && p.pgid === pgid) return p.sid;
      return undefined;
    },
  };
}
