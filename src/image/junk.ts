// Known leftovers (the rules: junk-rules.ts), named at the layer and Dockerfile line that left them, with the
// one-line fix. Bytes are those that survive into the final image; bytes a later layer deletes are reported
// separately as a cleanup in the wrong layer — the only case where merging RUNs is advised, because only then
// is the waste measured rather than guessed (orisano's minid merges blindly).
import { JUNK_RULES, type Found, type JunkRule } from './junk-rules.js';
import type { Hint } from './types.js';
import type { Shadow, SurvivingFile } from './stack.js';

export { JUNK_RULES } from './junk-rules.js';

export interface LayerInfo {
  instruction: string;
  line?: number;
}

/** A later layer must remove at least this much before we call it waste worth a hint. */
export const SHADOW_HINT_MIN_BYTES = 64 * 1024;

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
  const groups = new Map<string, { rule: JunkRule; layer: number; bytes: number; paths: Map<string, number>; kinds: Map<string, number> }>();
  for (const file of survivors) {
    for (const rule of JUNK_RULES) {
      const dir = rule.match(file.path);
      if (!dir) continue;
      const key = `${rule.id}:${file.layer}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { rule, layer: file.layer, bytes: 0, paths: new Map(), kinds: new Map() }));
      g.bytes += file.bytes;
      g.paths.set(`/${dir}`, (g.paths.get(`/${dir}`) ?? 0) + file.bytes);
      const kind = rule.kind?.(file.path);
      if (kind) g.kinds.set(kind, (g.kinds.get(kind) ?? 0) + 1);
      break;
    }
  }
  const hints: Hint[] = [];
  for (const g of groups.values()) {
    if (g.bytes < g.rule.minBytes) continue;
    const info = layers[g.layer];
    const paths = [...g.paths.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([p]) => p);
    const found: Found = { keyword: keywordOf(info.instruction), instruction: info.instruction, dirs: paths, kinds: g.kinds };
    hints.push({
      rule: g.rule.id,
      title: g.rule.title(found),
      bytes: g.bytes,
      layerIndex: g.layer,
      instruction: info.instruction,
      line: info.line,
      paths,
      fix: fromBase(info) ? BASE_FIX : g.rule.fix(found),
    });
  }
  for (const s of shadows) {
    if (s.bytes < SHADOW_HINT_MIN_BYTES || s.origin === s.by) continue;
    const origin = layers[s.origin];
    const by = layers[s.by];
    const where = (l: LayerInfo, i: number) => (l.line ? `line ${l.line}` : `layer ${i + 1}`);
    const [at, byAt] = [where(origin, s.origin), where(by, s.by)];
    const deleted = s.how === 'deleted';
    hints.push({
      rule: deleted ? 'cleanup-in-later-layer' : 'rewritten-in-later-layer',
      title: deleted
        ? `${byAt} deletes ${s.files} file(s) that ${at} added; the bytes still ship in the earlier layer`
        : `${byAt} rewrites ${s.files} file(s) from ${at}, storing them twice`,
      bytes: s.bytes,
      layerIndex: s.origin,
      instruction: origin.instruction,
      line: origin.line,
      paths: s.paths.map((p) => `/${p.path}`),
      fix: !deleted
        ? rewriteFix(origin, by, { origin: at, by: byAt })
        : keywordOf(origin.instruction) === 'RUN'
          ? `do the cleanup from ${byAt} in the same RUN as ${at} (merge the two RUNs)`
          : `don't copy these files (.dockerignore or a narrower COPY) instead of deleting them in ${byAt}`,
    });
  }
  return hints.sort((a, b) => b.bytes - a.bytes || a.layerIndex - b.layerIndex);
}
