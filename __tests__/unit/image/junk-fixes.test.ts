// Hints on RUN lines as real Dockerfiles write them (official images, language images, common tutorials): a
// hint names what it found and proposes only what the line does not already do. The file lists are what
// these lines leave behind (the apt ones checked on the test bed's bookworm: `apt-get install` after
// `apt-get update` leaves pkgcache.bin, srcpkgcache.bin and the .deb files; `apt-get clean` removes all three).
import { findJunk } from '../../../src/image/junk.js';
import type { Hint } from '../../../src/image/types.js';

const MB = 1 << 20;

function hints(instruction: string, files: [string, number][]): Hint[] {
  return findJunk(files.map(([path, bytes]) => ({ path, bytes, layer: 0 })), [], [{ instruction, line: 4 }]);
}
const one = (instruction: string, files: [string, number][], rule: string) => {
  const found = hints(instruction, files).filter((h) => h.rule === rule);
  expect(found).toHaveLength(1);
  return found[0];
};

const APT_LEFTOVERS: [string, number][] = [
  ['var/cache/apt/pkgcache.bin', 39 * MB],
  ['var/cache/apt/srcpkgcache.bin', 39 * MB],
  ['var/cache/apt/archives/ca-certificates_20230311+deb12u1_all.deb', 155_260],
  ['var/cache/apt/archives/libssl3_3.0.20-1~deb12u2_amd64.deb', 2_036_016],
  ['var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4', 40 * MB],
];

describe('apt', () => {
  test('an official-image RUN (no recommends, lists removed) is told only what it misses: apt-get clean', () => {
    const run = 'RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*';
    const found = hints(run, APT_LEFTOVERS.filter(([p]) => !p.startsWith('var/lib')));
    expect(found.map((h) => h.rule)).toEqual(['apt-cache']);
    expect(found[0].title).toBe("apt cache: pkgcache.bin and srcpkgcache.bin (apt's package index caches) and 2 downloaded .deb packages");
    expect(found[0].fix).toBe('end the same RUN with `&& apt-get clean`, or keep the cache out of the layer with `RUN --mount=type=cache,target=/var/cache/apt`');
    expect(found[0].fix).not.toContain('no-install-recommends');
  });

  test('only the .bin caches: the title does not call them .deb files', () => {
    const h = one('RUN apt-get update && apt-get install -y --no-install-recommends curl', APT_LEFTOVERS.slice(0, 2), 'apt-cache');
    expect(h.title).toBe("apt cache: pkgcache.bin and srcpkgcache.bin (apt's package index caches)");
    expect(h.title).not.toContain('.deb');
  });

  test('a tutorial RUN without cleanup: lists and cache each get their own fix', () => {
    const run = 'RUN apt-get update && apt-get install -y build-essential';
    const byRule = Object.fromEntries(hints(run, APT_LEFTOVERS).map((h) => [h.rule, h]));
    expect(byRule['apt-lists'].title).toBe('apt package lists (from apt-get update)');
    expect(byRule['apt-lists'].fix).toBe('end the same RUN with `&& rm -rf /var/lib/apt/lists/*`');
    expect(byRule['apt-cache'].fix).toContain('`&& apt-get clean`');
  });

  test('a cleanup that runs too early is named, not proposed again', () => {
    const run = 'RUN apt-get clean && rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y --no-install-recommends git';
    const byRule = Object.fromEntries(hints(run, APT_LEFTOVERS).map((h) => [h.rule, h]));
    expect(byRule['apt-cache'].fix).toBe('this RUN runs `apt-get clean` before the command that writes the cache: run it last');
    expect(byRule['apt-lists'].fix).toBe('this RUN runs `rm -rf /var/lib/apt/lists/*` before the command that writes the lists: run it last');
  });

  test('docs: --no-install-recommends only where an install lacks it', () => {
    const docs: [string, number][] = [['usr/share/doc/gcc-12/changelog.Debian.gz', 3 * MB], ['usr/share/man/man1/gcc.1.gz', MB]];
    const without = one('RUN apt-get update && apt-get install -y gcc', docs, 'docs');
    expect(without.title).toBe('documentation and man pages');
    expect(without.fix).toMatch(/^install with `--no-install-recommends` \(fewer packages\) and end the same RUN with `&& rm -rf \/usr\/share\/doc \/usr\/share\/man`/);
    for (const run of [
      'RUN apt-get update && apt-get install -y --no-install-recommends gcc',
      'RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -o APT::Install-Recommends=false install -y gcc',
      'RUN apk add --no-cache gcc',
    ]) {
      expect(one(run, docs, 'docs').fix).toMatch(/^end the same RUN with `&& rm -rf \/usr\/share\/doc \/usr\/share\/man`/);
    }
    // Two installs, one of them without the flag: still proposed.
    expect(one('RUN apt-get install -y --no-install-recommends a && apt-get install -y b', docs, 'docs').fix).toContain('--no-install-recommends');
  });
});

