// Host files for images: an archive read by offset (nothing read until asked),
// an OCI layout directory, and gzip decompression.
//
// gzip has no random access, so a compressed archive is decompressed once:
// into memory when small, else into an anonymous temporary file (created,
// then unlinked while open, so nothing is left behind) that is read by offset
// like any other archive. Opening a 500 MB image.tar.gz thus costs one pass of
// decompression and disk space, not 500 MB of memory; an uncompressed image is
// never read beyond its headers until files are read.
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesSource, type ByteSource } from '../../fs/tar.js';
import { loadImage, type ImageDirectory, type LoadedImage } from '../../fs/image.js';
import { nodeZlib } from './lazy-builtins.js';

const IN_MEMORY = 16 << 20; // compressed bytes decompressed into memory rather than a temporary file
const CHUNK = 1 << 20;

// Closes a file descriptor once nothing refers to its source.
const closer = new FinalizationRegistry<number>((fd) => { try { fs.closeSync(fd); } catch { /* already closed */ } });

function fdSource(fd: number, size: number): ByteSource {
  const src: ByteSource = {
    size,
    read(offset, len) {
      const n = Math.max(0, Math.min(len, size - offset));
      const buf = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const r = fs.readSync(fd, buf, got, n - got, offset + got);
        if (r === 0) break;
        got += r;
      }
      return got === n ? buf : buf.subarray(0, got);
    },
  };
  closer.register(src, fd);
  return src;
}

// A host file read by offset.
export function hostFileSource(path: string): ByteSource {
  const fd = fs.openSync(path, 'r');
  return fdSource(fd, fs.fstatSync(fd).size);
}

// A host directory (an OCI image layout); names with '..' are refused.
export function hostImageDirectory(dir: string): ImageDirectory {
  return {
    file(rel) {
      if (rel.split('/').some((c) => c === '..')) return undefined;
      const p = join(dir, rel);
      try {
        return fs.statSync(p).isFile() ? hostFileSource(p) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

export async function gunzipSource(src: ByteSource): Promise<ByteSource> {
  if (src.size <= IN_MEMORY) return bytesSource(new Uint8Array(nodeZlib().gunzipSync(src.read(0, src.size))));
  const dir = fs.mkdtempSync(join(tmpdir(), 'xos-image-'));
  const path = join(dir, 'layer.tar');
  const fd = fs.openSync(path, 'w+', 0o600);
  fs.unlinkSync(path);
  fs.rmdirSync(dir);
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const z = nodeZlib().createGunzip();
    z.on('data', (b: Buffer) => {
      let off = 0;
      while (off < b.length) off += fs.writeSync(fd, b, off, b.length - off, size + off);
      size += b.length;
    });
    z.on('end', resolve);
    z.on('error', reject);
    let pos = 0;
    const pump = () => {
      while (pos < src.size) {
        const chunk = src.read(pos, CHUNK);
        pos += chunk.length;
        if (!chunk.length) break;
        if (!z.write(chunk)) { z.once('drain', pump); return; }
      }
      z.end();
    };
    pump();
  });
  return fdSource(fd, size);
}

// An image at a host path: a tar archive (gzip or not: rootfs, `docker export`, `docker save`) or an OCI layout directory.
export function openHostImage(path: string): Promise<LoadedImage> {
  const input = fs.statSync(path).isDirectory() ? hostImageDirectory(path) : hostFileSource(path);
  return loadImage(input, { gunzip: gunzipSource });
}
