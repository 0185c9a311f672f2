// Which implemented forms the differential CPU tester (test/cpu/gen.mjs) leaves
// out, and why: `xos isa` reports the rest as tested. Kept here, not in the
// tester, so that the build's generators need nothing from test/.

// Handlers not tested, with the reason.
export const SKIP = {
  syscall: 'exits to the kernel', rdtsc: 'nondeterministic', rdrand: 'nondeterministic',
  fnstenv: 'FIP/FDP/FOP are not tracked', fnsave: 'FIP/FDP/FOP are not tracked',
  cpuid: 'differs by design (reports what xos implements)', xgetbv: 'differs by design (XCR0 of what xos implements)',
};

/** Why an implemented form is not in the tester's list, or null if it is (also gives `xos isa` its "tested" status). */
export function untested(f) {
  return SKIP[f.handler] || null;
}
