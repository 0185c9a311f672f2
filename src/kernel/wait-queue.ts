// A set of tasks waiting for something to change: wait() gives a promise that
// settles at the next notify().
export class WaitQueue {
  private waiters: (() => void)[] = [];
  wait(): Promise<void> { return new Promise((resolve) => this.waiters.push(resolve)); }
  notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
