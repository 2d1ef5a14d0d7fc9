// Dockerfile text → stage graph, resolved the way BuildKit's dockerfile frontend resolves it
// (frontend/dockerfile/dockerfile2llb/convert.go): global ARGs and platform ARGs in FROM, FROM <stage>
// only for stages defined above (names matched as written), `COPY --from` by case-insensitive name
// (any stage, the last of duplicated names) or by index, `RUN --mount from=` by name only.
import { InputError } from '../core/errors.js';
import { inputError } from './errors.js';
import { ExpandError, expandWord } from './expand.js';
import { parseDockerfile, type RawDockerfile, type RawStage, type SourceRef } from './parse.js';
import { formatPlatform, hostPlatform, parsePlatform, platformArgs, type Platform } from '../core/platform.js';
import { invalidReference } from './reference.js';
import { frontendRules, type FrontendRules } from './rules.js';
import type { Stage, StageBase, StageGraph, StageUse } from './types.js';

export interface StageGraphOptions {
  /** Shown in errors and warnings, e.g. `Dockerfile` or `docker/app.Dockerfile`. */
  file: string;
  /** Stage to build; default the last stage. Case-insensitive, like `docker build --target`. */
  target?: string;
  buildArgs?: Record<string, string>;
  /** Target platform, e.g. linux/arm64 (default linux/<host arch>): sets TARGETOS, TARGETARCH, … */
  platform?: string;
  /** Platform of the builder (BUILDPLATFORM, …); default the host's. */
  buildPlatform?: string;
  /** Docker Engine version (`docker version --format '{{.Server.Version}}'`): picks the frontend rules. */
  engineVersion?: string;
  /** Frontend rules to follow (see rules.ts); default from `# syntax=`, else engineVersion, else `current`. */
  rules?: FrontendRules;
}

interface Node {
  raw: RawStage;
  baseName: string;
  platform?: string;
  baseStage?: Node;
  deps: Node[];
  uses: { via: StageUse['via']; node?: Node; image?: string; line: number }[];
}

export function buildStageGraph(text: string, opts: StageGraphOptions): StageGraph {
  const { file } = opts;
  const buildArgs = opts.buildArgs ?? {};
  const warnings: string[] = [];
  const raw = parseDockerfile(text, file);
  const rules = opts.rules ?? frontendRules({ syntax: raw.syntax, engineVersion: opts.engineVersion });
  const target = platformOption(opts.platform, '--platform', file);
  const builder = platformOption(opts.buildPlatform, 'build platform', file);
  const targetStage = opts.target ?? raw.stages[raw.stages.length - 1].name ?? 'default';
  const env = globalArgs({ raw, buildArgs, target, builder, targetStage, rules, file, warnings });

  const byName = new Map<string, Node>();
  const nodes: Node[] = [];
  for (const stage of raw.stages) {
    const node = resolveStage(stage, env, raw.escapeToken, byName, file);
    if (stage.name) {
      const previous = byName.get(stage.name);
      if (previous) {
        warnings.push(
          `${file}:${stage.line}: stage name '${stage.name}' is also defined on line ${previous.raw.line}; ` +
            `--target and --from use this later definition, the earlier one is reachable only by FROM ${stage.name} between the two`,
        );
      }
      byName.set(stage.name, node);
    }
    nodes.push(node);
  }
  warnFromLaterStage(nodes, file, warnings);
  const keyOf = (n: Node): string => (n.raw.name && byName.get(n.raw.name) === n ? n.raw.name : String(n.raw.index));

  const targetNode = opts.target === undefined ? nodes[nodes.length - 1] : findTarget(opts.target, byName, file);
  for (const node of nodes) {
    if (node.baseStage) addUse(node, { via: 'from', node: node.baseStage, line: node.raw.line });
    for (const src of node.raw.sources) addUse(node, resolveSource(src, src.via, nodes, byName, file));
    // ONBUILD triggers of a stage run in the stages built FROM it, so their sources are the child's needs.
    for (const src of node.baseStage?.raw.onbuildSources ?? []) addUse(node, resolveSource(src, 'onbuild', nodes, byName, file));
  }
  rejectCycles(nodes, keyOf, file);

  const needed = buildOrder(targetNode);
  const neededSet = new Set(needed);
  rejectLaterSources(needed, nodes, keyOf, file);
  if (rules === 'legacy') rejectOnbuildOnlySources(needed, keyOf, file);
  const stages: Stage[] = nodes.map((n) => toStage(n, keyOf));
  return {
    file,
    stages,
    target: keyOf(targetNode),
    needed: needed.map(keyOf),
    skipped: nodes.filter((n) => !neededSet.has(n)).map(keyOf),
    warnings,
    platform: formatPlatform(target),
    rules,
    ...(raw.syntax ? { syntax: raw.syntax } : {}),
  };
}

