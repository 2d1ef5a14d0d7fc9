// Integration tests talk to the real test bed (scripts/testbed.sh): dockerd engines with buildx, and registries
// on loopback. Under CI=true a missing service FAILS the suite; elsewhere it is skipped with the reason printed.
import { jest } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { engineFrontend, rulesFor, sameRules } from '../../src/dockerfile/rules.js';

/**
 * The two rule sets the bed can show with built-in frontends (no Docker Hub for `# syntax=`): `current` on
 * Docker 28 (the newest frontend's rules), `legacy` on Docker 26 (frontend 1.7).
 */
export type RuleSet = 'current' | 'legacy';

export interface Testbed {
  registry: string; // localhost:5000 (open, deletion enabled)
  authRegistry: string; // localhost:5001 (htpasswd: layerwise / testbed)
  noDeleteRegistry: string; // localhost:5002
  baseImage: string; // busybox in FROM scratch, pushed to the open registry
  ctrdHost?: string; // the engine with the containerd image store, when started with --ctrd
  engine26Host?: string; // Debian trixie's Docker 26 (legacy frontend rules), when started with --engine 26
}

const HOW_TO_START = 'start it with `eval "$(scripts/testbed.sh --ctrd --engine 26)"` (see README)';

function answers(url: string): boolean {
  const r = spawnSync('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '3', url], {
    encoding: 'utf8',
  });
  return r.status === 0 && /^(200|401)$/.test(r.stdout.trim());
}

/** `docker version` fails when the daemon does not answer; it is quicker than `docker info`, which also runs
 * every CLI plugin's metadata command. */
function daemonAnswers(host?: string): boolean {
  const args = ['version', '--format', '{{.Server.Version}}'];
  return spawnSync('docker', host ? ['-H', host, ...args] : args, { stdio: 'ignore', timeout: 15_000 }).status === 0;
}

let cached: { bed?: Testbed; missing?: string } | undefined;

export function probeTestbed(): { bed?: Testbed; missing?: string } {
  if (cached) return cached;
  const registry = process.env.LAYERWISE_REGISTRY ?? 'localhost:5000';
  const bed: Testbed = {
    registry,
    authRegistry: process.env.LAYERWISE_AUTH_REGISTRY ?? 'localhost:5001',
    noDeleteRegistry: process.env.LAYERWISE_NODELETE_REGISTRY ?? 'localhost:5002',
    baseImage: process.env.LAYERWISE_BASE_IMAGE ?? `${registry}/layerwise-test/busybox:1`,
    ctrdHost: process.env.LAYERWISE_CTRD_HOST,
    engine26Host: process.env.LAYERWISE_ENGINE26_HOST,
  };
  const missing: string[] = [];
  if (!daemonAnswers()) missing.push('the Docker daemon does not answer `docker version`');
  else if (spawnSync('docker', ['buildx', 'version'], { stdio: 'ignore' }).status !== 0) missing.push('docker buildx is missing');
  for (const r of [bed.registry, bed.authRegistry, bed.noDeleteRegistry]) {
    if (!answers(`http://${r}/v2/`)) missing.push(`no registry answers on ${r}`);
  }
  if (bed.ctrdHost && !daemonAnswers(bed.ctrdHost)) bed.ctrdHost = undefined;
  if (bed.engine26Host && !daemonAnswers(bed.engine26Host)) bed.engine26Host = undefined;
  cached = missing.length ? { missing: missing.join('; ') } : { bed };
  return cached;
}

/**
 * `describe` for suites that need the test bed. With CI=true a missing bed fails every test in the suite
 * with the reason and how to start it; without CI it skips, saying why.
 */
export function describeWithTestbed(name: string, fn: (bed: () => Testbed) => void): void {
  // Builds and pushes take minutes on a loaded 2-core machine; jest ignores a project-level testTimeout.
  jest.setTimeout(600_000);
  const { bed, missing } = probeTestbed();
  if (bed) {
    describe(name, () => fn(() => bed));
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      test('test bed is available', () => {
        throw new Error(`Test bed missing: ${missing}. ${HOW_TO_START}.`);
      });
    });
    return;
  }
  console.warn(`Skipping "${name}": ${missing}. ${HOW_TO_START}.`);
  describe.skip(name, () => fn(() => bed as unknown as Testbed));
}

