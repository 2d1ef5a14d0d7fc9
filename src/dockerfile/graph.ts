// Dockerfile text → stage graph, resolved the way BuildKit's dockerfile frontend resolves it
// (frontend/dockerfile/dockerfile2llb/convert.go): global ARGs and platform ARGs in FROM, FROM <stage>
// only for stages defined above (names matched as written), `COPY --from` by case-insensitive name
// (any stage, the last of duplicated names) or by index, `RUN --mount from=` by name only, and the
// frontend version's rules (rules.ts).
import { InputError } from '../core/errors.js';
import { inputError } from './errors.js';
import { ExpandError, expandWord } from './expand.js';
import { buildOrder, findCycle, reachable } from './order.js';
import type { Node } from './node.js';
import { parseDockerfile, type RawStage, type SourceRef } from './parse.js';
import { formatPlatform, hostPlatform, parsePlatform, type Platform } from '../core/platform.js';
import { invalidReference } from './reference.js';
import { FRONTEND_ALIASES, frontendVersion, rulesFor } from './rules.js';
import { globalArgs } from './scope.js';
import { rejectLaterSources, rejectOnbuildOnlySources, warnFromLaterStage } from './checks.js';
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
  /** Docker Engine version (`docker version --format '{{.Server.Version}}'`): picks the built-in frontend. */
  engineVersion?: string;
  /**
   * Frontend version whose rules to follow (`1.7`, `1.11.0`, `latest`; aliases `legacy` = 1.7 and `current`
   * = latest); default from `# syntax=` or --build-arg BUILDKIT_SYNTAX, else engineVersion, else latest.
   */
  frontend?: string;
}

export function buildStageGraph(text: string, opts: StageGraphOptions): StageGraph {
  const { file } = opts;
  const buildArgs = opts.buildArgs ?? {};
  const warnings: string[] = [];
  const raw = parseDockerfile(text, file);
  const version = opts.frontend
    ? (FRONTEND_ALIASES[opts.frontend] ?? opts.frontend)
    : frontendVersion({ syntax: raw.syntax, syntaxArg: buildArgs.BUILDKIT_SYNTAX, engineVersion: opts.engineVersion });
  const rules = rulesFor(version);
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
  const keyOf = (n: Node): string => (n.raw.name && byName.get(n.raw.name) === n ? n.raw.name : String(n.index));

  const targetNode = opts.target === undefined ? nodes[nodes.length - 1] : findTarget(opts.target, byName, file);
  for (const node of nodes) {
    if (node.baseStage) addUse(node, { via: 'from', node: node.baseStage, line: node.raw.line });
    for (const src of node.raw.sources) addSource(node, src, src.via, nodes, byName, file);
  }
  rejectCycle(nodes, keyOf, file, '');
  addOnbuildSources(targetNode, nodes, byName, file);
  rejectCycle(nodes, keyOf, file, ' through an ONBUILD trigger');

  const needed = buildOrder(targetNode);
  const neededSet = new Set(needed);
  rejectLaterSources(needed, nodes, keyOf, file);
  if (!rules.onbuildDependencies) rejectOnbuildOnlySources(needed, keyOf, file);
  return {
    file,
    stages: nodes.map((n) => toStage(n, keyOf)),
    target: keyOf(targetNode),
    needed: needed.map(keyOf),
    skipped: nodes.filter((n) => !neededSet.has(n)).map(keyOf),
    warnings,
    platform: formatPlatform(target),
    frontend: rules.version,
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
  return { raw: stage, index: stage.index, baseName, platform, baseStage, deps: [], links: [], linkLines: new Map(), uses: [] };
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

/** One source of `node`: a use of a stage or an image, or (mounts without from=) a link for the cycle check. */
function addSource(node: Node, src: SourceRef, via: StageUse['via'], nodes: Node[], byName: Map<string, Node>, file: string): void {
  if (src.implicit) {
    // BuildKit looks a mount without from= up as `scratch`: a stage of that name becomes a dependency;
    // only a cache mount starts from its contents, so only a cache mount makes the stage needed.
    const scratch = byName.get('scratch');
    if (!scratch) return;
    if (src.mountType === 'cache') addUse(node, { via, node: scratch, line: src.line });
    else if (!node.links.includes(scratch)) {
      node.links.push(scratch);
      node.linkLines.set(scratch, src.line);
    }
    return;
  }
  addUse(node, resolveSource(src, via, nodes, byName, file));
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
      throw inputError(file, line, `${flag}: --from does not expand variables`, 'a stage name, stage index or image; for an ARG, add `FROM ${VAR} AS name` and copy from name');
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

/** BuildKit refuses a build with a dependency cycle anywhere in the file, needed by the target or not. */
function rejectCycle(nodes: Node[], keyOf: (n: Node) => string, file: string, how: string): void {
  const cycle = findCycle(nodes);
  if (!cycle) return;
  const [from, to] = [cycle[cycle.length - 2], cycle[cycle.length - 1]];
  const line = from.uses.find((u) => u.node === to)?.line ?? from.linkLines.get(to) ?? from.raw.line;
  throw inputError(file, line, `stage '${keyOf(to)}' depends on itself${how} (${cycle.map(keyOf).join(' → ')})`, 'stages that do not need each other in a circle');
}

function addUse(node: Node, use: Node['uses'][number]): void {
  node.uses.push(use);
  if (use.node && !node.deps.includes(use.node)) node.deps.push(use.node);
}

/**
 * ONBUILD triggers of a stage run in the stages built FROM it, so their sources are the child's. Only the
 * stages the target reaches read their triggers (a trigger BuildKit cannot read fails only then), and a
 * trigger's source may reach further stages with triggers of their own: repeat until nothing new.
 */
function addOnbuildSources(target: Node, nodes: Node[], byName: Map<string, Node>, file: string): void {
  const done = new Set<Node>();
  for (;;) {
    const todo = [...reachable(target)].filter((n) => !done.has(n));
    if (todo.length === 0) return;
    for (const node of todo) {
      done.add(node);
      for (const trigger of node.baseStage?.raw.onbuild ?? []) {
        if (trigger.error) throw trigger.error;
        for (const src of trigger.sources) addSource(node, src, 'onbuild', nodes, byName, file);
      }
    }
  }
}

function toStage(node: Node, keyOf: (n: Node) => string): Stage {
  const name = keyOf(node);
  const base: StageBase = node.baseStage
    ? { kind: 'stage', name: keyOf(node.baseStage) }
    : node.baseName === 'scratch'
      ? { kind: 'scratch' }
      : { kind: 'image', ref: node.baseName };
  const triggers = node.baseStage?.raw.onbuild.map((t) => t.instruction) ?? [];
  return {
    name,
    named: name === node.raw.name,
    ...(node.raw.name ? { declaredName: node.raw.name } : {}),
    index: node.index,
    line: node.raw.line,
    base,
    ...(node.platform !== undefined ? { platform: node.platform } : {}),
    dependsOn: node.deps.map(keyOf),
    uses: node.uses.map((u) => ({ via: u.via, ...(u.node ? { stage: keyOf(u.node) } : { image: u.image }), line: u.line })),
    instructions: node.raw.instructions,
    ...(triggers.length ? { triggers } : {}),
  };
}
