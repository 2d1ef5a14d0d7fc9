// `layerwise stages`: print the Dockerfile's stage graph — what the target needs, in build order.
import { flagHelp } from '../config/cli.js';
import { InputError } from '../core/errors.js';
import { buildableStages } from '../dockerfile/graph.js';
import { isFrontendVersion } from '../dockerfile/rules.js';
import type { Stage, StageBase, StageGraph } from '../dockerfile/types.js';
import { cliConfig, cliStageGraph } from './shared.js';
import type { Command } from './types.js';
import { termText } from '../core/terminal-text.js';

const HELP = `usage: layerwise stages [--file F] [--target T] [--build-arg K=V …] [--platform P] [--frontend R] [--json]

Reads the Dockerfile's stages the way BuildKit does and prints the stages the target needs, in build order.
--json prints {"target","needed","skipped","stages":[{"name","index","line","base","dependsOn"}]}: unnamed stages
are named by their index ("0", "1", …); "base" is {"kind":"image","ref":"golang:1.22"}, {"kind":"stage","name":
"build"} or {"kind":"scratch"}, with ARGs already substituted. Warnings go to stderr.

${flagHelp('stages')}`;

export const stagesCommand: Command = async (argv, io) => {
  const { config, values, positionals, help } = cliConfig('stages', argv, io);
  if (help) {
    io.out(HELP);
    return 0;
  }
  if (positionals.length) throw new InputError(`layerwise stages: unexpected argument '${positionals[0]}' (expected flags only; the Dockerfile goes in --file)`);
  const frontend = values.optional('frontend');
  if (frontend !== undefined && !isFrontendVersion(frontend)) {
    throw new InputError(`layerwise stages --frontend: expected a version such as 1.7 or 1.11.0, legacy or current, got '${frontend}'`);
  }
  const graph = await cliStageGraph(config, io, { command: 'stages', frontend, askEngine: true });
  for (const w of graph.warnings) io.err(`warning: ${termText(w)}`);
  io.out(values.flag('json') ? JSON.stringify(graphJson(graph), null, 2) : renderTree(graph));
  return 0;
};

/** The `--json` shape: exactly target, needed, skipped and per stage name, index, line, base, dependsOn. */
export function graphJson(graph: StageGraph): object {
  return {
    target: graph.target,
    needed: graph.needed,
    skipped: graph.skipped,
    stages: graph.stages.map((s) => ({ name: s.name, index: s.index, line: s.line, base: s.base, dependsOn: s.dependsOn })),
  };
}

function describeBase(base: StageBase): string {
  if (base.kind === 'stage') return `FROM ${base.name}`;
  return base.kind === 'scratch' ? 'FROM scratch' : `FROM ${base.ref}`;
}

const VIA = { from: 'FROM', copy: 'COPY --from', mount: 'RUN --mount', onbuild: 'ONBUILD COPY --from' } as const;

/** Deeper levels of the tree are summarised: the build order line still lists every stage. */
const MAX_TREE_DEPTH = 40;

interface TreeItem {
  stage?: Stage;
  image?: string;
  prefix: string;
  childPrefix: string;
  why: string;
  depth: number;
}

/** Human output: the target's dependency tree (stages and external images it reads), build order, skips. */
export function renderTree(graph: StageGraph): string {
  const byName = new Map(graph.stages.map((s) => [s.name, s]));
  const stageOf = (name: string): Stage => byName.get(name) as Stage;
  const label = (s: Stage): string => (s.named ? s.name : `stage ${s.index} (unnamed)`);
  const rows: [string, string, string][] = [];
  const shown = new Set<string>();
  // Depth-first, iteratively: a chain of thousands of stages must not exhaust the stack.
  const stack: TreeItem[] = [{ stage: stageOf(graph.target), prefix: '', childPrefix: '', why: '', depth: 0 }];
  while (stack.length) {
    const { stage: s, image, prefix, childPrefix, why, depth } = stack.pop() as TreeItem;
    if (!s) {
      rows.push([`${prefix}image ${image}`, '', why.trimStart()]);
      continue;
    }
    const repeat = shown.has(s.name);
    shown.add(s.name);
    rows.push([`${prefix}${label(s)}`, `line ${s.line}`, `${describeBase(s.base)}${why}${repeat && s.dependsOn.length ? '  (see above)' : ''}`]);
    if (repeat) continue;
    // Children: stages it needs, then images it copies or mounts from (its FROM image is on its own row).
    const children = [
      ...s.dependsOn.map((dep) => ({ dep, use: s.uses.find((u) => u.stage === dep) })),
      ...s.uses.filter((u) => u.image !== undefined).map((use) => ({ dep: undefined, use })),
    ];
    if (children.length && depth >= MAX_TREE_DEPTH) {
      rows.push([`${childPrefix}└─ …`, '', `${children.length} more below (depth limit ${MAX_TREE_DEPTH}; see the build order)`]);
      continue;
    }
    const items = children.map(({ dep, use }, i): TreeItem => {
      const last = i === children.length - 1;
      const via = use && use.via !== 'from' ? `  ← ${VIA[use.via]} line ${use.line}` : '';
      const branch = childPrefix + (last ? '└─ ' : '├─ ');
      return { stage: dep ? stageOf(dep) : undefined, image: use?.image, prefix: branch, childPrefix: childPrefix + (last ? '   ' : '│  '), why: via, depth: depth + 1 };
    });
    stack.push(...items.reverse());
  }
  const width = Math.max(...rows.map(([left]) => [...left].length));
  const lineWidth = Math.max(...rows.map(([, line]) => line.length));
  const pad = (text: string, n: number): string => text + ' '.repeat(Math.max(0, n - [...text].length));
  const lines = [
    `${graph.file}: target ${label(stageOf(graph.target))} · ${graph.platform}${graph.frontend && graph.frontend !== 'latest' ? ` · Dockerfile frontend ${graph.frontend} rules` : ''} · ${graph.needed.length} of ${graph.stages.length} stages needed`,
    '',
    ...rows.map(([left, line, rest]) => (line ? `${pad(left, width)}  ${pad(line, lineWidth)}  ${rest}` : `${pad(left, width)}  ${rest}`).trimEnd()),
    '',
    `build order: ${graph.needed.map((n) => label(stageOf(n))).join(' → ')}`,
  ];
  const built = new Set(buildableStages(graph).map((s) => s.name));
  const covered = graph.needed.filter((n) => !built.has(n));
  if (covered.length) lines.push(`not targetable (built inside the stages that use them): ${covered.map((n) => label(stageOf(n))).join(', ')}`);
  if (graph.skipped.length) lines.push(`skipped: ${graph.skipped.map((n) => `${label(stageOf(n))} (line ${stageOf(n).line})`).join(', ')}`);
  return lines.join('\n');
}
