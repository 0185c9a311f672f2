// What the page keeps of a saved machine, in one blob (written whole, so never half):
// the terminal's recent output (replayed into the new page's terminal, so the screen
// is as it was) and the machine's snapshot. The changes to the image are kept apart
// (the layer tar, saved after each change); a saved machine is resumed only when
// its files are those latest changes (see worker.ts).
const MAGIC = 'XOSPAGE1';

export interface SavedMachine { screen: Uint8Array; snapshot: Uint8Array; savedAt: number }

export function packSavedMachine(s: SavedMachine): Uint8Array {
  const out = new Uint8Array(8 + 8 + 4 + s.screen.length + s.snapshot.length);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  dv.setFloat64(8, s.savedAt, true);
  dv.setUint32(16, s.screen.length, true);
  out.set(s.screen, 20);
  out.set(s.snapshot, 20 + s.screen.length);
  return out;
}

// undefined when the blob is not one (an older page's, or damaged: the snapshot's own checks come later).
export function unpackSavedMachine(b: Uint8Array): SavedMachine | undefined {
  if (b.length < 20 || String.fromCharCode(...b.subarray(0, 8)) !== MAGIC) return undefined;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = dv.getUint32(16, true);
  if (20 + n > b.length) return undefined;
  return { savedAt: dv.getFloat64(8, true), screen: b.subarray(20, 20 + n), snapshot: b.subarray(20 + n) };
}

// The terminal's last output, up to `limit` bytes (the oldest chunks dropped first).
export class ScreenLog {
  private chunks: Uint8Array[] = [];
  private size = 0;
  constructor(private readonly limit = 256 << 10) {}
  add(d: Uint8Array): void {
    this.chunks.push(d.slice());
    this.size += d.length;
    while (this.size > this.limit && this.chunks.length > 1) this.size -= this.chunks.shift()!.length;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) { out.set(c, o); o += c.length; }
    return out;
  }
  clear(): void { this.chunks = []; this.size = 0; }
}
