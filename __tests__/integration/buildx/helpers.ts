// Shared pieces of the build integration tests: a fixture project copied to a temp dir, a private copy of
// the base image (so a fresh runner may remove it without touching other suites), configs, and the
// "fresh runner" wipe: our images untagged and the builder cache pruned.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWithStageCaches, type BuildWithStageCachesOptions } from '../../../src/buildx/build.js';
import type { BuildRecord } from '../../../src/buildx/types.js';
import type { CacheMode, Config } from '../../../src/config/types.js';
import { buildStageGraph } from '../../../src/dockerfile/graph.js';
import type { RunContext } from '../../../src/core/run-context.js';
import { RegistryClient } from '../../../src/registry/index.js';
import { docker, type Testbed } from '../../helpers/testbed.js';

export const FIXTURE = join(process.cwd(), '__tests__/fixtures/buildx/deps-app');

export interface Project {
  dir: string;
  setSource(text: string): void;
  remove(): void;
}

export function copyFixture(from = FIXTURE): Project {
  const dir = mkdtempSync(join(tmpdir(), 'lw-build-'));
  cpSync(from, dir, { recursive: true });
  return {
    dir,
    setSource: (text) => writeFileSync(join(dir, 'src/main.txt'), `${text}\n`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Our own tag of the bed's busybox, pushed under a unique name: ours to remove on a fresh runner. */
export function privateBase(bed: Testbed, name: string, host?: string): string {
  const ref = `${bed.registry}/layerwise-test/${name}:1`;
  docker(['pull', '-q', bed.baseImage], { host });
  docker(['tag', bed.baseImage, ref], { host });
  docker(['push', '-q', ref], { host });
  docker(['rmi', ref], { host });
  return ref;
}

export function branchContext(branch: string, over: Partial<RunContext> = {}): RunContext {
  return {
    event: 'push', repository: 'acme/app', sha: 'f'.repeat(40), branch, defaultBranch: 'main',
    fork: false, actor: 'ci', readOnly: false, canComment: true, untrustedHead: false, ...over,
  };
}

export function makeConfig(p: { dir: string; cacheRepo?: string; mode: CacheMode; base: string; tags?: string[]; push?: boolean }): Config {
  return {
    mode: 'build',
    imageKey: 'app',
    build: {
      dockerfile: join(p.dir, 'Dockerfile'),
      context: p.dir,
      buildArgs: { BASE: p.base },
      secrets: [],
      platforms: [],
      noCache: false, checks: false,
      tags: p.tags ?? [],
      push: p.push ?? false,
      labels: {},
      load: true,
    },
    cache: { repo: p.cacheRepo, mode: p.mode, fallbackScopes: [], writePrScope: false, maxSources: 12 },
    budget: [],
    topFiles: 10,
    comment: false,
    commentAuthor: 'github-actions[bot]',
    allowUntrustedBuild: false,
    skipUnchanged: false,
    cleanupIntermediateImages: false,
    reportPath: 'layerwise-report.json',
    prune: { retention: '30d', dryRun: true },
  };
}

export async function build(
  p: { dir: string; config: Config; ctx: RunContext; host?: string; env?: NodeJS.ProcessEnv } & Partial<BuildWithStageCachesOptions>,
): Promise<BuildRecord> {
  const text = readFileSync(p.config.build.dockerfile, 'utf8');
  const graph = buildStageGraph(text, { file: 'Dockerfile', buildArgs: p.config.build.buildArgs });
  const env = { ...process.env, ...(p.host ? { DOCKER_HOST: p.host } : {}), ...p.env };
  const lines: string[] = [];
  let failed = false;
  try {
    return await buildWithStageCaches({
      ...p, graph, env, log: (l) => {
        lines.push(l);
        p.log?.(l);
      },
    });
  } catch (err) {
    failed = true;
    console.error(lines.slice(-40).join('\n'));
    throw err;
  } finally {
    // The readable build log, for a human looking into a failure (LAYERWISE_TEST_BUILD_LOG=dir).
    if (process.env.LAYERWISE_TEST_BUILD_LOG) {
      writeFileSync(join(process.env.LAYERWISE_TEST_BUILD_LOG, `build-${Date.now()}${failed ? '-failed' : ''}.log`), lines.join('\n'));
    }
  }
}

/** A fresh CI runner: none of our images in the daemon (base included) and an empty builder cache. */
export function freshRunner(our: { refs?: string[]; repos?: string[] }, host?: string): void {
  const listed = (our.repos ?? []).flatMap((repo) =>
    docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', repo], { host }).split('\n').filter((l) => l && !l.endsWith(':<none>')),
  );
  for (const ref of [...(our.refs ?? []), ...listed]) {
    try {
      docker(['rmi', ref], { host }); // untag only: never by id, other suites may share the layers
    } catch {
      /* not present */
    }
  }
  docker(['builder', 'prune', '-af'], { host });
}

export async function registryTags(registry: string, repository: string): Promise<string[]> {
  const res = await fetch(`http://${registry}/v2/${repository}/tags/list`);
  if (res.status === 404) return [];
  return (((await res.json()) as { tags: string[] | null }).tags ?? []).sort();
}

export async function manifestDigest(registry: string, repository: string, tag: string): Promise<string | undefined> {
  const res = await fetch(`http://${registry}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json' },
  });
  return res.ok ? (res.headers.get('docker-content-digest') ?? undefined) : undefined;
}

/** One line per stage for the test log: the figures the report quotes. */
export function describeRecord(label: string, r: BuildRecord): string {
  const stages = r.stages.map((s) => `${s.name} ${s.cachedSteps}/${s.steps} cached ${s.seconds}s`).join(' · ');
  const sources = r.cacheSources.map((c) => `${c.ref.split(':').pop()} ${c.status}`).join(', ');
  return `${label}: hit ratio ${(r.cacheHitRatio * 100).toFixed(0)}% (${r.cachedSteps}/${r.totalSteps}), ${r.seconds}s wall · ${stages}` +
    (sources ? ` · sources: ${sources}` : '') + r.warnings.map((w) => `\n    warning: ${w}`).join('');
}

/** Deletes every tag of the given repositories (`host/path`) from a registry that allows deletion. */
export async function removeFromRegistry(repositories: string[]): Promise<void> {
  const client = new RegistryClient({ timeoutMs: 10_000 });
  for (const repo of repositories) {
    let tags: string[] = [];
    try {
      tags = await client.listTags(repo);
    } catch {
      continue; // never pushed, or not reachable
    }
    for (const tag of tags) {
      const head = await client.headManifest(`${repo}:${tag}`).catch(() => null);
      if (head) await client.deleteManifest(repo, head.digest).catch(() => false);
    }
  }
}