/**
 * The needed stages a build can name with `--target`, in build order: named stages, and the target itself
 * (an unnamed target is the last stage, built without --target). Unnamed intermediate stages are built as
 * part of the stages that use them.
 */
export function buildableStages(graph: StageGraph): Stage[] {
  const byName = new Map(graph.stages.map((s) => [s.name, s]));
  return graph.needed.map((n) => byName.get(n) as Stage).filter((s) => s.named || s.name === graph.target);
}

function platformOption(value: string | undefined, what: string, file: string): Platform {
  if (value === undefined || value === '') return hostPlatform();
  const p = parsePlatform(value);
  if (!p) throw new InputError(`${file}: ${what} '${value}' is not a platform (expected os/arch[/variant], e.g. linux/amd64)`);
  return p;
}

interface ScopeInput {
  raw: RawDockerfile;
  buildArgs: Record<string, string>;
  target: Platform;
  builder: Platform;
  targetStage: string;
  rules: FrontendRules;
  file: string;
  warnings: string[];
}

/** Global scope for FROM: platform ARGs, then ARGs above the first FROM; --build-arg overrides both. */
function globalArgs({ raw, buildArgs, target, builder, targetStage, rules, file, warnings }: ScopeInput): Map<string, string> {
  const env = platformArgs(target, builder);
  if (rules === 'current') {
    env.set('BUILDOSVERSION', '');
    env.set('TARGETOSVERSION', '');
    env.set('TARGETSTAGE', targetStage);
  }
  for (const key of env.keys()) if (Object.hasOwn(buildArgs, key)) env.set(key, buildArgs[key]);
  for (const arg of raw.metaArgs) {
    if (Object.hasOwn(buildArgs, arg.name)) env.set(arg.name, buildArgs[arg.name]);
    else if (arg.value === null) {
      if (rules === 'legacy') env.set(arg.name, ''); // legacy: declared means set, to ""
    } else {
      try {
        env.set(arg.name, expandWord(arg.value, env, raw.escapeToken).result);
      } catch (err) {
        if (!(err instanceof ExpandError)) throw err;
        const what = `ARG ${arg.name}=${arg.value}: ${err.message}`;
        if (rules === 'current') throw inputError(file, arg.line, what, 'a valid $VAR or ${VAR…} expression');
        env.set(arg.name, ''); // legacy frontends ignore the error and use an empty value
        warnings.push(`${file}:${arg.line}: ${what}; the value is empty`);
      }
    }
  }
  return env;
}

function resolveStage(stage: RawStage, env: Map<string, string>, escapeToken: string, byName: Map<string, Node>, file: string): Node {
  const { line } = stage;
  const baseName = expand(stage.base, env, escapeToken, file, line, `FROM ${stage.base}`);
  if (baseName === '') {
    throw inputError(file, line, `FROM ${stage.base} expands to an empty image name`, 'an ARG declared above the first FROM with a default, or --build-arg');
  }
  let platform: string | undefined;
  if (stage.platform !== undefined) {
    platform = expand(stage.platform, env, escapeToken, file, line, `FROM --platform=${stage.platform}`);
    if (!parsePlatform(platform)) throw inputError(file, line, `FROM --platform=${stage.platform} gives '${platform}'`, 'os/arch[/variant], e.g. linux/amd64');
  }
  // BuildKit matches FROM names exactly as written against lower-cased stage names, and only the
  // stages defined above this one: anything else is an image.
  const baseStage = byName.get(baseName);
  if (!baseStage && baseName !== 'scratch') {
    const why = invalidReference(baseName);
    if (why) {
      const hint = byName.has(baseName.toLowerCase()) ? `FROM ${baseName.toLowerCase()}: FROM matches stage names in lower case` : 'a stage defined above or an image reference';
      throw inputError(file, line, `FROM ${baseName}: ${why}`, hint);
    }
  }
  return { raw: stage, baseName, platform, baseStage, deps: [], uses: [] };
}

