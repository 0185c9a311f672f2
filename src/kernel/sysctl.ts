// /proc/sys: the machine's tunables. Each knob reads as Linux prints it and,
// where Linux lets root write it, takes a new value that has its effect here
// (the next pid, System V IPC's limits and next ids, the pipe and inotify
// limits, the open-file ceiling, the map count, the host and domain names of
// the caller's UTS namespace). procfs shows this table (fs/procfs.ts).
import type { Kernel } from './kernel.js';
import type { Process } from './task.js';
import type { SysctlSource } from '../fs/procfs.js';
import { EINVAL, EPERM } from '../base/errno.js';

interface Knob {
  read(p: Process | undefined): string;
  // Absent: read-only (mode 0444). Returns 0 or -errno; `text` is what was written, newline included.
  write?(text: string, p: Process | undefined): number;
}

// The values the kernel consults; the rest of the knobs only keep what root wrote.
export class SysctlValues {
  pidMax = 4194304;
  nrOpen = 1048576;
  fileMax = 9223372036854775807n;
  pipeMaxSize = 1048576;
  pipeUserPagesHard = 0;
  pipeUserPagesSoft = 16384;
  leaseBreakTime = 45;
  maxMapCount = 65530;
  tainted = 0;
  corePattern = 'core';
  // POSIX message queues (/proc/sys/fs/mqueue)
  mqQueuesMax = 256;
  mqMsgMax = 10;
  mqMsgsizeMax = 8192;
  mqMsgDefault = 10;
  mqMsgsizeDefault = 8192;
}

const int = (text: string): number | undefined => {
  const s = text.trim();
  return /^-?[0-9]+$/.test(s) ? Number(s) : undefined;
};

export class Sysctl implements SysctlSource {
  readonly values = new SysctlValues();
  private readonly knobs = new Map<string, Knob>();
  private readonly bootId: string;

