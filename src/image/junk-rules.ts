// Known leftovers in a layer and what to do about each. A hint names what was found (pkgcache.bin is not a .deb
// file) and proposes only what the layer's own instruction does not already do: a RUN that already passes
// `--no-install-recommends` is not told to, a `pip install --no-cache-dir` is told which other pip call still
// writes the cache. Fixes are prose with commands in `code` spans (the report renders those as code).

/** What one rule found in one layer, and the instruction that made the layer. */
export interface Found {
  /** `RUN`, `COPY`, … (upper case). */
  keyword: string;
  /** The cleaned instruction (`RUN apt-get update && …`). */
  instruction: string;
  /** The matched directories or files, biggest first, with a leading slash. */
  dirs: string[];
  /** What kinds of file were matched and how many of each (see `kind`). */
  kinds: Map<string, number>;
}

export interface JunkRule {
  id: string;
  minBytes: number;
  /** The directory a hit is grouped under, or undefined when the path is not this junk. */
  match(path: string): string | undefined;
  /** A name for what a matched file is (`.deb`, `pkgcache.bin`), counted into Found.kinds. */
  kind?(path: string): string | undefined;
  title(found: Found): string;
  fix(found: Found): string;
}

const KiB = 1024;
const MiB = 1024 * KiB;

function under(prefix: string): (path: string) => string | undefined {
  return (path) => (path.startsWith(`${prefix}/`) ? prefix : undefined);
}

function segment(pattern: RegExp): (path: string) => string | undefined {
  return (path) => pattern.exec(path)?.[1];
}

/** The shell commands of a RUN, split at &&, ||, ;, | (quotes are not parsed: good enough to find flags). */
export function commands(instruction: string): string[] {
  return instruction.split(/&&|\|\||[;|]/).map((c) => c.trim()).filter(Boolean);
}

// Each test is a few linear scans of one command (instructions are hostile: no pattern that backtracks).
const NO_RECOMMENDS = /--no-install-recommends\b|APT::Install-Recommends[= ]+"?(?:0|false)\b/i;
const isAptInstall = (c: string) => /\bapt(?:-get)?\s/.test(c) && /\sinstall\b/.test(c);
const isPipInstall = (c: string) => /(?:^|[\s/])pip[\d.]*\s|\s-m\s+pip\s/.test(c) && /\s(?:install|wheel|download)\b/.test(c);
const isApkAdd = (c: string) => /\bapk\s/.test(c) && /\sadd\b/.test(c);
/** Some command of the RUN is `rm` of something under `path`. */
const removes = (instruction: string, path: string) => commands(instruction).some((c) => /(?:^|\s)rm\s/.test(c) && c.includes(path));

/** `N things` / `1 thing`. */
const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
/** `a`, `a and b`, `a, b and c`. */
const andList = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

/** The same-RUN cleanup for a RUN; for files a COPY/ADD brought in, where they should have been kept out. */
function cleanup(f: Found, command: string, already: boolean, what: string): string {
  if (f.keyword !== 'RUN') return `remove ${what} in the step that creates it (\`${command}\`) or keep it out of the build context`;
  if (already) return `this RUN runs \`${command.replace(/^&& /, '')}\` before the command that writes ${what}: run it last`;
  return `end the same RUN with \`${command}\``;
}

/** Directories as `rm` arguments: `/tmp/*` for a directory the system needs, the path itself otherwise. */
const rmArgs = (dirs: string[], keep: boolean) => dirs.map((d) => (keep ? `${d}/*` : d)).join(' ');

const DOC_DIRS = { '/usr/share/doc': 'documentation', '/usr/share/man': 'man pages', '/usr/share/info': 'info pages' };

