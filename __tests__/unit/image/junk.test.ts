import { findJunk, JUNK_RULES } from '../../../src/image/junk.js';
import type { Shadow, SurvivingFile } from '../../../src/image/stack.js';

const layers = [
  { instruction: 'COPY . /src', line: 3 },
  { instruction: 'RUN apt-get update && apt-get install -y gcc', line: 5 },
];

describe('junk rules', () => {
  test.each([
    ['apt-lists', 'var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease', '/var/lib/apt/lists'],
    ['apt-cache', 'var/cache/apt/archives/gcc_12.deb', '/var/cache/apt'],
    ['apk-cache', 'var/cache/apk/APKINDEX.tar.gz', '/var/cache/apk'],
    ['pip-cache', 'root/.cache/pip/http/a/b', '/root/.cache/pip'],
    ['pip-cache', 'home/app/.cache/pip/wheels/x.whl', '/home/app/.cache/pip'],
    ['npm-cache', 'root/.npm/_cacache/content-v2/sha512/ab', '/root/.npm/_cacache'],
    ['yarn-cache', 'usr/local/share/.cache/yarn/v6/npm-x.tgz', '/usr/local/share/.cache/yarn'],
    ['git-dir', 'src/app/.git/objects/pack/p.pack', '/src/app/.git'],
    ['tmp', 'tmp/build/out.o', '/tmp'],
    ['tmp', 'var/tmp/x', '/var/tmp'],
    ['toolchain', 'usr/lib/gcc/x86_64-linux-gnu/12/cc1', '/usr/lib/gcc'],
    ['toolchain', 'usr/bin/x86_64-linux-gnu-gcc-12', '/usr/bin/x86_64-linux-gnu-gcc-12'],
    ['toolchain', 'usr/local/go/pkg/tool/linux_amd64/compile', '/usr/local/go'],
    ['docs', 'usr/share/doc/gcc-12/changelog.gz', '/usr/share/doc'],
    ['docs', 'usr/share/man/man1/gcc.1.gz', '/usr/share/man'],
  ])('%s matches %s', (rule, path, group) => {
    const hints = findJunk([{ path, bytes: 5 << 20, layer: 1 }], [], layers);
    expect(hints.map((h) => [h.rule, h.paths, h.line, h.layerIndex])).toEqual([[rule, [group], 5, 1]]);
  });

  test.each(['usr/bin/gcc-wrapper.sh', 'opt/tmp/x', 'var/lib/apt/extended_states', 'app/.github/workflows/x.yml', 'usr/share/docs/x'])(
    'no rule matches %s',
    (path) => expect(findJunk([{ path, bytes: 5 << 20, layer: 0 }], [], layers)).toEqual([]),
  );

  test('minimum sizes keep noise out; bytes add up per rule and layer', () => {
    const small: SurvivingFile[] = [{ path: 'tmp/a', bytes: 1000, layer: 0 }];
    expect(findJunk(small, [], layers)).toEqual([]);
    const many: SurvivingFile[] = Array.from({ length: 20 }, (_, i) => ({ path: `tmp/f${i}`, bytes: 1000, layer: 0 }));
    expect(findJunk(many, [], layers)).toEqual([
      expect.objectContaining({ rule: 'tmp', bytes: 20_000, title: 'files left in /tmp', fix: 'remove them in the step that creates them (`&& rm -rf /tmp/*`) or keep them out of the build context' }),
    ]);
  });

  test('fixes follow the instruction: .dockerignore for a COPY, same-RUN cleanup for a RUN', () => {
    const git = findJunk([{ path: 'src/.git/index', bytes: 1 << 20, layer: 0 }], [], layers);
    expect(git[0].fix).toBe('add `.git` to .dockerignore');
    const apt = findJunk([{ path: 'var/lib/apt/lists/x', bytes: 1 << 20, layer: 1 }], [], layers);
    expect(apt[0].fix).toBe('end the same RUN with `&& rm -rf /var/lib/apt/lists/*`');
  });

  test('cross-layer waste: merge advice only for measured deletions above the threshold', () => {
    const shadows: Shadow[] = [
      { origin: 1, by: 2, how: 'deleted', bytes: 10 << 20, files: 3, paths: [{ path: 'var/cache/apt/archives/x.deb', bytes: 9 << 20 }] },
      { origin: 0, by: 2, how: 'deleted', bytes: 1000, files: 1, paths: [{ path: 'src/tiny', bytes: 1000 }] },
      { origin: 0, by: 2, how: 'overwritten', bytes: 2 << 20, files: 40, paths: [{ path: 'src/big.bin', bytes: 1 << 20 }] },
    ];
    const hints = findJunk([], shadows, [...layers, { instruction: 'RUN apt-get clean && chown -R app /src', line: 9 }]);
    expect(hints.map((h) => [h.rule, h.bytes, h.line])).toEqual([['cleanup-in-later-layer', 10 << 20, 5], ['rewritten-in-later-layer', 2 << 20, 3]]);
    expect(hints[0].fix).toBe('do the cleanup from line 9 in the same RUN as line 5 (merge the two RUNs)');
    expect(hints[1].fix).toBe('set ownership and modes where the files are created (`COPY --chown/--chmod`, or in the same RUN) instead of line 9');
  });

  test('the rewrite fix follows what rewrote the files: a second COPY, a RUN on base-image files, any other RUN', () => {
    const base = { instruction: 'unknown instruction' };
    const info = [base, { instruction: 'COPY app/ /app', line: 4 }, { instruction: 'RUN apt-get install -y curl', line: 6 }, { instruction: 'COPY app/ /app', line: 8 }, { instruction: 'RUN sed -i s/a/b/ /app/conf', line: 9 }];
    const shadow = (origin: number, by: number): Shadow => ({ origin, by, how: 'overwritten', bytes: 2 << 20, files: 2, paths: [{ path: 'x', bytes: 2 << 20 }] });
    const fixes = [shadow(1, 3), shadow(0, 2), shadow(1, 4)].map((s) => findJunk([], [s], info)[0].fix);
    expect(fixes).toEqual([
      'copy these files once: line 8 overwrites what line 4 put there',
      'line 6 changes files of the base image (often package-manager state); a base that already has what line 6 installs avoids it',
      'make these changes in the step that creates the files (line 4), not in line 9',
    ]);
  });

  test('junk in a base-image layer points at the base, not at a Dockerfile fix', () => {
    const hints = findJunk([{ path: 'usr/share/doc/x/copyright', bytes: 2 << 20, layer: 0 }], [], [{ instruction: 'unknown instruction' }]);
    expect(hints[0].fix).toBe('it comes with the base image: pick a slimmer base (a `-slim` tag, distroless) or one built without it');
    // A layer from an ADD in someone's base still gets the instruction's own fix.
    const added = findJunk([{ path: 'tmp/x', bytes: 2 << 20, layer: 0 }], [], [{ instruction: 'ADD file:abc in /' }]);
    expect(added[0].fix).toContain('keep them out of the build context');
  });

  test('every rule has a title, a fix and a minimum', () => {
    for (const r of JUNK_RULES) {
      for (const keyword of ['RUN', 'COPY', 'ADD']) {
        const found = { keyword, instruction: `${keyword} x`, dirs: ['/x'], kinds: new Map<string, number>() };
        expect(r.fix(found).length).toBeGreaterThan(10);
        expect(r.title(found).length).toBeGreaterThan(1);
      }
      expect(r.minBytes).toBeGreaterThan(0);
    }
  });
});
