#!/usr/bin/env node
// The xos command; the TypeScript is compiled to dist/ by `npm install`.
import '../dist/src/cli/main.js';
