// Builds dist/index.js (the action) and dist/cli.js (the CLI) with esbuild.
// `--check` builds into a temp dir and fails when dist/ differs: dist/ is committed, so it must be fresh.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const check = process.argv.includes('--check');
const outdir = check ? mkdtempSync(join(tmpdir(), 'layerwise-dist-')) : 'dist';

await build({
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outdir,
  bundle: true,
  platform: 'node',
  // node20, not the action's node24: dist/cli.js also runs on Node 20 (package.json engines), and esbuild
  // 0.28 writes byte-identical bundles for node20 and node24 targets (compared 2026-12).
  target: 'node20',
  format: 'esm',
  // @actions/cache compares error class names: keep them.
  keepNames: true,
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // Native addons are optional in ssh2 (behind try/catch): leave them out of the bundle.
  external: ['cpu-features', '*.node'],
  // Bundled CommonJS code (dockerode → ssh2, tar-stream deps) calls require() for Node built-ins and reads
  // __dirname / __filename, which ES modules do not define.
  banner: {
    js: [
      "import { createRequire as __lwCreateRequire } from 'node:module';",
      "import { fileURLToPath as __lwFileURLToPath } from 'node:url';",
      "import { dirname as __lwDirname } from 'node:path';",
      'const require = __lwCreateRequire(import.meta.url);',
      'const __filename = __lwFileURLToPath(import.meta.url);',
      'const __dirname = __lwDirname(__filename);',
    ].join(' '),
  },
});

const cliPath = join(outdir, 'cli.js');
const cli = readFileSync(cliPath, 'utf8');
if (!cli.startsWith('#!')) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(cliPath, `#!/usr/bin/env node\n${cli}`);
}
chmodSync(cliPath, 0o755);

if (check) {
  const stale = readdirSync(outdir).filter(
    (f) => !existsSync(join('dist', f)) || !readFileSync(join('dist', f)).equals(readFileSync(join(outdir, f))),
  );
  rmSync(outdir, { recursive: true, force: true });
  if (stale.length > 0) {
    console.error(`dist/ is stale (${stale.join(', ')}): run \`npm run bundle\` and commit dist/.`);
    process.exit(1);
  }
  console.log('dist/ is up to date');
}
