// `docker buildx build` arguments for one planned build. Every build of a run gets the same Dockerfile,
// context, build args, secrets, platforms and builder, so their caches line up. Pure.
import type { BuildConfig } from '../config/types.js';
import type { PlannedBuild } from './plan.js';

export interface ArgvOptions {
  build: BuildConfig;
  progress: 'rawjson' | 'plain';
  metadataFile: string;
  /** Existing refs, pinned by digest (`repo:tag@sha256:…`), or gha scopes; already capped. */
  cacheFrom: string[];
  /** What `cacheFrom` holds; default registry refs. */
  cacheFromType?: 'registry' | 'gha';
  /** Buildx driver: `docker` keeps a stage cache image in the daemon, others only in the builder. */
  driver: string;
  /**
   * Stage builds: export the cache now (push the inline cache image, or `--cache-to`). Without it the stage
   * is built and kept local, and exported in a second step only if it changed (see runner.ts).
   */
  exportCache?: boolean;
}

export function buildxArgv(planned: PlannedBuild, opts: ArgvOptions): string[] {
  const { build } = opts;
  const args = ['buildx', 'build'];
  if (build.builder) args.push('--builder', build.builder);
  args.push('--file', build.dockerfile, `--progress=${opts.progress}`, '--metadata-file', opts.metadataFile);
  if (planned.target) args.push('--target', planned.target);
  for (const [k, v] of Object.entries(build.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  for (const secret of build.secrets) args.push('--secret', secret);
  if (build.platforms.length) args.push('--platform', build.platforms.join(','));
  if (planned.noCache === 'all') args.push('--no-cache');
  else if (planned.noCache !== 'none') args.push('--no-cache-filter', planned.noCache.filter);
  const fromGha = opts.cacheFromType === 'gha';
  for (const ref of opts.cacheFrom) args.push('--cache-from', fromGha ? `type=gha,scope=${ref}` : `type=registry,ref=${ref}`);
  if (planned.cacheTo && opts.exportCache) {
    // ignore-error: a cache that cannot be written must never fail the build (we report it instead).
    const { type, ref } = planned.cacheTo;
    args.push('--cache-to', `type=${type},${type === 'gha' ? 'scope' : 'ref'}=${ref},mode=max,ignore-error=true`);
  }
  for (const [k, v] of Object.entries(planned.labels)) args.push('--label', `${k}=${v}`);
  if (planned.provenance === false) args.push('--provenance=false');
  const out = planned.output;
  switch (out.type) {
    case 'cache-image':
      if (opts.exportCache) args.push('--tag', out.ref, '--cache-to', 'type=inline', '--push');
      else if (opts.driver === 'docker') args.push('--tag', out.ref, '--cache-to', 'type=inline', '--load');
      else args.push('--output', 'type=cacheonly');
      break;
    case 'cacheonly':
      args.push('--output', 'type=cacheonly');
      break;
    case 'load':
      for (const t of out.tags) args.push('--tag', t);
      args.push('--load');
      break;
    case 'push':
    case 'push-and-load':
      for (const t of out.tags) args.push('--tag', t);
      args.push('--push');
      if (out.type === 'push-and-load') args.push('--load');
      break;
  }
  args.push(build.context);
  return args;
}

/**
 * `docker buildx build --call=check,format=json`: BuildKit's Dockerfile checks alone, before any build (no
 * step runs, nothing is exported). Same Dockerfile, target, build args and platforms as the builds.
 */
export function checkCallArgv(build: BuildConfig, target: string | undefined): string[] {
  const args = ['buildx', 'build'];
  if (build.builder) args.push('--builder', build.builder);
  args.push('--call=check,format=json', '--file', build.dockerfile);
  if (target) args.push('--target', target);
  for (const [k, v] of Object.entries(build.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  if (build.platforms.length) args.push('--platform', build.platforms.join(','));
  args.push(build.context);
  return args;
}
