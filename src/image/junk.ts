// Known leftovers, named at the layer and Dockerfile line that left them, with the one-line fix. Bytes are
// those that survive into the final image; bytes a later layer deletes are reported separately as a
// cleanup in the wrong layer — the only case where merging RUNs is advised, because only then is the
// waste measured rather than guessed (orisano's minid merges blindly).
import type { Hint } from './types.js';
import type { Shadow, SurvivingFile } from './stack.js';

export interface LayerInfo {
  instruction: string;
  line?: number;
}

interface Rule {
  id: string;
  title: string;
  minBytes: number;
  /** The directory a hit is grouped under, or undefined when the path is not this junk. */
  match(path: string): string | undefined;
  fix(keyword: string): string;
}

const KiB = 1024;
const MiB = 1024 * KiB;

function under(prefix: string): (path: string) => string | undefined {
  return (path) => (path.startsWith(`${prefix}/`) ? prefix : undefined);
}

function segment(pattern: RegExp): (path: string) => string | undefined {
  return (path) => pattern.exec(path)?.[1];
}

const sameRun = (cleanup: string) => (keyword: string) =>
  keyword === 'RUN' ? `end the same RUN with \`${cleanup}\`` : `remove it in the step that creates it (\`${cleanup}\`) or keep it out of the build context`;

