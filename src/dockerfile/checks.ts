// Checks BuildKit makes on a resolved graph: sources must be built before the stage that reads them, and
// (frontends before 1.11.1) an ONBUILD trigger cannot be the only reason a stage is built. Plus warnings for
// FROM names that look like a stage but are images.
import { inputError } from './errors.js';
import type { Node } from './node.js';
import { reachable } from './order.js';

/**
 * BuildKit builds the needed stages in file order and refuses a COPY --from / RUN --mount from a stage that
 * is not built yet ("needs to be defined before current stage"). Stages that are skipped are not checked.
 */
export function rejectLaterSources(needed: Node[], nodes: Node[], keyOf: (n: Node) => string, file: string): void {
  for (const node of needed) {
    for (const use of node.uses) {
      if (!use.node || use.via === 'from' || use.node.index < node.index) continue;
      const src = use.node;
      const what = use.via === 'mount' ? `RUN --mount from=${keyOf(src)}` : use.via === 'onbuild' ? `ONBUILD COPY --from=${keyOf(src)} (runs in stage '${keyOf(node)}')` : `COPY --from=${keyOf(src)}`;
      const duplicated = nodes.some((n) => n !== src && src.raw.name !== undefined && n.raw.name === src.raw.name);
      const dup = duplicated ? `; '${src.raw.name}' is defined more than once and --from takes the last definition` : '';
      throw inputError(file, use.line, `${what}: stage '${keyOf(src)}' (line ${src.raw.line}) comes after stage '${keyOf(node)}' (line ${node.raw.line})${dup}`, 'a stage defined above: BuildKit builds stages in file order');
    }
  }
}

/** Frontends before 1.11.1 do not build a stage needed only by an ONBUILD trigger, and fail on the COPY. */
export function rejectOnbuildOnlySources(needed: Node[], keyOf: (n: Node) => string, file: string): void {
  const target = needed[needed.length - 1];
  const viaOtherEdges = reachable(target, (n) => n.uses.filter((u) => u.node && u.via !== 'onbuild').map((u) => u.node as Node));
  for (const node of needed) {
    for (const use of node.uses) {
      if (use.via !== 'onbuild' || !use.node || viaOtherEdges.has(use.node)) continue;
      throw inputError(
        file,
        use.line,
        `stage '${keyOf(use.node)}' is needed only by this ONBUILD trigger (run in stage '${keyOf(node)}'), and Dockerfile frontends before 1.11.1 (Docker Engine before 27.4) do not build it`,
        'the stage also used by a COPY --from in a stage that is built, or `# syntax=docker/dockerfile:1`',
      );
    }
  }
}

/**
 * FROM bases that look like a stage but are images: `FROM x` sees only stages above it (a stage named x
 * further down means an image x is pulled), and `FROM build:1` is an image even with a stage named build.
 */
export function warnFromLaterStage(nodes: Node[], file: string, warnings: string[]): void {
  const byName = new Map<string, Node[]>();
  for (const n of nodes) if (n.raw.name) byName.set(n.raw.name, [...(byName.get(n.raw.name) ?? []), n]);
  for (const node of nodes) {
    if (node.baseStage || node.baseName === 'scratch') continue;
    const where = `${file}:${node.raw.line}: FROM ${node.baseName}`;
    const later = byName.get(node.baseName.toLowerCase())?.find((n) => n.index > node.index);
    if (later) {
      warnings.push(`${where} names the stage on line ${later.raw.line}, but FROM sees only stages above it: BuildKit pulls an image called '${node.baseName}'`);
      continue;
    }
    const bare = /^([a-z0-9._-]+)[:@]/.exec(node.baseName)?.[1];
    const above = bare ? byName.get(bare)?.[0] : undefined;
    if (above && above.index < node.index) warnings.push(`${where} is an image, not the stage '${bare}' on line ${above.raw.line} (a stage is named without a tag or digest)`);
  }
}
