// Signals in GDB's remote protocol have GDB's own numbers (gdb/signals.def), not
// the target's: stop replies, exit replies and C/S/vCont's signals are translated.

// Linux's signal n (index) as GDB numbers it; 143 is GDB_SIGNAL_UNKNOWN (SIGSTKFLT has none).
const LINUX_TO_GDB = [
  0, 1, 2, 3, 4, 5, 6, 10, 8, 9, 30, 11, 31, 13, 14, 15,
  143, 20, 19, 17, 18, 21, 22, 16, 24, 25, 26, 27, 28, 23, 32, 12,
];
const GDB_UNKNOWN = 143;

export function gdbSignal(linux: number): number {
  if (linux >= 0 && linux < 32) return LINUX_TO_GDB[linux];
  if (linux === 32) return 77;
  if (linux >= 33 && linux <= 63) return linux + 12; // SIG33 is 45
  if (linux === 64) return 78;
  return GDB_UNKNOWN;
}

// A signal GDB names as Linux numbers it; 0 for none Linux has.
export function linuxSignal(gdb: number): number {
  if (gdb === GDB_UNKNOWN) return 0;
  const i = LINUX_TO_GDB.indexOf(gdb);
  if (i >= 0) return i;
  if (gdb === 77) return 32;
  if (gdb >= 45 && gdb <= 75) return gdb - 12;
  if (gdb === 78) return 64;
  return 0;
}
