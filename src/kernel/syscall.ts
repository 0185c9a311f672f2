// The syscall table's row type. Each family file (sys-*.ts) exports its rows;
// syscall-table.ts joins them into the one table the dispatcher, --strace and
// `xos syscalls` use.
import type { Task } from './task.js';
import type { Args } from './args.js';
import type { Kernel } from './kernel.js';
import type { SyscallResult } from '../base/wait.js';

// Argument kinds, for the strace formatter.
export type ArgKind =
  | 'int' | 'uint' | 'hex' | 'ptr' | 'size' | 'off' | 'fd' | 'dirfd' | 'path' | 'str' | 'ibuf' | 'obuf' | 'flags'
  | 'mode' | 'signal';

// Handlers return a result (>= 0), -errno, Blocked, or NO_RESULT when they set
// the registers themselves (rt_sigreturn, execve, exit).
export const NO_RESULT = 'no-result' as const;
export type Handler = (t: Task, a: Args, k: Kernel) => SyscallResult | typeof NO_RESULT;

export interface SyscallDef {
  nr: number;
  name: string;
  handler?: Handler;
  args: ArgKind[];
  status: 'implemented' | 'partial' | 'missing';
  note?: string;
  // After a signal interrupts it: 'never' → EINTR even with SA_RESTART (poll, nanosleep, sigsuspend…).
  restart?: 'never';
  // Runs when a signal ends the blocked call with EINTR, with the call's
  // arguments and its wait in t.resumed (nanosleep writes the time left).
  interrupted?: (t: Task, a: Args, k: Kernel) => void;
}
