// What /proc/net and /sys/class/net show of the machine's network. The net
// layer provides it (net/proc-net.ts); procfs and sysfs only list and read it.
export interface NetView {
  // The names under /proc/net, and a file's contents (undefined: no such file).
  readonly procNetNames: readonly string[];
  procNet(name: string): string | undefined;
  // The interfaces' directories under /sys/class/net: each attribute's value when read.
  interfaces(): { name: string; attrs: Record<string, () => string> }[];
}