function expand(word: string, env: Map<string, string>, escapeToken: string, file: string, line: number, what: string): string {
  try {
    return expandWord(word, env, escapeToken).result;
  } catch (err) {
    if (err instanceof ExpandError) throw inputError(file, line, `${what}: ${err.message}`, 'a valid $VAR or ${VAR…} expression');
    throw err;
  }
}

function findTarget(target: string, byName: Map<string, Node>, file: string): Node {
  const node = byName.get(target.toLowerCase());
  if (node) return node;
  const names = [...byName.keys()];
  const expected = names.length ? `one of: ${names.join(', ')}` : 'no --target: this Dockerfile has no named stages, the last stage is built';
  throw new InputError(`${file}: --target '${target}': no stage has that name (expected ${expected})`);
}

function resolveSource(src: SourceRef, via: StageUse['via'], nodes: Node[], byName: Map<string, Node>, file: string): Node['uses'][number] {
  const { value, line } = src;
  const flag = src.via === 'copy' ? `COPY --from=${value}` : `RUN --mount from=${value}`;
  if (src.via === 'copy') {
    let expanded: string | undefined;
    try {
      expanded = expandWord(value, new Map()).result;
    } catch {
      expanded = undefined;
    }
    if (expanded !== value) {
      throw inputError(file, line, `${flag}: --from does not expand variables or quotes`, 'a stage name, stage index or image; for an ARG, add `FROM ${VAR} AS name` and copy from name');
    }
    if (/^[+-]?\d+$/.test(value)) {
      const index = Number.parseInt(value, 10);
      if (index < 0 || index >= nodes.length) throw inputError(file, line, `${flag}: no stage has index ${index}`, `an index from 0 to ${nodes.length - 1}`);
      return { via, node: nodes[index], line };
    }
  }
  const node = byName.get(value.toLowerCase());
  if (node) return { via, node, line };
  if (src.via === 'mount' && /^\d+$/.test(value)) {
    throw inputError(file, line, `${flag}: mount sources are looked up by stage name only`, 'a stage name: add AS <name> to that FROM');
  }
  const why = invalidReference(value);
  if (why) throw inputError(file, line, `${flag}: not a stage, and not an image reference (${why})`, `a stage name (${[...byName.keys()].join(', ') || 'none named'}) or an image`);
  return { via, image: value, line };
}

function addUse(node: Node, use: Node['uses'][number]): void {
  node.uses.push(use);
  if (use.node && !node.deps.includes(use.node)) node.deps.push(use.node);
}

/** BuildKit refuses a build with a dependency cycle anywhere in the file, needed by the target or not. */
function rejectCycles(nodes: Node[], keyOf: (n: Node) => string, file: string): void {
  const done = new Set<Node>();
  const path: Node[] = [];
  const visit = (node: Node): void => {
    if (done.has(node)) return;
    path.push(node);
    for (const dep of node.deps) {
      const at = path.indexOf(dep);
      if (at >= 0) {
        const cycle = [...path.slice(at), dep].map(keyOf).join(' → ');
        const line = node.uses.find((u) => u.node === dep)?.line ?? node.raw.line;
        throw inputError(file, line, `stage '${keyOf(dep)}' depends on itself (${cycle})`, 'stages that do not need each other in a circle');
      }
      visit(dep);
    }
    path.pop();
    done.add(node);
  };
  nodes.forEach(visit);
}

/**
 * BuildKit builds the needed stages in file order and refuses a COPY --from / RUN --mount from a stage that
 * is not built yet ("needs to be defined before current stage"). Stages that are skipped are not checked.
 */
function rejectLaterSources(needed: Node[], nodes: Node[], keyOf: (n: Node) => string, file: string): void {
  for (const node of needed) {
    for (const use of node.uses) {
      if (!use.node || use.via === 'from' || use.node.raw.index < node.raw.index) continue;
      const src = use.node;
      const what = use.via === 'mount' ? `RUN --mount from=${keyOf(src)}` : use.via === 'onbuild' ? `ONBUILD COPY --from=${keyOf(src)} (runs in stage '${keyOf(node)}')` : `COPY --from=${keyOf(src)}`;
      const duplicated = nodes.some((n) => n !== src && src.raw.name !== undefined && n.raw.name === src.raw.name);
      const dup = duplicated ? `; '${src.raw.name}' is defined more than once and --from takes the last definition` : '';
      throw inputError(file, use.line, `${what}: stage '${keyOf(src)}' (line ${src.raw.line}) comes after stage '${keyOf(node)}' (line ${node.raw.line})${dup}`, 'a stage defined above: BuildKit builds stages in file order');
    }
  }
}

