#!/usr/bin/env node
// The xos command; the TypeScript is compiled to dist/ by `npm install`, and bundled into one file
// that starts faster (src/host/node/launch.ts).
import { launch } from '../dist/src/host/node/launch.js';

await launch(new URL('../dist/', import.meta.url));
