// Test entry for core/f80.ts: one dispatcher so the differential test can
// drive every operation through the same request format as native.c.
import {
  f80_rse, f80_rm, f80_rse2, f80_rm2, f80_status,
  f80_add, f80_sub, f80_mul, f80_div, f80_sqrt, f80_cmp,
  f80_from_f64, f80_from_f32, f80_to_f64, f80_to_f32, f80_from_i64,
  f80_to_int, f80_round_int, f80_scale, f80_xtract, f80_prem,
} from "../../core/f80";

// Results of the last run(): se/m of the (first) result, second result for
// FXTRACT, and the status flags.
export let res_se: u32 = 0;
export let res_m: u64 = 0;
export let res_se2: u32 = 0;
export let res_m2: u64 = 0;

// Operation codes; keep in sync with native.c and f80.test.ts.
export function run(op: u32, pc: u32, rc: u32, ase: u32, am: u64, bse: u32, bm: u64): u32 {
  f80_status = 0;
  res_se = 0;
  res_m = 0;
  res_se2 = 0;
  res_m2 = 0;
  let value = false; // result in f80_rse/f80_rm
  switch (op) {
    case 0: f80_add(ase, am, bse, bm, pc, rc); value = true; break;
    case 1: f80_sub(ase, am, bse, bm, pc, rc); value = true; break;
    case 2: f80_mul(ase, am, bse, bm, pc, rc); value = true; break;
    case 3: f80_div(ase, am, bse, bm, pc, rc); value = true; break;
    case 4: f80_sqrt(ase, am, pc, rc); value = true; break;
    case 5: res_se = f80_cmp(ase, am, bse, bm, false); break;
    case 6: res_se = f80_cmp(ase, am, bse, bm, true); break;
    case 7: f80_from_f64(am); value = true; break;
    case 8: f80_from_f32(u32(am)); value = true; break;
    case 9: res_m = f80_to_f64(ase, am, rc); break;
    case 10: res_m = u64(f80_to_f32(ase, am, rc)); break;
    case 11: f80_from_i64(i64(am)); value = true; break;
    case 12: res_m = u64(f80_to_int(ase, am, rc, 16)) & 0xFFFF; break;
    case 13: res_m = u64(f80_to_int(ase, am, rc, 32)) & 0xFFFFFFFF; break;
    case 14: res_m = u64(f80_to_int(ase, am, rc, 64)); break;
    case 15: res_m = u64(f80_to_int(ase, am, 3, 16)) & 0xFFFF; break;
    case 16: res_m = u64(f80_to_int(ase, am, 3, 32)) & 0xFFFFFFFF; break;
    case 17: res_m = u64(f80_to_int(ase, am, 3, 64)); break;
    case 18: f80_round_int(ase, am, rc); value = true; break;
    case 19: f80_scale(ase, am, bse, bm, rc); value = true; break;
    case 20:
      f80_xtract(ase, am);
      value = true;
      res_se2 = f80_rse2;
      res_m2 = f80_rm2;
      break;
    case 21: f80_prem(ase, am, bse, bm, false); value = true; break;
    case 22: f80_prem(ase, am, bse, bm, true); value = true; break;
    default: unreachable();
  }
  if (value) {
    res_se = f80_rse;
    res_m = f80_rm;
  }
  return f80_status;
}