export type ImageStore = 'classic' | 'containerd';

/** One engine of the bed, described by what it reports about itself. */
export interface Engine {
  /** For `docker -H`; undefined for the default engine (DOCKER_HOST, else the default socket). */
  host?: string;
  /** Where it listens, also for the default engine: for `--host` flags and DOCKER_HOST. */
  address: string;
  version: string;
  store: ImageStore;
  /** The built-in Dockerfile frontend's version (src/dockerfile/rules.ts engineFrontend). */
  frontend: string;
  /** Whether that frontend follows the newest rules, or older ones. */
  rules: RuleSet;
  label: string;
}

function describeEngine(host: string | undefined): Engine {
  const info = JSON.parse(docker(['info', '--format', '{{json .}}'], { host })) as { ServerVersion: string; DriverStatus?: [string, string][] };
  // The containerd image store reports its snapshotter as the driver type; the classic store reports graph
  // driver details (overlay2's backing filesystem and so on).
  const store: ImageStore = (info.DriverStatus ?? []).some(([k, v]) => k === 'driver-type' && v.startsWith('io.containerd.snapshotter')) ? 'containerd' : 'classic';
  const frontend = engineFrontend(info.ServerVersion);
  const rules: RuleSet = sameRules(rulesFor(frontend), rulesFor('latest')) ? 'current' : 'legacy';
  const address = host ?? (process.env.DOCKER_HOST || 'unix:///var/run/docker.sock');
  return { host, address, version: info.ServerVersion, store, frontend, rules, label: `Docker ${info.ServerVersion}, ${store} image store, frontend ${frontend} (${rules} rules)` };
}

let engines: Engine[] | undefined;

/** The bed's engines that answer: the default one first, then the others the bed started, each once. */
export function bedEngines(bed: Testbed): Engine[] {
  if (engines) return engines;
  const defaultHost = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  const others = [process.env.LAYERWISE_ENGINE_HOST, bed.ctrdHost, bed.engine26Host].filter((h): h is string => !!h && h !== defaultHost);
  engines = [describeEngine(undefined), ...[...new Set(others)].filter((h) => daemonAnswers(h)).map(describeEngine)];
  return engines;
}

/**
 * `describe` on the first bed engine that matches `want` (an image store, a rule set). None: under CI=true
 * the suite fails saying which engine is missing; elsewhere it is skipped with the reason printed.
 */
export function describeOnEngine(
  name: string,
  bed: () => Testbed | undefined,
  want: { store?: ImageStore; rules?: RuleSet },
  fn: (engine: () => Engine) => void,
): void {
  const b = bed();
  const engine = b && bedEngines(b).find((e) => (!want.store || e.store === want.store) && (!want.rules || e.rules === want.rules));
  if (engine) {
    describe(`${name} [${engine.label}]`, () => fn(() => engine));
    return;
  }
  const missing = `no engine of the bed has ${[want.store && `the ${want.store} image store`, want.rules && `${want.rules} frontend rules`].filter(Boolean).join(' and ')}`;
  if (b && process.env.CI === 'true') {
    describe(name, () => {
      test('the engine it needs is running', () => {
        throw new Error(`${missing}; ${HOW_TO_START}.`);
      });
    });
    return;
  }
  if (b) console.warn(`Skipping "${name}": ${missing}. ${HOW_TO_START}.`);
  describe.skip(name, () => fn(() => undefined as unknown as Engine));
}

/** Runs docker with the given args; throws with stderr on failure. */
export function docker(args: string[], opts: { host?: string; input?: string } = {}): string {
  const full = opts.host ? ['-H', opts.host, ...args] : args;
  try {
    return execFileSync('docker', full, { encoding: 'utf8', input: opts.input, maxBuffer: 64 << 20, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`docker ${full.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

/** A name unique to this test run, for image repositories and tags. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}`;
}