export const JUNK_RULES: Rule[] = [
  {
    id: 'apt-lists', title: 'apt package lists', minBytes: 16 * KiB, match: under('var/lib/apt/lists'),
    fix: sameRun('&& rm -rf /var/lib/apt/lists/*'),
  },
  {
    id: 'apt-cache', title: 'apt package cache (.deb files)', minBytes: 16 * KiB, match: under('var/cache/apt'),
    fix: (k) => `${sameRun('&& apt-get clean')(k)}; install with \`--no-install-recommends\` or use \`RUN --mount=type=cache,target=/var/cache/apt\``,
  },
  {
    id: 'apk-cache', title: 'apk package cache', minBytes: 16 * KiB, match: under('var/cache/apk'),
    fix: () => 'use `apk add --no-cache …`',
  },
  {
    id: 'pip-cache', title: 'pip cache', minBytes: 16 * KiB, match: segment(/^((?:.*\/)?\.cache\/pip)\//),
    fix: () => 'use `pip install --no-cache-dir …` (or `RUN --mount=type=cache,target=/root/.cache/pip`)',
  },
  {
    id: 'npm-cache', title: 'npm cache', minBytes: 16 * KiB, match: segment(/^((?:.*\/)?\.npm\/_cacache)\//),
    fix: sameRun('&& npm cache clean --force'),
  },
  {
    id: 'yarn-cache', title: 'yarn cache', minBytes: 16 * KiB,
    match: (p) => under('usr/local/share/.cache/yarn')(p) ?? segment(/^((?:.*\/)?\.cache\/yarn)\//)(p),
    fix: sameRun('&& yarn cache clean'),
  },
  {
    id: 'git-dir', title: '.git directory', minBytes: 16 * KiB, match: segment(/^((?:.*\/)?\.git)\//),
    fix: (k) => (k === 'RUN' ? 'clone with `--depth 1` and `rm -rf .git` in the same RUN' : 'add `.git` to .dockerignore'),
  },
  {
    id: 'tmp', title: 'files left in /tmp', minBytes: 16 * KiB, match: (p) => under('tmp')(p) ?? under('var/tmp')(p),
    fix: sameRun('&& rm -rf /tmp/*'),
  },
  {
    id: 'toolchain', title: 'compiler toolchain in the final image', minBytes: 1 * MiB,
    match: (p) =>
      under('usr/lib/gcc')(p) ?? under('usr/libexec/gcc')(p) ?? segment(/^(usr\/lib\/llvm-[^/]+)\//)(p) ?? under('usr/local/go')(p) ??
      segment(/^((?:root|usr\/local)\/\.?rustup\/toolchains)\//)(p) ?? segment(/^(usr\/bin\/(?:[\w-]+-)?(?:gcc|g\+\+|cc1|clang|rustc)(?:-[\d.]+)?)$/)(p),
    fix: () => 'build in a builder stage and `COPY --from=builder` only the built artefacts',
  },
  {
    id: 'docs', title: 'documentation and man pages', minBytes: 1 * MiB,
    match: (p) => under('usr/share/doc')(p) ?? under('usr/share/man')(p) ?? under('usr/share/info')(p),
    fix: (k) => (k === 'RUN' ? 'install with `--no-install-recommends` and end the RUN with `&& rm -rf /usr/share/doc /usr/share/man`' : 'keep docs out of the copied tree'),
  },
];

/** A later layer must remove at least this much before we call it waste worth a hint. */
export const SHADOW_HINT_MIN_BYTES = 64 * KiB;

const keywordOf = (instruction: string): string => instruction.split(' ')[0].toUpperCase();

const KEYWORDS = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR', 'USER', 'ENV', 'ARG', 'LABEL', 'EXPOSE', 'VOLUME', 'CMD', 'ENTRYPOINT', 'SHELL', 'STOPSIGNAL', 'HEALTHCHECK', 'ONBUILD']);

/** A layer no Dockerfile instruction explains (imported or from a base built elsewhere): only a new base helps. */
const fromBase = (l: LayerInfo): boolean => l.line === undefined && !KEYWORDS.has(keywordOf(l.instruction));
const BASE_FIX = 'it comes with the base image: pick a slimmer base (a `-slim` tag, distroless) or one built without it';

/** What to do about files a later layer rewrites, by what rewrote them. */
function rewriteFix(origin: LayerInfo, by: LayerInfo, at: { origin: string; by: string }): string {
  if (/\bch(own|mod)\b/.test(by.instruction)) {
    return `set ownership and modes where the files are created (\`COPY --chown/--chmod\`, or in the same RUN) instead of ${at.by}`;
  }
  const byKeyword = keywordOf(by.instruction);
  if (byKeyword === 'COPY' || byKeyword === 'ADD') return `copy these files once: ${at.by} overwrites what ${at.origin} put there`;
  if (fromBase(origin)) return `${at.by} changes files of the base image (often package-manager state); a base that already has what ${at.by} installs avoids it`;
  return `make these changes in the step that creates the files (${at.origin}), not in ${at.by}`;
}

export function findJunk(survivors: SurvivingFile[], shadows: Shadow[], layers: LayerInfo[]): Hint[] {
  const groups = new Map<string, { rule: Rule; layer: number; bytes: number; paths: Map<string, number> }>();
  for (const file of survivors) {
    for (const rule of JUNK_RULES) {
      const dir = rule.match(file.path);
      if (!dir) continue;
      const key = `${rule.id}:${file.layer}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { rule, layer: file.layer, bytes: 0, paths: new Map() }));
      g.bytes += file.bytes;
      g.paths.set(`/${dir}`, (g.paths.get(`/${dir}`) ?? 0) + file.bytes);
      break;
    }
  }
  const hints: Hint[] = [];
  for (const g of groups.values()) {
    if (g.bytes < g.rule.minBytes) continue;
    const info = layers[g.layer];
    hints.push({
      rule: g.rule.id,
      title: g.rule.title,
      bytes: g.bytes,
      layerIndex: g.layer,
      instruction: info.instruction,
      line: info.line,
      paths: [...g.paths.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([p]) => p),
      fix: fromBase(info) ? BASE_FIX : g.rule.fix(keywordOf(info.instruction)),
    });
  }
  for (const s of shadows) {
    if (s.bytes < SHADOW_HINT_MIN_BYTES || s.origin === s.by) continue;
    const origin = layers[s.origin];
    const by = layers[s.by];
    const where = (l: LayerInfo, i: number) => (l.line ? `line ${l.line}` : `layer ${i + 1}`);
    const originKeyword = keywordOf(origin.instruction);
    if (s.how === 'deleted') {
      hints.push({
        rule: 'cleanup-in-later-layer',
        title: `${where(by, s.by)} deletes ${s.files} file(s) that ${where(origin, s.origin)} added; the bytes still ship in the earlier layer`,
        bytes: s.bytes,
        layerIndex: s.origin,
        instruction: origin.instruction,
        line: origin.line,
        paths: s.paths.map((p) => `/${p.path}`),
        fix: originKeyword === 'RUN'
          ? `do the cleanup from ${where(by, s.by)} in the same RUN as ${where(origin, s.origin)} (merge the two RUNs)`
          : `don't copy these files (.dockerignore or a narrower COPY) instead of deleting them in ${where(by, s.by)}`,
      });
    } else {
      hints.push({
        rule: 'rewritten-in-later-layer',
        title: `${where(by, s.by)} rewrites ${s.files} file(s) from ${where(origin, s.origin)}, storing them twice`,
        bytes: s.bytes,
        layerIndex: s.origin,
        instruction: origin.instruction,
        line: origin.line,
        paths: s.paths.map((p) => `/${p.path}`),
        fix: rewriteFix(origin, by, { origin: where(origin, s.origin), by: where(by, s.by) }),
      });
    }
  }
  return hints.sort((a, b) => b.bytes - a.bytes || a.layerIndex - b.layerIndex);
}
