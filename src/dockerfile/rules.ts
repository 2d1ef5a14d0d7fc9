// Which Dockerfile frontend a build gets, and what its version changes in the stage graph. The frontend is
// built into the engine unless `# syntax=` (or --build-arg BUILDKIT_SYNTAX) names an image, which BuildKit
// then pulls. Checked against moby/buildkit's history (frontend/dockerfile/dockerfile2llb/convert.go):
//   - 1.8 (BuildKit 0.14): a bad `${…}` in a global ARG default fails the build; before, the value was "".
//   - 1.11.0 (0.17): a global `ARG X` without a default leaves X unset and keeps a platform ARG's value
//     (before: X was "", so `ARG TARGETARCH` above FROM blanked it); TARGETSTAGE joins the global scope.
//   - 1.11.1: `ONBUILD COPY --from=<stage>` makes the stage a dependency of the stages built FROM this one
//     (before: "cannot copy from stage" unless something else built it first).
//   - 1.13: BUILDOSVERSION and TARGETOSVERSION join the global scope.
// Rules are modelled from 1.4 (Docker 23, heredocs and every mount looked up by name) on; older frontends
// get 1.4's.

export interface FrontendRules {
  /** The frontend version these are the rules of: `1.7`, `1.11.0`, or `latest`. */
  version: string;
  argWithoutDefault: 'empty' | 'unset';
  badArgDefault: 'empty' | 'error';
  onbuildDependencies: boolean;
  targetStageArg: boolean;
  osVersionArgs: boolean;
}

/** Aliases the CLI and tests use: Docker 26's built-in frontend, and the newest. */
export const FRONTEND_ALIASES: Record<string, string> = { legacy: '1.7', current: 'latest' };

type Triple = [number, number, number];

function parseVersion(version: string): Triple | undefined {
  if (version === 'latest') return [Infinity, Infinity, Infinity];
  const m = /^(\d+)(?:\.(\d+)(?:\.(\d+))?)?$/.exec(version);
  // A version without a patch (or minor) is the newest of its line, as the image tag `1.11` is.
  return m ? [Number(m[1]), m[2] === undefined ? Infinity : Number(m[2]), m[3] === undefined ? Infinity : Number(m[3])] : undefined;
}

function atLeast(v: Triple, major: number, minor: number, patch: number): boolean {
  if (v[0] !== major) return v[0] > major;
  if (v[1] !== minor) return v[1] > minor;
  return v[2] >= patch;
}

/** True when `version` names a frontend version (or an alias) this module knows how to read. */
export function isFrontendVersion(version: string): boolean {
  return parseVersion(FRONTEND_ALIASES[version] ?? version) !== undefined;
}

export function rulesFor(version: string): FrontendRules {
  const name = FRONTEND_ALIASES[version] ?? version;
  const v = parseVersion(name) ?? parseVersion('latest')!;
  return {
    version: name,
    argWithoutDefault: atLeast(v, 1, 11, 0) ? 'unset' : 'empty',
    badArgDefault: atLeast(v, 1, 8, 0) ? 'error' : 'empty',
    onbuildDependencies: atLeast(v, 1, 11, 1),
    targetStageArg: atLeast(v, 1, 11, 0),
    osVersionArgs: atLeast(v, 1, 13, 0),
  };
}

/** Rules that change nothing in any graph compare equal: e.g. 1.14 and latest. */
export function sameRules(a: FrontendRules, b: FrontendRules): boolean {
  return (Object.keys(a) as (keyof FrontendRules)[]).every((k) => k === 'version' || a[k] === b[k]);
}

/**
 * The frontend a build gets: a `BUILDKIT_SYNTAX` build arg, else the `# syntax=` directive, else the one
 * built into the engine of that version; `latest` when nothing says.
 */
export function frontendVersion(opts: { syntax?: string; syntaxArg?: string; engineVersion?: string }): string {
  const syntax = opts.syntaxArg?.trim().split(' ')[0] || opts.syntax;
  if (syntax) return syntaxVersion(syntax);
  return opts.engineVersion ? engineFrontend(opts.engineVersion) : 'latest';
}

/** `docker/dockerfile:1.7`, `docker.io/docker/dockerfile-upstream:1.11.0-labs@sha256:…` → `1.7`, `1.11.0`. */
function syntaxVersion(syntax: string): string {
  const m = /^(?:(?:index\.)?docker\.io\/)?docker\/dockerfile(?:-upstream)?(?::([^@\s]+))?(?:@\S+)?$/.exec(syntax.trim());
  if (!m) return 'latest'; // another frontend image: assume it follows the newest rules
  const tag = m[1] ?? 'latest';
  if (tag === 'experimental') return '1.1'; // the experimental channel ended with 1.1.7; labs replaced it
  const version = /^(\d+(?:\.\d+){0,2})(?:-.*)?$/.exec(tag);
  return version ? version[1] : 'latest'; // latest, labs, master, master-labs, a commit
}

/**
 * Docker Engine version → its built-in Dockerfile frontend (from the BuildKit each release vendors):
 * 20.10 → 1.2, 23 → 1.4, 24 → 1.5, 25 → 1.6, 26 → 1.7, 27.0 → 1.8, 27.1–27.2 → 1.9, 27.3 → 1.10,
 * 27.4 → 1.11.1, 27.5 → 1.12, 28 and later → 1.14 or newer.
 */
export function engineFrontend(engineVersion: string): string {
  const m = /^v?(\d+)\.(\d+)/.exec(engineVersion.trim());
  if (!m) return 'latest';
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major >= 28) return 'latest';
  if (major === 27) return minor === 0 ? '1.8' : minor <= 2 ? '1.9' : minor === 3 ? '1.10' : minor === 4 ? '1.11.1' : '1.12';
  const byMajor: Record<number, string> = { 26: '1.7', 25: '1.6', 24: '1.5', 23: '1.4' };
  return byMajor[major] ?? '1.2';
}
