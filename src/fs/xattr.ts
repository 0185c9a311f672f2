// Extended attributes as a file system in memory keeps them (tmpfs, and so an
// overlay's upper in memory): a map of names ("user.mime_type", with their
// namespace prefix) to values on the inode, with Linux's answers for
// XATTR_CREATE and XATTR_REPLACE. Which names a caller may read or change
// (namespaces, permissions, capabilities) is the kernel's to decide before it
// asks the file system; a file system here only stores.
import type { MemoryBudget } from '../base/budget.js';
import { EEXIST, ENODATA, ENOSPC } from '../base/errno.js';

export const XATTR_CREATE = 1, XATTR_REPLACE = 2;
export const XATTR_NAME_MAX = 255, XATTR_SIZE_MAX = 65536, XATTR_LIST_MAX = 65536;
// The namespaces a tmpfs keeps (system.* is POSIX ACLs, which no file system here has).
export const XATTR_NAMESPACES = ['user.', 'trusted.', 'security.'];

// What one attribute costs beyond its name and value (its entry, the JS objects), as Linux counts
// a simple_xattr's header against a tmpfs's inode space.
const XATTR_COST = 64;
export const xattrCost = (name: string, value: Uint8Array): number => XATTR_COST + name.length + value.length;

// The attributes of one inode. Charged to the file system's account (`room`) and the machine's memory.
export class XattrStore {
  private readonly map = new Map<string, Uint8Array>();
  bytes = 0; // what it holds, as charged

  get(name: string): Uint8Array | number { return this.map.get(name) ?? -ENODATA; }
  names(): string[] { return [...this.map.keys()]; }
  get size(): number { return this.map.size; }

  // `room`: the bytes the file system may still give attributes (ENOSPC past it).
  set(name: string, value: Uint8Array, flags: number, room: number, budget?: MemoryBudget): number {
    const old = this.map.get(name);
    if (old && flags & XATTR_CREATE) return -EEXIST;
    if (!old && flags & XATTR_REPLACE) return -ENODATA;
    const cost = xattrCost(name, value), freed = old ? xattrCost(name, old) : 0;
    const grow = cost - freed;
    if (grow > 0 && (grow > room || (budget && !budget.charge(grow)))) return -ENOSPC;
    if (grow < 0) budget?.uncharge(-grow);
    this.map.set(name, value.slice());
    this.bytes += grow;
    return 0;
  }
  remove(name: string, budget?: MemoryBudget): number {
    const old = this.map.get(name);
    if (!old) return -ENODATA;
    const cost = xattrCost(name, old);
    this.map.delete(name);
    this.bytes -= cost;
    budget?.uncharge(cost);
    return 0;
  }
  // Everything given back (the inode is gone).
  clear(budget?: MemoryBudget): number {
    const b = this.bytes;
    budget?.uncharge(b);
    this.map.clear();
    this.bytes = 0;
    return b;
  }
}
