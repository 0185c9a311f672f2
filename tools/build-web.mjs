// The web page (build/web): web/*.ts as tsc compiled them into dist/web,
// bundled by esbuild with xterm.js; the page's HTML and CSS, xterm.js's CSS,
// the core, and the busybox image (images/busybox.tar: the root `xos sh` uses,
// made from Debian's busybox-static, fetched with apt on first use). Without
// apt the page is built all the same, and says how to add an image.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build', 'web');
mkdirSync(join(out, 'images'), { recursive: true });

await build({
  entryPoints: ['main', 'worker', 'witness'].map((n) => join(root, 'dist', 'web', `${n}.js`)),
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  logLevel: 'warning',
});

// Copy when the content differs (a no-op build writes nothing).
function copy(from, to) {
  if (existsSync(to) && statSync(to).size === statSync(from).size && readFileSync(to).equals(readFileSync(from))) return;
  copyFileSync(from, to);
}
for (const f of ['index.html', 'witness.html', 'page.css']) copy(join(root, 'web', f), join(out, f));
copy(join(root, 'node_modules', '@xterm', 'xterm', 'css', 'xterm.css'), join(out, 'xterm.css'));
copy(join(root, 'build', 'core.wasm'), join(out, 'core.wasm'));

const image = join(out, 'images', 'busybox.tar');
if (!existsSync(image) || process.env.XOS_WEB_IMAGE_REBUILD) {
  try {
    const { busyboxRootImage } = await import(join(root, 'dist', 'src', 'cli', 'busybox-root.js'));
    copy(await busyboxRootImage((s) => process.stdout.write(s)), image);
  } catch (e) {
    process.stdout.write(`note: the page has no busybox image yet (${e instanceof Error ? e.message : e});\n` +
      '      it needs Debian\'s apt-get to fetch busybox-static. README.md, "The page", says how to add an image.\n');
  }
}
