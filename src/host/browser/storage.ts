// Where a page keeps bytes across reloads (the guest's changes, as a layer tar):
// the origin private file system (OPFS) where the browser has it, IndexedDB
// otherwise. One named blob per key, replaced whole and atomically (OPFS's
// writable stream commits on close; IndexedDB's put is a transaction).
export interface BlobStore {
  readonly kind: 'OPFS' | 'IndexedDB';
  load(key: string): Promise<Uint8Array | undefined>;
  save(key: string, data: Uint8Array): Promise<void>;
  remove(key: string): Promise<void>;
}

// A file another context is still writing (a worker of a page just left, whose write was cut
// short) is locked for a moment: NoModificationAllowedError. Asked again for a while, then given up
// with the error: a blob that is there is never taken for one that is not.
const notFound = (e: unknown) => (e as { name?: string })?.name === 'NotFoundError';
const busy = (e: unknown) => ['NoModificationAllowedError', 'InvalidStateError'].includes((e as { name?: string })?.name ?? '');
async function retried<T>(f: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (!busy(e) || i >= 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

type Writable = { write(d: BufferSource): Promise<void>; close(): Promise<void> };
type SyncHandle = { truncate(n: number): void; write(d: BufferSource, o: { at: number }): number; flush(): void; close(): void };

async function opfs(): Promise<BlobStore | undefined> {
  const dirOf = (navigator as Navigator & { storage?: { getDirectory?: () => Promise<FileSystemDirectoryHandle> } }).storage;
  if (!dirOf?.getDirectory) return undefined;
  let dir: FileSystemDirectoryHandle;
  try { dir = await dirOf.getDirectory(); } catch { return undefined; }
  const file = (key: string) => `xos-${key.replace(/[^A-Za-z0-9._-]/g, '_')}`;
  return {
    kind: 'OPFS',
    async load(key) {
      try {
        return await retried(async () => new Uint8Array(await (await (await dir.getFileHandle(file(key))).getFile()).arrayBuffer()));
      } catch (e) {
        if (notFound(e)) return undefined;
        throw e;
      }
    },
    save: (key, data) => retried(async () => {
      const h = await dir.getFileHandle(file(key), { create: true });
      const ext = h as FileSystemFileHandle & { createWritable?: () => Promise<Writable>; createSyncAccessHandle?: () => Promise<SyncHandle> };
      if (ext.createWritable) {
        const w = await ext.createWritable();
        await w.write(data as Uint8Array<ArrayBuffer>);
        await w.close();
      } else if (ext.createSyncAccessHandle) { // Safari: only in a worker, and only this way
        const s = await ext.createSyncAccessHandle();
        try {
          s.truncate(0);
          s.write(data as Uint8Array<ArrayBuffer>, { at: 0 });
          s.flush();
        } finally {
          s.close();
        }
      } else throw new Error('xos: this browser cannot write OPFS files');
    }),
    async remove(key) {
      try { await retried(() => dir.removeEntry(file(key))); } catch (e) { if (!notFound(e)) throw e; }
    },
  };
}

function idb(): BlobStore {
  const open = () => new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open('xos', 1);
    r.onupgradeneeded = () => { r.result.createObjectStore('blobs'); };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('xos: IndexedDB cannot be opened'));
  });
  const tx = async <T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest): Promise<T> => {
    const db = await open();
    try {
      return await new Promise<T>((resolve, reject) => {
        const t = db.transaction('blobs', mode);
        const req = f(t.objectStore('blobs'));
        t.oncomplete = () => resolve(req.result as T);
        t.onerror = t.onabort = () => reject(t.error ?? new Error('xos: IndexedDB transaction failed'));
      });
    } finally {
      db.close();
    }
  };
  return {
    kind: 'IndexedDB',
    async load(key) {
      const v = await tx<ArrayBuffer | undefined>('readonly', (s) => s.get(key));
      return v ? new Uint8Array(v) : undefined;
    },
    async save(key, data) { await tx('readwrite', (s) => s.put(data.slice().buffer, key)); },
    async remove(key) { await tx('readwrite', (s) => s.delete(key)); },
  };
}

// OPFS when it works here (it needs a secure context: https or localhost), else IndexedDB.
export async function openBlobStore(prefer?: 'OPFS' | 'IndexedDB'): Promise<BlobStore> {
  if (prefer !== 'IndexedDB') {
    const o = await opfs();
    if (o) {
      try {
        await o.save('probe', new Uint8Array(1));
        await o.remove('probe');
        return o;
      } catch { /* fall back */ }
    }
  }
  return idb();
}
