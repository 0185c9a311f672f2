// A syscall that cannot finish now returns Blocked: the task parks until
// `until` settles, then the syscall runs again from the start (the handler
// must not have changed anything it would redo).
export class Blocked {
  constructor(readonly until: Promise<unknown>) {}
}
export type SyscallResult = number | Blocked;
