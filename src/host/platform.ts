// What setting up a machine needs from the platform beyond the kernel's Host:
// host directories as file systems and gzip for image layers. The kernel never
// sees these; the Machine APIs (api/, host/browser) use them to build the mounts.
import type { Host } from '../base/host.js';
import type { FsBackend } from '../fs/backend.js';
import type { ByteSource } from '../fs/tar.js';

export interface PlatformHost extends Host {
  // A host directory as a file-system backend (Node only).
  hostDirectory?(path: string, opts: { readOnly?: boolean }): FsBackend;
  // Decompress a gzip stream (image layers) into something readable at any offset.
  gunzip?(src: ByteSource): Promise<ByteSource>;
  // Keep the host process alive (Node's event loop) until the returned function is called: a
  // machine holds it while it has processes, which may all be waiting for a signal.
  hold?(): () => void;
  // zlib's format (RFC 1950), which Node's zlib and the browser's CompressionStream('deflate') share:
  // a snapshot taken on one platform is read on the other.
  compress(data: Uint8Array): Promise<Uint8Array>;
  decompress(data: Uint8Array): Promise<Uint8Array>;
}
