// The one option table. Every setting a user can give — an action input, a CLI flag, or both — is a row here:
// action.yml's inputs and the README's table are generated from it (scripts/options.mjs), the CLI builds its
// flags and help from it, and config/read.ts turns the raw values of either surface into one Config.
// Pure data: no I/O.
import { LIST_LIMITS } from '../core/report-limits.js';

export type CliCommand = 'run' | 'build' | 'analyze' | 'stages' | 'prune';

/**
 * How a raw value is read: `text` (trimmed; blank = unset), `flag` (true/false), `list` (comma or newline
 * separated), `lines` (one per line, `#` comments), `pairs` (`KEY=VALUE` lines), `count` (whole number in
 * [min, max]), `choice` (one of `choices`), `rule` (a budget value, parsed by config/budget.ts).
 */
export type OptionKind = 'text' | 'flag' | 'list' | 'lines' | 'pairs' | 'count' | 'choice' | 'rule';

export interface CliFlag {
  /** Flag name without `--` (default: the option's name). */
  flag?: string;
  short?: string;
  commands: readonly CliCommand[];
  /** Placeholder in help, e.g. `FILE`. */
  value?: string;
  /** A CLI default that differs from the action's (e.g. prune is a dry run unless asked). */
  default?: string;
  /** The flag turns the option off (`--no-skip-unchanged`, `--delete` for prune-dry-run). */
  negate?: boolean;
  /** Help text when it differs from `description`. */
  help?: string;
}

export interface OptionDef {
  /** Kebab-case name: the action input's, and the key the readers use. */
  name: string;
  kind: OptionKind;
  description: string;
  /** The default as action.yml declares it. */
  default?: string;
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** Not an action input: the CLI alone has it. */
  cliOnly?: boolean;
  /** Not a CLI flag when absent. */
  cli?: CliFlag;
}

/** Most largest files kept per layer: a report holds no more (report mode reads what build mode wrote). */
export const MAX_TOP_FILES = LIST_LIMITS.topFiles;

const BUILD: readonly CliCommand[] = ['run', 'build'];
const GRAPH: readonly CliCommand[] = ['run', 'build', 'stages'];
const MEASURE: readonly CliCommand[] = ['run', 'analyze'];

