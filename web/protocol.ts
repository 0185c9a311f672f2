// The messages between the page (main.ts) and the machine's worker (worker.ts).
import type { DebugSnapshot } from '../src/host/debug-session.js';

// The debugger (debug-view.ts on the page, a DebugSession in the worker): attach takes the
// terminal's foreground process.
export type DebugAction =
  | { action: 'attach' } | { action: 'detach' } | { action: 'pause' } | { action: 'step' } | { action: 'continue' }
  | { action: 'select'; tid: number } | { action: 'break'; addr: number };

export type ToWorker =
  | ({ type: 'debug' } & DebugAction)
  | { type: 'boot'; image: string; cols: number; rows: number; store?: 'OPFS' | 'IndexedDB' }
  | { type: 'input'; data: Uint8Array }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'put'; name: string; data: Uint8Array } // a dropped file, for the guest's home directory
  | { type: 'get'; path: string } // a guest file to download
  | { type: 'save' } // save the whole machine (the next boot resumes it)
  | { type: 'reset' }; // forget the guest's changes and the saved machine

export interface Status {
  image: string;
  ips?: number; // guest instructions per second, over the last second
  store?: string; // where the changes are kept
  saved?: 'saving' | 'saved' | 'unsaved' | 'failed';
  savedBytes?: number;
  machine?: 'saving' | 'saved' | 'failed' | 'resumed'; // the whole machine's save
  machineBytes?: number;
  machineSavedAt?: number; // Date.now() when it was last saved
  message?: string;
}

export type FromWorker =
  | { type: 'output'; data: Uint8Array }
  | { type: 'status'; status: Status }
  | { type: 'started'; ms: number } // the shell runs (ms since the worker started)
  | { type: 'put-done'; path: string; error?: string }
  | { type: 'file'; path: string; data?: Uint8Array; error?: string }
  | { type: 'reset-done' }
  | { type: 'debug'; snapshot?: DebugSnapshot; detached?: boolean; breakSet?: boolean; error?: string }
  | { type: 'error'; message: string };
