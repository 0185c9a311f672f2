// A C file of about 3,000 lines for gcc to work on a while (a compile saved
// half-way: test/snapshot-gcc.test.ts, and the snapshot bench).
// 600 functions and a table of them: about 3,000 lines.
export function bigSource(): string {
  const out = ['#include <stdint.h>', ''];
  for (let k = 0; k < 600; k++) {
    out.push(`uint32_t f${k}(uint32_t x) {`, `  uint32_t s = ${k}u;`, `  for (uint32_t i = 0; i < x; i++) s = (s ^ (i * ${2 * k + 1}u)) + (s >> ${k % 13 + 1});`, `  return s * ${k + 3}u;`, '}');
  }
  out.push('uint32_t (*const table[])(uint32_t) = {', ...Array.from({ length: 600 }, (_, k) => `  f${k},`), '};');
  return out.join('\n') + '\n';
}
