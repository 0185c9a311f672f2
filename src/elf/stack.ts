// The initial process stack: argc, argv, envp, auxv and the strings they point to.
import { AddressSpace, STACK_TOP, PROT_READ, PROT_WRITE, pageCeil } from '../mm/address-space.js';
import { E2BIG, ENOMEM } from '../base/errno.js';

export const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
  AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16,
  AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31, AT_SYSINFO_EHDR = 33,
  AT_MINSIGSTKSZ = 51;

export const INITIAL_STACK = 132 * 1024;
// Linux's limits on what execve copies: all strings with their pointers at most a quarter of the
// stack limit, and at most three quarters of _STK_LIM (6 MiB) however large the stack limit (at
// least 32 pages); each string at most 32 pages (MAX_ARG_STRLEN).
export const MAX_ARG_STRLEN = 32 * 4096;
export function argMax(stackLimit: bigint): number {
  return Math.max(32 * 4096, Math.min(6 * 2 ** 20, Number((stackLimit > 1n << 40n ? 1n << 40n : stackLimit) / 4n)));
}

export interface StackSpec {
  argv: Uint8Array[];
  envp: Uint8Array[];
  execfn: Uint8Array;
  random: Uint8Array; // 16 bytes for AT_RANDOM
  auxv: [number, number][]; // without AT_RANDOM, AT_EXECFN, AT_PLATFORM, AT_NULL
}

// Map the stack and fill it; returns the initial RSP, or -E2BIG (the arguments exceed
// `argMax` bytes, or one exceeds MAX_ARG_STRLEN) or -ENOMEM.
export function buildStack(mm: AddressSpace, s: StackSpec, argMaxBytes: number): number {
  let strings = 0;
  for (const a of [...s.argv, ...s.envp]) {
    if (a.length + 1 > MAX_ARG_STRLEN) return -E2BIG;
    strings += a.length + 1 + 8; // the string and its pointer
  }
  if (strings > argMaxBytes) return -E2BIG;
  const size = pageCeil(INITIAL_STACK + strings + s.execfn.length + 4096);
  if (!mm.map(STACK_TOP - size, size, PROT_READ | PROT_WRITE, { growsDown: true, name: '[stack]' })) return -ENOMEM;
  const enc = new TextEncoder();
  let p = STACK_TOP - 8;
  let failed = false;
  const put = (bytes: Uint8Array): number => {
    p -= bytes.length;
    if (!mm.write(p, bytes)) failed = true;
    return p;
  };
  const z = (b: Uint8Array) => { const o = new Uint8Array(b.length + 1); o.set(b); return o; };
  const execfn = put(z(s.execfn));
  const envAddrs: number[] = [];
  for (let i = s.envp.length - 1; i >= 0; i--) envAddrs.unshift(put(z(s.envp[i])));
  const argAddrs: number[] = [];
  for (let i = s.argv.length - 1; i >= 0; i--) argAddrs.unshift(put(z(s.argv[i])));
  const platform = put(enc.encode('x86_64\0'));
  p -= p % 16;
  const random = put(s.random);
  p -= p % 16;
  const aux: [number, number][] = [...s.auxv, [AT_RANDOM, random], [AT_EXECFN, execfn], [AT_PLATFORM, platform], [AT_NULL, 0]];
  const words = 1 + argAddrs.length + 1 + envAddrs.length + 1 + aux.length * 2;
  let sp = p - words * 8;
  sp -= sp % 16;
  if (failed || sp < STACK_TOP - size + 4096) return -ENOMEM;
  const vec = new BigUint64Array(words);
  let i = 0;
  vec[i++] = BigInt(argAddrs.length);
  for (const a of argAddrs) vec[i++] = BigInt(a);
  vec[i++] = 0n;
  for (const a of envAddrs) vec[i++] = BigInt(a);
  vec[i++] = 0n;
  for (const [k, v] of aux) { vec[i++] = BigInt(k); vec[i++] = BigInt.asUintN(64, BigInt(v)); }
  return mm.write(sp, new Uint8Array(vec.buffer)) ? sp : -ENOMEM;
}