describe('apk, pip, npm, yarn', () => {
  const INDEX: [string, number][] = [['var/cache/apk/APKINDEX.d5ba17d7.tar.gz', 1_300_000], ['var/cache/apk/APKINDEX.8fcd1b6a.tar.gz', 600_000]];

  test('apk: `apk update` with --no-cache leaves the index: drop the update', () => {
    const h = one('RUN apk update && apk add --no-cache curl', INDEX, 'apk-cache');
    expect(h.title).toBe('apk cache: package index (APKINDEX files)');
    expect(h.fix).toBe('drop `apk update`: `apk add --no-cache` fetches a fresh index itself and keeps none');
    expect(one('RUN apk add curl git', INDEX, 'apk-cache').fix).toBe('use `apk add --no-cache …`');
    expect(one('RUN apk add --no-cache curl && apk add git', INDEX, 'apk-cache').fix).toBe('give every `apk add` in this RUN `--no-cache` (1 of 2 lack it)');
  });

  const PIP: [string, number][] = [['root/.cache/pip/http-v2/a/b/c/0123', 9 * MB]];

  test('pip: the call without --no-cache-dir is the one named', () => {
    const h = one('RUN pip install --upgrade pip && pip install --no-cache-dir -r requirements.txt', PIP, 'pip-cache');
    expect(h.fix).toBe('give every pip call in this RUN `--no-cache-dir` (1 of 2 lack it, e.g. `pip install --upgrade pip`) or `RUN --mount=type=cache,target=/root/.cache/pip`');
    expect(one('RUN pip install -r requirements.txt', PIP, 'pip-cache').fix).toBe('use `pip install --no-cache-dir …` or `RUN --mount=type=cache,target=/root/.cache/pip`');
    expect(one('RUN python3 -m pip install --no-cache-dir poetry && poetry install', PIP, 'pip-cache').fix).toMatch(/^something else in this RUN writes the pip cache: end it with `&& rm -rf \/root\/.cache\/pip`/);
  });

  test('npm and yarn: clean the cache in the same RUN, or mount it', () => {
    const npm = one('RUN npm ci --omit=dev', [['root/.npm/_cacache/content-v2/sha512/ab/cd', 20 * MB]], 'npm-cache');
    expect(npm.fix).toBe('end the same RUN with `&& npm cache clean --force`, or use `RUN --mount=type=cache,target=/root/.npm`');
    const yarn = one('RUN yarn install --frozen-lockfile', [['usr/local/share/.cache/yarn/v6/npm-react-18.2.0/package.json', 30 * MB]], 'yarn-cache');
    expect(yarn.fix).toBe('end the same RUN with `&& yarn cache clean`');
  });
});

describe('.git, /tmp, toolchains', () => {
  const GIT: [string, number][] = [['src/app/.git/objects/pack/pack-1.pack', 12 * MB]];

  test('.git: --depth 1 only for a full clone; the found directory is the one removed', () => {
    expect(one('RUN git clone https://example.org/app.git /src/app', GIT, 'git-dir').fix).toBe('clone with `--depth 1` and end the same RUN with `&& rm -rf /src/app/.git`');
    expect(one('RUN git clone --depth 1 https://example.org/app.git /src/app', GIT, 'git-dir').fix).toBe('end the same RUN with `&& rm -rf /src/app/.git`');
    expect(one('ADD --keep-git-dir=true https://example.org/app.git /src/app', GIT, 'git-dir').fix).toBe('drop `--keep-git-dir` from the ADD');
    expect(one('COPY . /src/app', GIT, 'git-dir').fix).toBe('add `.git` to .dockerignore');
  });

  test('/tmp: the directories found, and a tmpfs mount as the alternative', () => {
    const h = one('RUN curl -fsSLo /tmp/node.tar.xz https://example.org/node.tar.xz && tar -xJf /tmp/node.tar.xz -C /usr/local', [['tmp/node.tar.xz', 24 * MB]], 'tmp');
    expect(h.title).toBe('files left in /tmp');
    expect(h.fix).toBe('end the same RUN with `&& rm -rf /tmp/*`, or give it a scratch `/tmp` that never lands in a layer: `RUN --mount=type=tmpfs,target=/tmp`');
  });

  test('a toolchain copied from another stage: narrow the copy', () => {
    const files: [string, number][] = [['usr/lib/gcc/x86_64-linux-gnu/12/cc1', 30 * MB]];
    expect(one('COPY --from=build /usr /usr', files, 'toolchain').fix).toBe('copy only the built artefacts from that stage, not its toolchain');
    expect(one('RUN apt-get install -y gcc', files, 'toolchain').fix).toBe('build in a builder stage and `COPY --from=builder` only the built artefacts');
  });
});
