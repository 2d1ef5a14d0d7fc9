// `layerwise stages`: print the Dockerfile's stage graph — what the target needs, in build order.
import { flagHelp } from '../config/cli.js';
import { InputError } from '../core/errors.js';
import { buildableStages } from '../dockerfile/graph.js';
import type { FrontendRules } from '../dockerfile/rules.js';
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
  const graph = await cliStageGraph(config, io, { command: 'stages', rules: values.optionalChoice<FrontendRules>('frontend'), askEngine: true });
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

/** Human output: the target's dependency tree (stages and external images it reads), build order, skips. */
export function renderTree(graph: StageGraph): string {
  const byName = new Map(graph.stages.map((s) => [s.name, s]));
  const stageOf = (name: string): Stage => byName.get(name) as Stage;
  const label = (s: Stage): string => (s.named ? s.name : `stage ${s.index} (unnamed)`);
  const rows: [string, string, string][] = [];
  const shown = new Set<string>();
  const walk = (s: Stage, prefix: string, childPrefix: string, why: string): void => {
    const repeat = shown.has(s.name);
    shown.add(s.name);
    rows.push([`${prefix}${label(s)}`, `line ${s.line}`, `${describeBase(s.base)}${why}${repeat && s.dependsOn.length ? '  (see above)' : ''}`]);
    if (repeat) return;
    // Children: stages it needs, then images it copies or mounts from (its FROM image is on its own row).
    const children = [
      ...s.dependsOn.map((dep) => ({ dep, use: s.uses.find((u) => u.stage === dep) })),
      ...s.uses.filter((u) => u.image !== undefined).map((use) => ({ dep: undefined, use })),
    ];
    children.forEach(({ dep, use }, i) => {
      const last = i === children.length - 1;
      const branch = childPrefix + (last ? '└─ ' : '├─ ');
      const via = use && use.via !== 'from' ? `  ← ${VIA[use.via]} line ${use.line}` : '';
      if (dep) walk(stageOf(dep), branch, childPrefix + (last ? '   ' : '│  '), via);
      else rows.push([`${branch}image ${use?.image}`, '', via.trimStart()]);
    });
  };
  walk(stageOf(graph.target), '', '', '');
  const width = Math.max(...rows.map(([left]) => [...left].length));
  const lineWidth = Math.max(...rows.map(([, line]) => line.length));
  const pad = (text: string, n: number): string => text + ' '.repeat(Math.max(0, n - [...text].length));
  const lines = [
    `${graph.file}: target ${label(stageOf(graph.target))} · ${graph.platform}${graph.rules === 'legacy' ? ' · legacy frontend rules' : ''} · ${graph.needed.length} of ${graph.stages.length} stages needed`,
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