export const OPTIONS: readonly OptionDef[] = [
  {
    name: 'mode', kind: 'choice', choices: ['build', 'report', 'prune'], default: 'build',
    description: 'What to do: `build` (build, measure, compare, comment), `report` (post the comment for a report made by a `pull_request` run — use from a `workflow_run` workflow so fork PRs get comments safely), `prune` (remove cache tags of closed PRs, deleted branches and old manifests from the cache repository; in `gha` cache mode, or with no cache repository, the Actions-cache entries of closed PRs and deleted branches — the token needs `actions: write`).',
  },
  {
    name: 'dockerfile', kind: 'text',
    description: 'Path to the Dockerfile. Default `<context>/Dockerfile`, as `docker build` does.',
    cli: { flag: 'file', short: 'f', value: 'F', commands: [...GRAPH, 'analyze'], help: 'Dockerfile (default <context>/Dockerfile; analyze: the file the image was built from, for stage and line per layer)' },
  },
  { name: 'context', kind: 'text', default: '.', description: 'Build context directory.', cli: { short: 'c', value: 'DIR', commands: BUILD } },
  {
    name: 'target', kind: 'text', description: 'Stage to build. Default the last stage of the Dockerfile.',
    cli: { value: 'T', commands: [...GRAPH, 'analyze'] },
  },
  {
    name: 'build-args', kind: 'pairs', description: 'Build arguments, one `KEY=VALUE` per line (`KEY` alone takes the value from the environment, as `docker build` does).',
    cli: { flag: 'build-arg', value: 'K=V', commands: GRAPH, help: 'build argument (repeatable; K alone takes K from the environment)' },
  },
  {
    name: 'secrets', kind: 'lines', description: 'BuildKit secrets, one `id=…,src=…` or `id=…,env=…` per line (passed as `--secret`).',
    cli: { flag: 'secret', value: 'SPEC', commands: BUILD, help: 'passed to every stage build as --secret (repeatable)' },
  },
  {
    name: 'platforms', kind: 'list', description: "Target platforms, comma or newline separated (e.g. `linux/amd64`). Default the runner's.",
    cli: { flag: 'platform', value: 'P', commands: [...GRAPH, 'analyze'], help: 'target platform, os/arch[/variant] (repeatable; default the host\'s)' },
  },
  {
    name: 'no-cache', kind: 'flag', default: 'false',
    description: 'Run every step: read no cache and skip no build as up to date (caches are still written where allowed).',
    cli: { commands: BUILD },
  },
  {
    name: 'checks', kind: 'flag', default: 'false',
    description:
      "Run BuildKit's Dockerfile checks (`--call=check`) before any build and fail on any violation, naming its rule and line (skip a rule with `# check=skip=<rule>`). Without it the checks the build runs anyway are reported as warnings.",
    cli: { commands: BUILD },
  },
  { name: 'builder', kind: 'text', description: 'Buildx builder to use (e.g. a remote BuildKit). Default the current builder.', cli: { value: 'B', commands: BUILD } },
  { name: 'tags', kind: 'list', description: 'Image tags for the final image, comma or newline separated.', cli: { flag: 'tag', short: 't', value: 'T', commands: BUILD, help: 'final image tag (repeatable)' } },
  { name: 'push', kind: 'flag', default: 'false', description: 'Push the final image to its tags.', cli: { commands: BUILD } },
  { name: 'labels', kind: 'pairs', description: 'Labels for the final image, one `KEY=VALUE` per line.', cli: { flag: 'label', value: 'K=V', commands: BUILD, help: 'label for the final image (repeatable)' } },
  {
    name: 'image-key', kind: 'text',
    description: "Name separating this image's comment, baseline and cache from other images built in the same workflow (matrix jobs). Default the target stage, or the Dockerfile path.",
    cli: { value: 'K', commands: MEASURE, help: 'name of this image in reports and budget files (default the target, else the Dockerfile path)' },
  },
  {
    name: 'read-only', kind: 'flag', cliOnly: true, description: 'Read caches only, push nothing (what fork pull requests get).',
    cli: { commands: BUILD },
  },
  {
    name: 'cache-repo', kind: 'text',
    description: "Repository for per-stage caches, e.g. `ghcr.io/acme/app-buildcache`. Default `<first tag's repository>-buildcache`; without tags or this input, stage caches are off.",
    cli: { value: 'R', commands: [...BUILD, 'prune'] },
  },
  {
    name: 'cache-mode', kind: 'choice', choices: ['auto', 'inline', 'registry', 'gha'], default: 'auto',
    description:
      '`auto` (probe the builder: `gha` when no cache repository is set, else `registry`, else `inline`), `inline` (a cache image per stage; works on every driver), `registry` (`--cache-to type=registry,mode=max`) or `gha` (the Actions cache, scope `<image-key>/<stage>/<scope>`; no registry or login; needs the containerd image store or a docker-container builder).',
    cli: { flag: 'mode', value: 'M', commands: BUILD },
  },
  {
    name: 'cache-scope', kind: 'text', description: 'Cache scope this run writes. Default `br-<branch>` on branch runs, `pr-<number>` on pull requests.',
    cli: { flag: 'scope', value: 'S', commands: BUILD, help: 'scope this build reads first and writes (default br-<current git branch>)' },
  },
  {
    name: 'cache-fallback-scopes', kind: 'list', description: "Extra scopes to read from after the run's own, the PR base branch and the default branch, comma or newline separated.",
    cli: { flag: 'fallback-scope', value: 'S', commands: BUILD, help: 'further scope to read, e.g. br-main (repeatable)' },
  },
  { name: 'cache-write-pr-scope', kind: 'flag', default: 'false', description: 'Let same-repository pull requests write their own `pr-<number>` cache scope. Fork PRs never write.' },
  { name: 'cache-max-sources', kind: 'count', min: 1, default: '20', description: 'Most `--cache-from` sources passed to one stage build.', cli: { flag: 'max-sources', value: 'N', commands: BUILD } },
  {
    name: 'skip-unchanged', kind: 'flag', default: 'true',
    description: 'Skip the build when an image for the same inputs (Dockerfile, kept context files, build args, base image digests) exists: the target\'s inline cache image, an image at the pushed tags, or (runs that push no image) the result a `registry` or `gha` mode run stored by content key — an artifact in the cache repository, an Actions-cache entry. A skipped run reports the stored measurement.',
    cli: { flag: 'no-skip-unchanged', negate: true, commands: ['run'], help: 'build even when an image for the same inputs exists' },
  },
  { name: 'max-size', kind: 'rule', description: 'Size budget for the compressed image (what a pull downloads), e.g. `150MB` (MB = 10^6 bytes, MiB = 2^20).', cli: { value: 'SIZE', commands: MEASURE } },
  { name: 'max-compressed-size', kind: 'rule', description: 'The same budget as `max-size`, spelled out; give one of the two.', cli: { value: 'SIZE', commands: MEASURE } },
  { name: 'max-uncompressed-size', kind: 'rule', description: 'Size budget for the uncompressed image (sum of layer contents), e.g. `400MB`.', cli: { value: 'SIZE', commands: MEASURE } },
  {
    name: 'max-growth', kind: 'rule', description: 'Largest allowed growth against the baseline, bytes and/or percent, e.g. `10%`, `5MB`, or `5MB,10%` (fails only when both are exceeded).',
    cli: { value: 'G', commands: MEASURE },
  },
  { name: 'max-layers', kind: 'rule', description: 'Largest allowed number of layers.', cli: { value: 'N', commands: MEASURE } },
  { name: 'max-wasted', kind: 'rule', description: 'Largest allowed wasted bytes (files deleted or overwritten by a later layer), e.g. `20MB`.', cli: { value: 'SIZE', commands: MEASURE } },
  { name: 'min-efficiency', kind: 'rule', description: 'Smallest allowed efficiency (1 − wasted / size), e.g. `0.95` or `95%`.', cli: { value: 'R', commands: MEASURE } },
  { name: 'max-layer-size', kind: 'rule', description: 'Largest allowed single layer (uncompressed), e.g. `100MB`.', cli: { value: 'SIZE', commands: MEASURE } },
  {
    name: 'fail-on', kind: 'choice', choices: ['fail', 'warn', 'never'], default: 'fail',
    description: '`fail` (failing rules fail the check; default), `warn` (warnings fail it too) or `never` (report only).',
    cli: { value: 'L', commands: MEASURE },
  },
  { name: 'budget-file', kind: 'text', default: '.github/layerwise.yml', description: 'YAML file with budgets per image (see README). Read when present.', cli: { value: 'F', commands: MEASURE } },
  {
    name: 'top-files', kind: 'count', min: 0, max: MAX_TOP_FILES, default: '10', description: `How many of the biggest files to list per layer (at most ${MAX_TOP_FILES}).`,
    cli: { flag: 'top', value: 'N', commands: MEASURE },
  },
  {
    name: 'baseline', kind: 'text', cliOnly: true, description: 'Compare with an image (daemon, archive or registry ref) or an earlier JSON report.',
    cli: { value: 'X', commands: MEASURE },
  },
  { name: 'markdown', kind: 'text', cliOnly: true, description: 'Write the Markdown the PR comment shows.', cli: { value: 'FILE', commands: MEASURE } },
  { name: 'comment', kind: 'flag', default: 'true', description: 'Post the sticky PR comment (needs `pull-requests: write`).' },
  { name: 'github-token', kind: 'text', default: '${{ github.token }}', description: 'Token for the PR comment and the API lookups.' },
  { name: 'comment-author', kind: 'text', default: 'github-actions[bot]', description: "Login whose comment is updated in place (the sticky comment's author)." },
  {
    name: 'allow-untrusted-build', kind: 'flag', default: 'false',
    description: "Build a fork's head under `pull_request_target`. Off by default: that event runs with write tokens and secrets, so building untrusted code there can leak them.",
  },
  {
    name: 'report-path', kind: 'text', description: 'Where the JSON report is written (default `$RUNNER_TEMP/layerwise-report.json`); in `report` mode, the report to post.',
    cli: { flag: 'json', value: 'FILE', commands: ['run'], help: 'write the JSON report (docs/report.schema.json)' },
  },
  {
    name: 'json-file', kind: 'text', cliOnly: true, description: "Write this command's result as JSON ('-': stdout).",
    cli: { flag: 'json', value: 'FILE', commands: ['build', 'analyze'], help: "write the build record (build) or the analysis (analyze, docs/analysis.schema.json) as JSON; analyze: '-' for stdout" },
  },
  { name: 'json', kind: 'flag', cliOnly: true, description: 'Print JSON instead of text.', cli: { commands: ['stages', 'prune'] } },
  {
    name: 'cleanup-intermediate-images', kind: 'flag', default: 'false',
    description: 'Remove the intermediate stage images this run created (labelled `dev.layerwise.intermediate=true`) after measuring — for self-hosted runners whose disks fill up. Never touches other images.',
  },
  { name: 'host', kind: 'text', cliOnly: true, description: 'Docker daemon address (unix:///path.sock or tcp://host:port; default DOCKER_HOST).', cli: { value: 'H', commands: ['analyze'] } },
  { name: 'registry', kind: 'flag', cliOnly: true, description: 'Read IMAGE from its registry (Registry API v2, Docker config credentials).', cli: { commands: ['analyze'] } },
  {
    name: 'frontend', kind: 'text', cliOnly: true,
    description: "Dockerfile frontend whose rules to follow: a version (1.7, 1.10, 1.11.0), legacy (1.7, Docker Engine 26) or current (the newest). Default: a `# syntax=` line or --build-arg BUILDKIT_SYNTAX, else the Docker engine's built-in frontend, else current.",
    cli: { value: 'V', commands: ['stages'] },
  },
  {
    name: 'prune-retention', kind: 'text', default: '30d', description: 'In `prune` mode, remove cache manifests older than this, e.g. `30d`.',
    cli: { flag: 'retention', value: 'D', commands: ['prune'], default: '', help: 'also remove manifests older than this: 30d, 12h, 2w, 90m (default: no age limit)' },
  },
  {
    name: 'prune-dry-run', kind: 'flag', default: 'false', description: 'In `prune` mode, list what would be removed without removing it.',
    cli: { flag: 'delete', negate: true, default: 'true', commands: ['prune'], help: 'delete (default: dry run)' },
  },
  { name: 'open-prs', kind: 'list', cliOnly: true, description: 'Open PR numbers ("none" for none): pr-<n> scopes of others go.', cli: { value: 'LIST', commands: ['prune'] } },
  { name: 'branches', kind: 'list', cliOnly: true, description: 'Existing branch names: br-<branch> scopes of others go.', cli: { value: 'LIST', commands: ['prune'] } },
  {
    name: 'github-repo', kind: 'text', cliOnly: true, description: 'Read open PRs and branches from the GitHub API (token: GITHUB_TOKEN or GH_TOKEN, API: GITHUB_API_URL).',
    cli: { value: 'O/N', commands: ['prune'] },
  },
  { name: 'keep-scope', kind: 'list', cliOnly: true, description: 'Never remove this scope, e.g. br-main (repeatable).', cli: { value: 'SCOPE', commands: ['prune'] } },
  {
    name: 'insecure-registry', kind: 'list', cliOnly: true, description: 'Speak plain http to host[:port] (loopback hosts always are; repeatable).',
    cli: { value: 'H', commands: ['prune'] },
  },
  { name: 'local', kind: 'flag', cliOnly: true, description: 'Remove local images labelled dev.layerwise.intermediate=true (self-hosted runners).', cli: { commands: ['prune'] } },
];

export function optionNamed(name: string): OptionDef {
  const def = OPTIONS.find((o) => o.name === name);
  if (!def) throw new Error(`no option '${name}' in the option table`);
  return def;
}

/** The action's inputs, in table order. */
export function actionInputs(): OptionDef[] {
  return OPTIONS.filter((o) => !o.cliOnly);
}

/** The rows a CLI command takes, in table order. */
export function commandOptions(command: CliCommand): (OptionDef & { cli: CliFlag })[] {
  return OPTIONS.filter((o): o is OptionDef & { cli: CliFlag } => Boolean(o.cli?.commands.includes(command)));
}

export function flagName(def: OptionDef): string {
  return def.cli?.flag ?? def.name;
}

/** A value list in a flag is repeatable on the command line. */
export function repeatable(def: OptionDef): boolean {
  return def.kind === 'list' || def.kind === 'lines' || def.kind === 'pairs';
}

/** An option's description in lines of at most `width` characters (action.yml's folded blocks, CLI help). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
