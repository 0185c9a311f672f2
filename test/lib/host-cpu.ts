// The host CPU, as /proc/cpuinfo describes it: its feature flags (a native run of a
// form the host lacks would fault) and its vendor (xos is an Intel CPU; on an AMD
// host the tests compare the few forms whose documented behaviour differs between
// Intel's SDM and AMD's APM only where the two agree).
import { readFileSync } from 'node:fs';

const cpuinfo = (() => { try { return readFileSync('/proc/cpuinfo', 'utf8'); } catch { return ''; } })();

export const hostFlags: Set<string> = new Set((/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? '').trim().split(/\s+/));

/** vendor_id: 'GenuineIntel', 'AuthenticAMD', or '' when unknown. */
export const hostVendor: string = /^vendor_id\s*:\s*(\S+)/m.exec(cpuinfo)?.[1] ?? '';

export const hostIsAmd: boolean = hostVendor === 'AuthenticAMD';
