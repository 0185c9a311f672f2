// The `xos` command as one file (dist/xos-cli.cjs): the ~130 modules of dist/src that the CLI imports,
// bundled by esbuild. Node resolves, reads and compiles one file much faster than a graph of ES
// modules, and one CommonJS script can use V8's code cache (src/host/node/launch.ts), which ES
// modules cannot in Node 20. bin/xos.js runs the bundle, or dist/src/cli/main.js when the bundle is
// older than tsc's output (tsc run by hand after a build).
import { build } from 'esbuild';
import { existsSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(root, 'dist', 'xos-cli.cjs');

// `new URL('REL', import.meta.url)` names a file relative to the module; in the bundle it is relative
// to the bundle (the launcher passes the bundle's URL as __xosBundleUrl). Any other use of
// import.meta fails the build rather than break at run time.
const rebaseUrls = {
  name: 'rebase-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta')) return undefined;
      text = text.replace(/new URL\((['"])([^'"]+)\1, import\.meta\.url\)/g, (_, _q, rel) => {
        const target = resolve(dirname(args.path), rel);
        let rebased = relative(dirname(outFile), target).split('\\').join('/');
        if (!rebased.startsWith('.')) rebased = `./${rebased}`;
        return `new URL(${JSON.stringify(rebased)}, __xosBundleUrl)`;
      });
      if (text.includes('import.meta')) throw new Error(`${args.path}: import.meta other than new URL('…', import.meta.url) cannot be bundled`);
      return { contents: text, loader: 'js' };
    });
  },
};

const result = await build({
  entryPoints: [join(root, 'dist', 'src', 'cli', 'main.js')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  logLevel: 'warning',
  plugins: [rebaseUrls],
});
// esbuild escapes non-ASCII characters in strings but keeps comments as written: escaped there too,
// the source is one byte per character for V8 (half the memory, faster to scan). Only whole-line
// comments: elsewhere an escape could change meaning (a regular expression).
const body = result.outputFiles[0].text.split('\n')
  .map((l) => (/^\s*\/\//.test(l) ? l.replace(/[^\0-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`) : l)).join('\n');
// A function expression, as src/host/node/launch.ts compiles it: the launcher gives the text to V8 as
// it is, without copying it into a wrapper of its own.
const text = `// The xos command, bundled by tools/build-cli.mjs from dist/src. Do not edit.\n(function (exports, require, module, __filename, __dirname, __xosBundleUrl) {${body}\n})`;
// The same text is not rewritten (its code cache stays valid), only made newer than tsc's output,
// which the launcher compares it with.
if (existsSync(outFile) && readFileSync(outFile, 'utf8') === text) {
  const now = new Date();
  utimesSync(outFile, now, now);
} else {
  const tmp = `${outFile}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, outFile);
}