export const JUNK_RULES: JunkRule[] = [
  {
    id: 'apt-lists', minBytes: 16 * KiB, match: under('var/lib/apt/lists'),
    title: () => 'apt package lists (from apt-get update)',
    fix: (f) => cleanup(f, '&& rm -rf /var/lib/apt/lists/*', removes(f.instruction, '/var/lib/apt/lists'), 'the lists'),
  },
  {
    id: 'apt-cache', minBytes: 16 * KiB, match: under('var/cache/apt'),
    kind: (p) => (p.endsWith('.deb') ? '.deb' : /(^|\/)(src)?pkgcache\.bin$/.test(p) ? p.slice(p.lastIndexOf('/') + 1) : undefined),
    title: (f) => {
      const found: string[] = [];
      const bins = ['pkgcache.bin', 'srcpkgcache.bin'].filter((b) => f.kinds.has(b));
      if (bins.length) found.push(`${andList(bins)} (apt's package index cache${bins.length > 1 ? 's' : ''})`);
      const debs = f.kinds.get('.deb');
      if (debs) found.push(count(debs, 'downloaded .deb package', 'downloaded .deb packages'));
      return found.length ? `apt cache: ${andList(found)}` : 'apt cache files';
    },
    // `apt-get clean` removes the downloaded .deb files and both .bin caches (checked on bookworm's apt 2.6).
    fix: (f) => {
      const cleans = /\bapt(?:-get)?\s+clean\b/.test(f.instruction);
      const clean = cleanup(f, '&& apt-get clean', cleans, 'the cache');
      return f.keyword === 'RUN' && !cleans
        ? `${clean}, or keep the cache out of the layer with \`RUN --mount=type=cache,target=/var/cache/apt\``
        : clean;
    },
  },
  {
    id: 'apk-cache', minBytes: 16 * KiB, match: under('var/cache/apk'),
    kind: (p) => (/\/APKINDEX\.[^/]*\.tar\.gz$/.test(p) ? 'index' : p.endsWith('.apk') ? '.apk' : undefined),
    title: (f) => {
      const found: string[] = [];
      if (f.kinds.has('index')) found.push('package index (APKINDEX files)');
      const pkgs = f.kinds.get('.apk');
      if (pkgs) found.push(count(pkgs, 'cached .apk package', 'cached .apk packages'));
      return `apk cache${found.length ? `: ${andList(found)}` : ' files'}`;
    },
    fix: (f) => {
      if (f.keyword !== 'RUN') return 'keep `/var/cache/apk` out of the copied tree';
      const adds = commands(f.instruction).filter(isApkAdd);
      const update = commands(f.instruction).some((c) => /\bapk\s/.test(c) && /\supdate\b/.test(c));
      const bare = adds.filter((c) => !/--no-cache\b/.test(c)).length;
      if (update && bare === 0) return 'drop `apk update`: `apk add --no-cache` fetches a fresh index itself and keeps none';
      if (bare > 0 && adds.length > bare) return `give every \`apk add\` in this RUN \`--no-cache\` (${bare} of ${adds.length} lack it)${update ? ' and drop `apk update`' : ''}`;
      if (bare > 0) return `use \`apk add --no-cache …\`${update ? ' and drop `apk update`' : ''}`;
      return cleanup(f, '&& rm -rf /var/cache/apk/*', removes(f.instruction, '/var/cache/apk'), 'the cache');
    },
  },
  {
    id: 'pip-cache', minBytes: 16 * KiB, match: segment(/^((?:.*\/)?\.cache\/pip)\//),
    title: () => 'pip cache',
    fix: (f) => {
      if (f.keyword !== 'RUN') return `keep \`${f.dirs[0]}\` out of the copied tree`;
      const pips = commands(f.instruction).filter(isPipInstall);
      const bare = pips.filter((c) => !/--no-cache-dir\b/.test(c)).length;
      const mount = `or \`RUN --mount=type=cache,target=${f.dirs[0]}\``;
      if (bare > 0 && pips.length > bare) return `give every pip call in this RUN \`--no-cache-dir\` (${bare} of ${pips.length} lack it, e.g. \`pip install --upgrade pip\`) ${mount}`;
      if (bare > 0) return `use \`pip install --no-cache-dir …\` ${mount}`;
      return `something else in this RUN writes the pip cache: end it with \`&& rm -rf ${rmArgs(f.dirs, false)}\` ${mount}`;
    },
  },
  {
    id: 'npm-cache', minBytes: 16 * KiB, match: segment(/^((?:.*\/)?\.npm\/_cacache)\//),
    title: () => 'npm cache',
    fix: (f) => {
      const cleans = /\bnpm\s+cache\s+clean\b/.test(f.instruction);
      const clean = cleanup(f, '&& npm cache clean --force', cleans, 'the cache');
      const home = f.dirs[0].replace(/\/_cacache$/, '');
      return f.keyword === 'RUN' && !cleans ? `${clean}, or use \`RUN --mount=type=cache,target=${home}\`` : clean;
    },
  },
  {
    id: 'yarn-cache', minBytes: 16 * KiB,
    match: (p) => under('usr/local/share/.cache/yarn')(p) ?? segment(/^((?:.*\/)?\.cache\/yarn)\//)(p),
    title: () => 'yarn cache',
    fix: (f) => cleanup(f, '&& yarn cache clean', /\byarn\s+cache\s+clean\b/.test(f.instruction), 'the cache'),
  },
  {
    id: 'git-dir', minBytes: 16 * KiB, match: segment(/^((?:.*\/)?\.git)\//),
    title: () => '.git directory',
    fix: (f) => {
      if (f.keyword === 'ADD' && /--keep-git-dir\b/.test(f.instruction)) return 'drop `--keep-git-dir` from the ADD';
      if (f.keyword !== 'RUN') return 'add `.git` to .dockerignore';
      const rm = `\`&& rm -rf ${rmArgs(f.dirs, false)}\``;
      if (/\bgit\s+clone\b/.test(f.instruction) && !/--depth[= ]\d/.test(f.instruction)) return `clone with \`--depth 1\` and end the same RUN with ${rm}`;
      return `end the same RUN with ${rm}`;
    },
  },
  {
    id: 'tmp', minBytes: 16 * KiB, match: (p) => under('tmp')(p) ?? under('var/tmp')(p),
    title: (f) => `files left in ${andList(f.dirs)}`,
    fix: (f) => {
      const rm = `&& rm -rf ${rmArgs(f.dirs, true)}`;
      if (f.keyword !== 'RUN') return `remove them in the step that creates them (\`${rm}\`) or keep them out of the build context`;
      return `end the same RUN with \`${rm}\`, or give it a scratch \`/tmp\` that never lands in a layer: \`RUN --mount=type=tmpfs,target=/tmp\``;
    },
  },
  {
    id: 'toolchain', minBytes: 1 * MiB,
    match: (p) =>
      under('usr/lib/gcc')(p) ?? under('usr/libexec/gcc')(p) ?? segment(/^(usr\/lib\/llvm-[^/]+)\//)(p) ?? under('usr/local/go')(p) ??
      segment(/^((?:root|usr\/local)\/\.?rustup\/toolchains)\//)(p) ?? segment(/^(usr\/bin\/(?:[\w-]+-)?(?:gcc|g\+\+|cc1|clang|rustc)(?:-[\d.]+)?)$/)(p),
    title: () => 'compiler toolchain in the final image',
    fix: (f) =>
      /--from[= ]/.test(f.instruction)
        ? 'copy only the built artefacts from that stage, not its toolchain'
        : 'build in a builder stage and `COPY --from=builder` only the built artefacts',
  },
  {
    id: 'docs', minBytes: 1 * MiB,
    match: (p) => under('usr/share/doc')(p) ?? under('usr/share/man')(p) ?? under('usr/share/info')(p),
    title: (f) => andList(Object.entries(DOC_DIRS).filter(([dir]) => f.dirs.includes(dir)).map(([, name]) => name)) || 'documentation',
    fix: (f) => {
      if (f.keyword !== 'RUN') return 'keep docs out of the copied tree';
      const installs = commands(f.instruction).filter(isAptInstall);
      const recommends = installs.some((c) => !NO_RECOMMENDS.test(c));
      const rm = `end the same RUN with \`&& rm -rf ${rmArgs(f.dirs, false)}\` (or have dpkg skip them: \`path-exclude=/usr/share/doc/*\` in /etc/dpkg/dpkg.cfg.d/)`;
      return recommends ? `install with \`--no-install-recommends\` (fewer packages) and ${rm}` : rm;
    },
  },
];
