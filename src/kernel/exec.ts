// execve: replace a process's image with a new program.
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import { AddressSpace, PAGE, PROT_READ, PROT_EXEC, pageCeil } from '../mm/address-space.js';
import { parseElf, loadElf, elfSpan, ElfError, type FileImage, type ElfInfo } from '../elf/elf.js';
import { buildStack, argMax, AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE, AT_FLAGS, AT_ENTRY, AT_UID, AT_EUID, AT_GID, AT_EGID, AT_HWCAP, AT_HWCAP2, AT_CLKTCK, AT_SECURE, AT_MINSIGSTKSZ, AT_SYSINFO_EHDR } from '../elf/stack.js';
import { ENOEXEC, ENOMEM, E2BIG, ELOOP } from '../base/errno.js';
import { AT_FDCWD } from '../fs/vfs.js';
import type { Process } from './task.js';
import { SIG_IGN, SIG_DFL, releaseVfork } from './task.js';
import { dropPosixTimers } from './sys-timer.js';
import * as L from '../generated/layout.js';

// A failure to start the first program, with the exit status a shell would give.
export class ExecError extends Error {
  constructor(message: string, readonly status: number) { super(message); }
}

const PIE_BASE = 0x5555_5555_4000;
// CPUID.1:EDX, as the core reports it (AT_HWCAP on x86-64 is that word)
const HWCAP = (1 << 0) | (1 << 4) | (1 << 8) | (1 << 15) | (1 << 19) | (1 << 24) | (1 << 25) | (1 << 26);

// Returns 0 on success (registers set for the new image) or -errno.
// `name`: the file name execve was given (the thread's new comm is its last component, as on Linux).
// `at`: execveat's directory descriptor and flags (AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW).
export function execve(k: Kernel, t: Task, path: string, argv: Uint8Array[], envp: Uint8Array[], depth = 0, given?: FileImage, name = path,
  at?: { dirfd: number; flags: number }): number {
  const r = given ? { image: given, path } : k.vfs.openExec(t, path, at?.dirfd, at?.flags);
  if (typeof r !== 'number' && name === '') name = r.path;
  if (typeof r === 'number') return r;
  const image = r.image;
  const head = image.read(0, 256);
  if (head[0] === 0x23 && head[1] === 0x21) return execScript(k, t, r.path, head, argv, envp, depth, name);
  let info;
  try {
    info = parseElf(image);
  } catch (e) {
    if (e instanceof ElfError) { k.lastExecError = e.message; return -ENOEXEC; }
    throw e;
  }
  // a dynamic executable: its interpreter (ld.so) is loaded beside it and starts first
  let interp: { image: FileImage; info: ElfInfo } | undefined;
  if (info.interp) {
    const ir = k.vfs.openExec(t, info.interp);
    if (typeof ir === 'number') { k.lastExecError = `${info.interp}: interpreter not found`; return ir; }
    try {
      const ii = parseElf(ir.image);
      if (ii.interp) throw new ElfError(`interpreter ${info.interp} wants an interpreter itself`);
      interp = { image: ir.image, info: ii };
    } catch (e) {
      if (e instanceof ElfError) { k.lastExecError = `${info.interp}: ${e.message}`; return -ENOEXEC; }
      throw e;
    }
  }
  const p = t.proc;
  const mm = new AddressSpace(k.core, k.phys, k.account, k.pageCache);
  mm.asLimit = p.mm.asLimit;
  let sp: number, entry: number;
  try {
    const loaded = loadElf(mm, image, info, PIE_BASE);
    mm.brkStart = mm.brk = loaded.end;
    let base = 0;
    entry = loaded.entry;
    if (interp) {
      const span = elfSpan(interp.info);
      base = mm.findFree(span);
      if (base < 0) { mm.destroy(); return -ENOMEM; }
      entry = loadElf(mm, interp.image, interp.info, base).entry;
    }
    const vdsoBase = mapVdso(k, mm);
    if (vdsoBase < 0) { mm.destroy(); return vdsoBase; }
    const random = new Uint8Array(16);
    k.host.random(random);
    const c = p.creds;
    sp = buildStack(mm, {
      argv, envp, execfn: new TextEncoder().encode(r.path), random,
      auxv: [
        [AT_PHDR, loaded.phdr], [AT_PHENT, 56], [AT_PHNUM, info.phnum], [AT_PAGESZ, 4096], [AT_BASE, base],
        [AT_FLAGS, 0], [AT_ENTRY, loaded.entry], [AT_UID, c.uid], [AT_EUID, c.euid], [AT_GID, c.gid],
        [AT_EGID, c.egid], [AT_HWCAP, HWCAP], [AT_HWCAP2, 0], [AT_CLKTCK, 100], [AT_SECURE, 0],
        [AT_MINSIGSTKSZ, 2048], [AT_SYSINFO_EHDR, vdsoBase],
      ],
    }, argMax(p.limit(3 /* RLIMIT_STACK */)[0]));
  } catch (e) {
    mm.destroy();
    if (e instanceof ElfError) { k.lastExecError = e.message; return -ENOEXEC; }
    throw e;
  }
  if (sp < 0) { mm.destroy(); return sp; }
  // the point of no return: other threads end, shared parts are unshared
  k.endOtherThreads(t);
  const old = p.mm;
  p.mm = mm;
  k.core.setU32(L.S_PT_ROOT, mm.root);
  k.core.tlbFlush();
  old.release();
  if (p.files.users > 1) {
    const mine = p.files.fork();
    p.files.release();
    p.files = mine;
  }
  p.files.closeOnExec();
  p.sigactions = p.sigactions.map((a) => (a.handler === SIG_IGN ? { ...a } : { handler: SIG_DFL, flags: 0, restorer: 0, mask: 0n }));
  releaseVfork(p);
  dropPosixTimers(k, p);
  setText(k, p, given ? undefined : r.path);
  p.exe = r.path;
  p.argv = argv;
  p.envp = envp;
  p.auxv = readAuxv(mm, sp);
  t.comm = Uint8Array.from((name.split('/').pop() ?? '').slice(0, 15), (c) => c.charCodeAt(0) & 0xff);
  t.altstack = { sp: 0, size: 0, flags: 2 };
  resetRegisters(k, sp, entry);
  p.tracee?.execed(t, r.path);
  return 0;
}

