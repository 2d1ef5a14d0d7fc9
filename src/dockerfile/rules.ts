// Which Dockerfile frontend rules a build gets. The frontend is built into the engine unless the file has a
// `# syntax=` directive, in which case BuildKit pulls that frontend image. Dockerfile frontend 1.11
// (BuildKit v0.17) changed three things the stage graph sees:
//   - `ONBUILD COPY --from=<stage>` makes the stage a dependency (before: "cannot copy from stage" unless
//     something else already built it);
//   - a global `ARG X` without a default leaves X unset, and keeps an automatic platform ARG's value
//     (before: X was set to "", so `ARG TARGETARCH` above FROM blanked TARGETARCH);
//   - a bad `${…}` in a global ARG default fails the build (before: the value silently became "").
// It also added TARGETSTAGE, BUILDOSVERSION and TARGETOSVERSION to the global scope.

/** `legacy`: frontend before 1.11 (BuildKit < 0.17, e.g. Docker Engine 26); `current`: 1.11 and later. */
export type FrontendRules = 'legacy' | 'current';

/**
 * Rules for a build: a `# syntax=` frontend decides when present; otherwise the engine's built-in one.
 * Docker Engine 28+ (GitHub-hosted runners) has BuildKit 0.20+; 27.x had 0.14–0.17, counted as legacy.
 */
export function frontendRules(opts: { syntax?: string; engineVersion?: string }): FrontendRules {
  if (opts.syntax) return syntaxRules(opts.syntax);
  const major = Number.parseInt(/^v?(\d+)\./.exec(opts.engineVersion ?? '')?.[1] ?? '', 10);
  if (Number.isNaN(major)) return 'current';
  return major >= 28 ? 'current' : 'legacy';
}

function syntaxRules(syntax: string): FrontendRules {
  const m = /^(?:docker\.io\/)?docker\/dockerfile(?::([^@\s]+))?(?:@\S+)?$/.exec(syntax.trim());
  if (!m) return 'current'; // another frontend image: assume it follows the current rules
  const tag = m[1] ?? 'latest';
  const version = /^1\.(\d+)(?:\.\d+)?(?:-labs)?$/.exec(tag);
  if (version) return Number(version[1]) >= 11 ? 'current' : 'legacy';
  return /^0\./.test(tag) ? 'legacy' : 'current'; // 1, 1-labs, labs, latest
}