/**
 * FROM bases that look like a stage but are images: `FROM x` sees only stages above it (a stage named x
 * further down means an image x is pulled), and `FROM build:1` is an image even with a stage named build.
 */
function warnFromLaterStage(nodes: Node[], file: string, warnings: string[]): void {
  for (const node of nodes) {
    if (node.baseStage || node.baseName === 'scratch') continue;
    const later = nodes.find((n) => n.raw.index > node.raw.index && n.raw.name === node.baseName.toLowerCase());
    const where = `${file}:${node.raw.line}: FROM ${node.baseName}`;
    if (later) {
      warnings.push(`${where} names the stage on line ${later.raw.line}, but FROM sees only stages above it: BuildKit pulls an image called '${node.baseName}'`);
      continue;
    }
    const bare = /^([a-z0-9._-]+)[:@]/.exec(node.baseName)?.[1];
    const above = bare && nodes.find((n) => n.raw.index < node.raw.index && n.raw.name === bare);
    if (above) warnings.push(`${where} is an image, not the stage '${bare}' on line ${above.raw.line} (a stage is named without a tag or digest)`);
  }
}

/** Legacy frontends do not build a stage needed only by an ONBUILD trigger, and fail on the COPY. */
function rejectOnbuildOnlySources(needed: Node[], keyOf: (n: Node) => string, file: string): void {
  const viaOtherEdges = new Set<Node>();
  const mark = (n: Node): void => {
    if (viaOtherEdges.has(n)) return;
    viaOtherEdges.add(n);
    n.uses.filter((u) => u.node && u.via !== 'onbuild').forEach((u) => mark(u.node as Node));
  };
  mark(needed[needed.length - 1]);
  for (const node of needed) {
    for (const use of node.uses) {
      if (use.via !== 'onbuild' || !use.node || viaOtherEdges.has(use.node)) continue;
      throw inputError(
        file,
        use.line,
        `stage '${keyOf(use.node)}' is needed only by this ONBUILD trigger (run in stage '${keyOf(node)}'), and Dockerfile frontends before 1.11 (BuildKit < 0.17) do not build it`,
        'the stage also used by a COPY --from in a stage that is built, or `# syntax=docker/dockerfile:1`',
      );
    }
  }
}

/** Stages the target needs, itself last; among stages ready at the same time, file order. */
function buildOrder(target: Node): Node[] {
  const needed = new Set<Node>();
  const collect = (n: Node): void => {
    if (needed.has(n)) return;
    needed.add(n);
    n.deps.forEach(collect);
  };
  collect(target);
  const order: Node[] = [];
  const built = new Set<Node>();
  const pending = [...needed].sort((a, b) => a.raw.index - b.raw.index);
  while (pending.length) {
    const i = pending.findIndex((n) => n.deps.every((d) => built.has(d)));
    const [next] = pending.splice(i, 1); // acyclic (checked), so some stage is always ready
    built.add(next);
    order.push(next);
  }
  return order;
}

function toStage(node: Node, keyOf: (n: Node) => string): Stage {
  const name = keyOf(node);
  const base: StageBase = node.baseStage
    ? { kind: 'stage', name: keyOf(node.baseStage) }
    : node.baseName === 'scratch'
      ? { kind: 'scratch' }
      : { kind: 'image', ref: node.baseName };
  return {
    name,
    named: name === node.raw.name,
    ...(node.raw.name ? { declaredName: node.raw.name } : {}),
    index: node.raw.index,
    line: node.raw.line,
    base,
    ...(node.platform !== undefined ? { platform: node.platform } : {}),
    dependsOn: node.deps.map(keyOf),
    uses: node.uses.map((u) => ({ via: u.via, ...(u.node ? { stage: keyOf(u.node) } : { image: u.image }), line: u.line })),
    instructions: node.raw.instructions,
    ...(node.baseStage?.raw.onbuildTriggers.length ? { triggers: node.baseStage.raw.onbuildTriggers } : {}),
  };
}