  constructor(private readonly k: Kernel) {
    this.bootId = this.uuid();
    const v = this.values;
    const ipc = () => k.ipc.limits;
    const inotify = () => k.vfs.notify.limits;
    // An integer knob: read `get`, write through `set` when in [min, max].
    const num = (get: () => number | bigint, set?: (n: number) => void, min = 0, max = 2 ** 31 - 1): Knob => ({
      read: () => String(get()),
      write: set && ((text) => {
        const n = int(text);
        if (n === undefined || n < min || n > max) return -EINVAL;
        set(n);
        return 0;
      }),
    });
    // An unsigned 64-bit knob.
    const big = (get: () => bigint, set: (n: bigint) => void): Knob => ({
      read: () => String(get()),
      write: (text) => {
        const s = text.trim();
        if (!/^[0-9]+$/.test(s) || BigInt(s) >= 2n ** 64n) return -EINVAL;
        set(BigInt(s));
        return 0;
      },
    });
    const fixed = (s: string): Knob => ({ read: () => s });
    // A value root may change that nothing here consults.
    const kept = (initial: string): Knob => {
      let cur = initial;
      return { read: () => cur, write: (text) => { cur = text.replace(/\n$/, ''); return 0; } };
    };
    const table: Record<string, Knob> = {
      'kernel/ostype': fixed('Linux'),
      'kernel/osrelease': fixed('6.1.0-xos'),
      'kernel/version': fixed('#1 SMP PREEMPT_DYNAMIC xos'),
      'kernel/hostname': {
        read: (p) => this.uts(p).hostname,
        write: (text, p) => this.setUts(p, 'hostname', text),
      },
      'kernel/domainname': {
        read: (p) => this.uts(p).domainname,
        write: (text, p) => this.setUts(p, 'domainname', text),
      },
      'kernel/pid_max': num(() => v.pidMax, (n) => { v.pidMax = n; }, 301, 4194304),
      // the last pid handed out; writing it chooses the next one (checkpoint/restore)
      'kernel/ns_last_pid': num(() => k.lastPid, (n) => { k.lastPid = n; }, 0, 4194304 - 1),
      'kernel/threads-max': kept('126608'),
      'kernel/ngroups_max': fixed('65536'),
      'kernel/cap_last_cap': fixed('40'),
      'kernel/overflowuid': kept('65534'),
      'kernel/overflowgid': kept('65534'),
      'kernel/randomize_va_space': kept('0'),
      'kernel/tainted': num(() => v.tainted, (n) => { v.tainted |= n; }, 0, 2 ** 31 - 1),
      'kernel/core_pattern': {
        read: () => v.corePattern,
        write: (text) => { const s = text.replace(/\n$/, ''); if (s.length >= 128) return -EINVAL; v.corePattern = s; return 0; },
      },
      'kernel/core_uses_pid': kept('0'),
      'kernel/perf_event_paranoid': kept('2'),
      'kernel/kptr_restrict': kept('0'),
      'kernel/dmesg_restrict': kept('0'),
      'kernel/printk': kept('4\t4\t1\t7'),
      'kernel/sched_child_runs_first': kept('0'),
      'kernel/random/uuid': { read: () => this.uuid() },
      'kernel/random/boot_id': { read: () => this.bootId },
      'kernel/random/entropy_avail': fixed('256'),
      'kernel/random/poolsize': fixed('256'),
      // System V IPC
      'kernel/shmmax': big(() => ipc().shmmax, (n) => { ipc().shmmax = n; }),
      'kernel/shmall': big(() => ipc().shmall, (n) => { ipc().shmall = n; }),
      'kernel/shmmni': num(() => ipc().shmmni, (n) => { ipc().shmmni = n; }, 0, 32768),
      'kernel/msgmax': num(() => ipc().msgmax, (n) => { ipc().msgmax = n; }, 0),
      'kernel/msgmnb': num(() => ipc().msgmnb, (n) => { ipc().msgmnb = n; }, 0),
      'kernel/msgmni': num(() => ipc().msgmni, (n) => { ipc().msgmni = n; }, 0, 32768),
      'kernel/sem': {
        read: () => { const l = ipc(); return `${l.semmsl}\t${l.semmns}\t${l.semopm}\t${l.semmni}`; },
        write: (text) => {
          const f = text.trim().split(/\s+/).map(int);
          if (f.length !== 4 || f.some((x) => x === undefined || x < 0) || f[3]! > 32768) return -EINVAL;
          const l = ipc();
          [l.semmsl, l.semmns, l.semopm, l.semmni] = f as number[];
          return 0;
        },
      },
      // the id the next msgget/semget/shmget gives (-1: the usual choice)
      'kernel/msg_next_id': num(() => k.ipc.nextId.msg, (n) => { k.ipc.nextId.msg = n; }, -1),
      'kernel/sem_next_id': num(() => k.ipc.nextId.sem, (n) => { k.ipc.nextId.sem = n; }, -1),
      'kernel/shm_next_id': num(() => k.ipc.nextId.shm, (n) => { k.ipc.nextId.shm = n; }, -1),
      'kernel/shm_rmid_forced': kept('0'),
      'vm/overcommit_memory': num(() => k.account.overcommit, (n) => { k.account.overcommit = n; }, 0, 2),
      'vm/overcommit_ratio': kept('50'),
      'vm/max_map_count': num(() => k.account.maxMapCount, (n) => { k.account.maxMapCount = n; }, 0),
      'vm/swappiness': num(() => 60, () => {}, 0, 200),
      'vm/mmap_min_addr': kept('65536'),
      'vm/drop_caches': { read: () => '0', write: (text) => { const n = int(text); return n !== undefined && n >= 1 && n <= 4 ? 0 : -EINVAL; } },
      'fs/file-max': big(() => v.fileMax, (n) => { v.fileMax = n; }),
      'fs/file-nr': { read: () => `${k.openFiles()}\t0\t${v.fileMax}` },
      'fs/nr_open': num(() => v.nrOpen, (n) => { v.nrOpen = n; }, 64, 1073741816),
      'fs/pipe-max-size': num(() => v.pipeMaxSize, (n) => { v.pipeMaxSize = roundPipe(n); }, 4096, 2 ** 31),
      'fs/pipe-user-pages-hard': num(() => v.pipeUserPagesHard, (n) => { v.pipeUserPagesHard = n; }),
      'fs/pipe-user-pages-soft': num(() => v.pipeUserPagesSoft, (n) => { v.pipeUserPagesSoft = n; }),
      'fs/inotify/max_user_watches': num(() => inotify().watches, (n) => { inotify().watches = n; }),
      'fs/inotify/max_user_instances': num(() => inotify().instances, (n) => { inotify().instances = n; }),
      'fs/inotify/max_queued_events': num(() => inotify().queued, (n) => { inotify().queued = n; }),
      'fs/lease-break-time': num(() => v.leaseBreakTime, (n) => { v.leaseBreakTime = n; }, -(2 ** 31)),
      'fs/leases-enable': kept('1'),
      'fs/protected_symlinks': kept('1'),
      'fs/protected_hardlinks': kept('1'),
      'fs/protected_fifos': kept('1'),
      'fs/protected_regular': kept('2'),
      'fs/suid_dumpable': num(() => 0, () => {}, 0, 2),
      'fs/mqueue/queues_max': num(() => v.mqQueuesMax, (n) => { v.mqQueuesMax = n; }),
      'fs/mqueue/msg_max': num(() => v.mqMsgMax, (n) => { v.mqMsgMax = n; }, 1, 65536),
      'fs/mqueue/msgsize_max': num(() => v.mqMsgsizeMax, (n) => { v.mqMsgsizeMax = n; }, 128, 16777216),
      'fs/mqueue/msg_default': num(() => v.mqMsgDefault, (n) => { v.mqMsgDefault = n; }, 1, 65536),
      'fs/mqueue/msgsize_default': num(() => v.mqMsgsizeDefault, (n) => { v.mqMsgsizeDefault = n; }, 128, 16777216),
      'net/core/somaxconn': kept('4096'),
      'net/ipv4/ip_local_port_range': kept('32768\t60999'),
    };
    for (const [name, knob] of Object.entries(table)) this.knobs.set(name, knob);
  }

  names(): string[] { return [...this.knobs.keys()]; }
  writable(name: string): boolean { return !!this.knobs.get(name)?.write; }
  read(name: string, p?: Process): string | undefined { const k = this.knobs.get(name); return k ? k.read(p) + '\n' : undefined; }
  write(name: string, text: string, p?: Process): number {
    const knob = this.knobs.get(name);
    if (!knob?.write) return -EPERM;
    return knob.write(text, p);
  }

  private uts(p: Process | undefined): { hostname: string; domainname: string } { return p?.uts ?? this.k.uts; }
  private setUts(p: Process | undefined, which: 'hostname' | 'domainname', text: string): number {
    const s = text.replace(/\n$/, '');
    if (s.length > 64) return -EINVAL;
    this.uts(p)[which] = s;
    return 0;
  }
  private uuid(): string {
    const b = new Uint8Array(16);
    this.k.host.random(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

// Pipe sizes are a power of two pages, as Linux rounds them.
export function roundPipe(n: number): number {
  let size = 4096;
  while (size < n) size *= 2;
  return size;
}