// The auxiliary vector on a new program's stack (after argc, argv and envp), AT_NULL included.
function readAuxv(mm: AddressSpace, sp: number): Uint8Array {
  const word = (a: number) => {
    const b = mm.read(a, 8);
    return b ? Number(new DataView(b.buffer).getBigUint64(0, true)) : 0;
  };
  let a = sp + 8 * (word(sp) + 2); // past argc, argv and its NULL
  while (word(a) !== 0) a += 8;
  const start = a + 8;
  let end = start;
  while (end - start < 4096 && word(end) !== 0) end += 16;
  return mm.read(start, end + 16 - start) ?? new Uint8Array(0);
}

// A running program's file cannot be written (ETXTBSY): the files processes were exec'd from,
// by what stat(2) shows the guest, count their processes.
function setText(k: Kernel, p: Process, path: string | undefined): void {
  dropText(k, p);
  const st = path === undefined ? undefined : k.vfs.stat(p.threads[0] ?? { proc: p }, AT_FDCWD, path, 0);
  if (!st || typeof st === 'number') return;
  p.exeKey = `${st.dev}:${st.ino}`;
  k.textBusy.set(p.exeKey, (k.textBusy.get(p.exeKey) ?? 0) + 1);
}
export function dropText(k: Kernel, p: Process): void {
  const key = p.exeKey;
  if (key === undefined) return;
  p.exeKey = undefined;
  const n = (k.textBusy.get(key) ?? 1) - 1;
  if (n > 0) k.textBusy.set(key, n); else k.textBusy.delete(key);
}
// ETXTBSY for opening `path` to write (or truncating it), when a process runs that file.
export function textBusy(k: Kernel, t: Task, dirfd: number, path: string, follow: boolean): boolean {
  if (k.textBusy.size === 0) return false;
  const st = k.vfs.stat(t, dirfd, path, follow ? 0 : 0x100 /* AT_SYMLINK_NOFOLLOW */);
  return typeof st !== 'number' && k.textBusy.has(`${st.dev}:${st.ino}`);
}

// [vvar] and [vdso] below the mmap area; returns the vDSO's address, or -ENOMEM.
function mapVdso(k: Kernel, mm: AddressSpace): number {
  const { image, vvar } = k.vdso();
  const size = pageCeil(image.size);
  const base = mm.findFree(size + PAGE);
  if (base < 0) return -ENOMEM;
  const file = (bytes: Uint8Array, name: string) => new BytesPages(bytes, name);
  if (!mm.map(base, PAGE, PROT_READ, { file: file(vvar, '[vvar]'), name: '[vvar]' })) return -ENOMEM;
  if (!mm.map(base + PAGE, size, PROT_READ | PROT_EXEC, { file: file(image.bytes, '[vdso]'), name: '[vdso]' })) return -ENOMEM;
  return base + PAGE;
}

// Pages of bytes the kernel holds (the vDSO and its data page), as data a snapshot keeps.
export class BytesPages {
  constructor(private readonly bytes: Uint8Array, readonly name: string) {}
  readPage(offset: number, into: Uint8Array): void { into.fill(0); into.set(this.bytes.subarray(offset, offset + PAGE)); }
}

function resetRegisters(k: Kernel, sp: number, entry: number): void {
  const c = k.core;
  for (let i = 0; i < 16; i++) c.setReg(i, 0n);
  c.setRegNum(4, sp);
  c.rip = entry;
  c.rflags = 0x202n;
  c.fsBase = 0;
  c.gsBase = 0;
  c.setU32(L.S_FPU_CW, 0x37f);
  c.setU32(L.S_FPU_SW, 0);
  c.setU32(L.S_FPU_TOP, 0);
  c.setU32(L.S_FPU_TAG, 0xff);
  c.setU32(L.S_MXCSR, 0x1f80);
  c.bytes.fill(0, L.S_XMM, L.S_XMM + 32 * 16);
}

// "#!interpreter [arg]" scripts.
function execScript(k: Kernel, t: Task, path: string, head: Uint8Array, argv: Uint8Array[], envp: Uint8Array[], depth: number, name: string): number {
  if (depth >= 4) return -ELOOP;
  let end = head.indexOf(10);
  if (end < 0) end = head.length;
  const line = new TextDecoder().decode(head.subarray(2, end)).trim();
  if (!line) return -ENOEXEC;
  const sp = line.search(/[ \t]/);
  const interp = sp < 0 ? line : line.slice(0, sp);
  const arg = sp < 0 ? '' : line.slice(sp).trim();
  const enc = new TextEncoder();
  const newArgv = [enc.encode(interp), ...(arg ? [enc.encode(arg)] : []), enc.encode(path), ...argv.slice(1)];
  return execve(k, t, interp, newArgv, envp, depth + 1, undefined, name);
}

export type { FileImage };
