// Node's modules that most runs of xos never use, loaded on first use: loading net, dgram, dns,
// child_process, zlib and http up front costs ~20 ms of CPU at every start (`xos run` of a static hello
// needs none of them).
import { createRequire } from 'node:module';
import type * as NodeNet from 'node:net';
import type * as NodeDgram from 'node:dgram';
import type * as NodeDns from 'node:dns';
import type * as NodeChildProcess from 'node:child_process';
import type * as NodeZlib from 'node:zlib';
import type * as NodeHttp from 'node:http';

const load = createRequire('/'); // (built-in modules resolve from anywhere)

function lazy<T>(name: string): () => T {
  let m: T | undefined;
  return () => (m ??= load(name) as T);
}

export const nodeNet = lazy<typeof NodeNet>('node:net');
export const nodeDgram = lazy<typeof NodeDgram>('node:dgram');
export const nodeDns = lazy<typeof NodeDns>('node:dns');
export const nodeChildProcess = lazy<typeof NodeChildProcess>('node:child_process');
export const nodeZlib = lazy<typeof NodeZlib>('node:zlib');
export const nodeHttp = lazy<typeof NodeHttp>('node:http');
