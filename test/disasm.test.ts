// The disassembler of the debug view (src/core/disasm.ts, on the core's decoder)
// against GNU objdump (`objdump -d -M intel`) on whole programs: the test program
// built static with glibc and with musl, and Debian's busybox. Every instruction the
// core's table knows must have objdump's length and objdump's text (branch targets
// written 0x…, as gdb writes them); what the table does not know (AVX-512, TSX, a few
// system instructions) is skipped but must stay rare.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Core } from '../src/core/core.js';
import { disassemble } from '../src/core/disasm.js';
import { loadCoreModule } from '../src/host/node/index.js';
import { buildC, hasCommand, skipReason, type Libc } from './lib/build-c.js';
import { getBusybox } from './lib/busybox.js';

// objdump's names where the core's table decodes the bytes as another form (reported, not the
// disassembler's to fix): 0F 01 D5/D6 (xend, xtest) fall in the table's "0F 01 /2 reg" xgetbv row;
// the CET shadow-stack instructions sit in the hint-NOP space the table decodes as NOPs.
const TABLE_NAMES_DIFFER = new Set(['xtest', 'xend', 'incsspq', 'incsspd', 'rdsspq', 'rdsspd']);

async function compareWithObjdump(file: string): Promise<void> {
  const core = await Core.create(loadCoreModule(), { pageFault: () => 0, random32: () => 0, monotonicNs: () => 0 });
  const dump = execFileSync('objdump', ['-d', '-M', 'intel', '-w', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  let known = 0, unknown = 0;
  const wrong: string[] = [];
  for (const line of dump.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t(.*)$/.exec(line);
    if (!m) continue;
    const bytes = Uint8Array.from(m[2].trim().split(' ').map((h) => parseInt(h, 16)));
    const theirs = m[3].replace(/\s+#.*$/, '').replace(/\s+<[^>]*>$/, '').trim().replace(/\s+/g, ' ')
      .replace(/^((?:bnd |addr32 |notrack )?(?:j[a-z]+|call|jmp|loop[a-z]*|jrcxz|xbegin)) ([0-9a-f]+)$/, '$1 0x$2');
    if (theirs === '(bad)' || bytes[0] === 0x62) continue; // data in .text; EVEX
    const buf = new Uint8Array(15);
    buf.set(bytes);
    const ours = disassemble(core, buf, parseInt(m[1], 16));
    if (ours.mnemonic === '(bad)') { unknown++; continue; }
    known++;
    if (ours.len !== bytes.length) wrong.push(`${m[1]}: ${m[2].trim()}: length ${ours.len}, objdump ${bytes.length} (${theirs})`);
    else if (ours.text !== theirs && !TABLE_NAMES_DIFFER.has(theirs.split(' ')[0])) wrong.push(`${m[1]}: ${m[2].trim()}: "${ours.text}", objdump "${theirs}"`);
  }
  assert.ok(known > 1000, `${file}: only ${known} instructions compared`);
  assert.ok(unknown < known / 100, `${file}: ${unknown} instructions unknown to the table, of ${known + unknown}`);
  assert.deepEqual(wrong.slice(0, 30), [], `${file}: ${wrong.length} of ${known} instructions differ from objdump`);
}

describe('the disassembler against objdump', { skip: hasCommand('objdump') ? false : 'objdump not found (binutils)' }, () => {
  for (const libc of ['glibc', 'musl'] as Libc[]) {
    it(`test/c/gdb-target.c, static ${libc}`, { skip: skipReason(libc) }, async () => {
      await compareWithObjdump(await buildC('gdb-target', libc, ['-g', '-O0']));
    });
  }
  it('Debian\'s busybox-static', async () => {
    await compareWithObjdump(await getBusybox());
  });
});
