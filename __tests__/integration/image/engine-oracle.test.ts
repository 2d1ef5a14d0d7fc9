// The real engine as oracle for layer scanning and stacking. fast-check generates valid but awkward images
// (PAX and non-ASCII names, names over 100 bytes, hard links, symlinks,
// whiteouts of lower files, opaque markers anywhere in a layer's entry list, a directory over a lower
// file); each is `docker load`ed — dockerd applies every layer itself — and compared with what GNU tar
// lists in each layer `docker save` gives back, and with the final filesystem `docker export` writes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyzeImage } from '../../../src/image/analyze.js';
import { daemonImage } from '../../../src/image/sources.js';
import { describeWithTestbed, docker } from '../../helpers/testbed.js';
import { layerTar, type FixtureEntry } from '../../unit/image/fixtures.js';
import { legacySave } from '../../unit/image/save-fixtures.js';

const DIRS = ['data', 'data/d1', 'data/d2', 'data/d1/e'];
const NAMES = ['f1', 'f2', 'x', 'sp ace', 'ümlaut-ß', `long-${'n'.repeat(120)}`];

type Op =
  | { op: 'file'; dir: number; name: number; bytes: number }
  | { op: 'dir'; dir: number; name: number; overLowerFile: boolean }
  | { op: 'symlink'; name: number; target: string }
  | { op: 'hardlink'; name: number }
  | { op: 'whiteout'; pick: number }
  | { op: 'opaque'; dir: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('file' as const), dir: fc.nat(DIRS.length - 1), name: fc.nat(NAMES.length - 1), bytes: fc.oneof(fc.nat(5000), fc.nat(300_000)) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('dir' as const), dir: fc.nat(DIRS.length - 1), name: fc.nat(NAMES.length - 1), overLowerFile: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('symlink' as const), name: fc.nat(NAMES.length - 1), target: fc.constantFrom('/etc/passwd', '../d1/f1', 'x', '/nonexistent') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hardlink' as const), name: fc.nat(NAMES.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('whiteout' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('opaque' as const), dir: fc.nat(DIRS.length - 1) }) },
);

/** Ops → layer entries a real engine accepts: no file used as a parent in its own layer, links after their targets. */
function layersFrom(opLayers: Op[][]): FixtureEntry[][] {
  const lower = new Set<string>(); // paths of regular files in layers below
  return opLayers.map((ops) => {
    const entries: FixtureEntry[] = [];
    const files: string[] = [];
    const taken = new Set<string>(); // paths this layer already used as a non-file or whiteout
    for (const o of ops) {
      if (o.op === 'file') {
        const path = `${DIRS[o.dir]}/${NAMES[o.name]}`;
        if (taken.has(path) || DIRS.some((d) => d === path || d.startsWith(`${path}/`))) continue;
        entries.push({ name: path, bytes: o.bytes });
        files.push(path);
      } else if (o.op === 'dir') {
        // A directory where a lower layer has a file replaces it (and its bytes become waste).
        const over = o.overLowerFile && lower.size ? [...lower][o.name % lower.size] : undefined;
        const path = over && !files.includes(over) && !taken.has(over) ? over : `${DIRS[o.dir]}/${NAMES[o.name]}-dir`;
        taken.add(path);
        entries.push({ name: `${path}/`, type: 'directory' });
      } else if (o.op === 'symlink') {
        const path = `data/links/${NAMES[o.name]}`;
        if (taken.has(path)) continue;
        taken.add(path);
        entries.push({ name: path, type: 'symlink', linkname: o.target });
      } else if (o.op === 'hardlink' && files.length) {
        const path = `data/links/h-${NAMES[o.name]}`;
        if (taken.has(path)) continue;
        taken.add(path);
        entries.push({ name: path, type: 'link', linkname: files[o.name % files.length] });
      } else if (o.op === 'whiteout' && lower.size) {
        const victim = [...lower][o.pick % lower.size];
        if (files.includes(victim) || taken.has(victim)) continue; // never whiteout and write one path in one layer
        taken.add(victim);
        const slash = victim.lastIndexOf('/');
        entries.push({ name: `${victim.slice(0, slash)}/.wh.${victim.slice(slash + 1)}`, bytes: 0 });
      } else if (o.op === 'opaque') {
        entries.push({ name: `${DIRS[o.dir]}/.wh..wh..opq`, bytes: 0 });
      }
    }
    files.forEach((f) => lower.add(f));
    // dockerd refuses a layer with the same path twice ("duplicates of file paths not supported"); BuildKit
    // never writes one. The first entry for a path stays.
    const seen = new Set<string>();
    return entries.filter((e) => {
      const key = e.name.replace(/\/$/, '');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });
}

const imageOps = fc.array(fc.array(op, { minLength: 1, maxLength: 14 }), { minLength: 2, maxLength: 4 });

/** Regular-file bytes GNU tar lists in a tar file (hard links, whiteout markers and symlinks carry none). */
function gnuTarFileBytes(tarFile: string): number {
  const listing = execFileSync('tar', ['--numeric-owner', '-tvf', tarFile], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return listing.split('\n').filter((l) => l.startsWith('-')).reduce((n, l) => n + Number(l.split(/\s+/)[2]), 0);
}

describeWithTestbed('the engine as oracle for generated layers', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lw-oracle-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('per-layer bytes = GNU tar on the layers docker save returns; surviving bytes = GNU tar on docker export', async () => {
    const cases = fc.sample(imageOps, { numRuns: 10, seed: 20261202 });
    for (const [n, opLayers] of cases.entries()) {
      const layers = await Promise.all(layersFrom(opLayers).map((entries) => layerTar(entries)));
      const tag = `layerwise-hostile/oracle-${process.pid}-${n}:1`;
      writeFileSync(join(dir, 'in.tar'), await legacySave({ layers }, tag));
      docker(['load', '-q', '-i', join(dir, 'in.tar')]);
      const container = `lw-oracle-${process.pid}-${n}`;
      try {
        const a = await analyzeImage(daemonImage(tag), { platform: 'linux/amd64' });
        // Each layer as dockerd gives it back (its tar-split keeps the bytes), listed by GNU tar.
        docker(['save', '-o', join(dir, 'out.tar'), tag]);
        const manifest = JSON.parse(execFileSync('tar', ['-xOf', join(dir, 'out.tar'), 'manifest.json'], { encoding: 'utf8' })) as { Layers: string[] }[];
        const perLayer = manifest[0].Layers.map((member, i) => {
          writeFileSync(join(dir, `layer-${i}.tar`), execFileSync('tar', ['-xOf', join(dir, 'out.tar'), member], { maxBuffer: 1 << 30 }));
          return gnuTarFileBytes(join(dir, `layer-${i}.tar`));
        });
        expect(a.layers.map((l) => l.sizeBytes)).toEqual(perLayer);
        // The filesystem dockerd stacked (whiteouts, opaque directories, hard links, overwrites applied):
        // its regular-file bytes are what layerwise says survives.
        docker(['create', '--name', container, tag, '/nothing']);
        execFileSync('docker', ['export', '-o', join(dir, 'export.tar'), container]);
        expect({ case: n, surviving: a.sizeBytes - a.wastedBytes }).toEqual({ case: n, surviving: gnuTarFileBytes(join(dir, 'export.tar')) });
      } finally {
        try { docker(['rm', '-f', container]); } catch { /* never created */ }
        docker(['rmi', '-f', tag]);
      }
    }
  }, 300_000);
});
