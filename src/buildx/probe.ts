// What the builder can do: buildx version (rawjson progress needs ≥ 0.12), driver, and whether it can
// export a registry cache (every driver but `docker` on the classic image store).
import type { Exec } from './exec.js';

export interface BuilderInfo {
  buildxVersion: string;
  driver: string;
  /** The docker engine behind a `docker` driver uses the containerd image store. */
  containerdStore: boolean;
  progress: 'rawjson' | 'plain';
  registryCacheExport: boolean;
}

export function parseBuildxVersion(text: string): string | undefined {
  return /\bv?(\d+\.\d+(?:\.\d+)?)/.exec(text.replace(/^github\.com\/docker\/buildx\s*/, ''))?.[1];
}

/**
 * From `docker info --format '{{json .}}'`: whether the engine uses the containerd image store, and the buildx
 * version the CLI found as its plugin (ClientInfo.Plugins, read from the same plugin `docker buildx` runs). No
 * version when the CLI lists no working buildx plugin: `docker buildx version` then says why.
 */
export function parseInfo(text: string): { containerdStore: boolean; buildxVersion?: string } {
  let info: { DriverStatus?: unknown; ClientInfo?: { Plugins?: unknown } } = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') info = parsed;
  } catch {
    // not JSON: neither is known
  }
  const status = Array.isArray(info.DriverStatus) ? info.DriverStatus : [];
  const containerdStore = status.some((kv) => Array.isArray(kv) && kv[0] === 'driver-type' && /^io\.containerd\.snapshotter/.test(String(kv[1])));
  const plugins = Array.isArray(info.ClientInfo?.Plugins) ? (info.ClientInfo.Plugins as Record<string, unknown>[]) : [];
  const buildx = plugins.find((p) => p && p.Name === 'buildx' && !p.Err && typeof p.Version === 'string');
  return { containerdStore, buildxVersion: buildx ? parseBuildxVersion(String(buildx.Version)) : undefined };
}

export function versionAtLeast(version: string, want: string): boolean {
  const a = version.split('.').map(Number);
  const b = want.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/**
 * The builder-level `Key: value` lines of `docker buildx inspect` (before `Nodes:`), one line each: a value
 * never continues on the next line (an empty `Driver:` is empty, not the `Last Activity` below it).
 */
export function parseInspect(text: string): { name?: string; driver?: string; error?: string } {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (/^Nodes:/.test(line)) break;
    const m = /^([A-Za-z][A-Za-z ]*):[ \t]*(.*)$/.exec(line.replace(/\r$/, ''));
    if (m && !fields.has(m[1])) fields.set(m[1], m[2].trim());
  }
  const value = (key: string) => fields.get(key) || undefined;
  return { name: value('Name'), driver: value('Driver'), error: value('Error') };
}

/** The address the docker CLI names in "Cannot connect to the Docker daemon at X. Is …", or DOCKER_HOST. */
function daemonAddress(message: string, env: NodeJS.ProcessEnv | undefined): string {
  const said = /Cannot connect to the Docker daemon at (\S+?)\.?\s/.exec(`${message} `)?.[1];
  return said ?? (env ?? process.env).DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

const firstLine = (text: string): string => text.trim().split('\n')[0]?.trim() ?? '';

/** An older CLI, or a plugin the CLI could not read: buildx's own answer, or why there is none. */
async function askBuildxVersion(exec: Exec, env: NodeJS.ProcessEnv | undefined): Promise<string> {
  const version = await exec('docker', ['buildx', 'version'], { env });
  if (version.exitCode !== 0) throw new Error(`docker buildx is not available: ${firstLine(version.stderr || version.stdout)}`);
  return parseBuildxVersion(version.stdout) ?? '0.0.0';
}

export async function probeBuilder(exec: Exec, opts: { builder?: string; env?: NodeJS.ProcessEnv } = {}): Promise<BuilderInfo> {
  const env = opts.env;
  // Both run at once (~0.25 s each); their answers are read in order. The daemon first: every driver loads the
  // image into it, and buildx itself reports an unreachable daemon only as an `Error:` line with exit code 0.
  // `docker info` also names the buildx plugin's version, which saves starting buildx a third time (0.5 → 0.35 s).
  const builderName = opts.builder ?? '(default)';
  const [info, inspect] = await Promise.all([
    exec('docker', ['info', '--format', '{{json .}}'], { env }),
    exec('docker', ['buildx', 'inspect', ...(opts.builder ? [opts.builder] : [])], { env }),
  ]);
  if (info.exitCode !== 0) {
    const why = firstLine(info.stderr) || `docker info exited with ${info.exitCode}`;
    throw new Error(`the Docker daemon at ${daemonAddress(why, env)} does not answer: ${why}`);
  }
  const { containerdStore, buildxVersion: listed } = parseInfo(info.stdout);
  const buildxVersion = listed ?? (await askBuildxVersion(exec, env));
  if (inspect.exitCode !== 0) {
    throw new Error(`builder ${builderName} is not usable: ${firstLine(inspect.stderr || inspect.stdout)}`);
  }
  const parsed = parseInspect(inspect.stdout);
  if (parsed.error) {
    if (/Cannot connect to the Docker daemon/.test(parsed.error)) {
      throw new Error(`the Docker daemon at ${daemonAddress(parsed.error, env)} does not answer (builder ${builderName}): ${parsed.error}`);
    }
    throw new Error(`builder ${builderName} is not usable: ${parsed.error}`);
  }
  if (!parsed.driver) throw new Error(`builder ${builderName} is not usable: \`docker buildx inspect\` names no driver`);
  const driver = parsed.driver;
  return {
    buildxVersion,
    driver,
    // The image store matters only where BuildKit runs inside that engine (the docker driver).
    containerdStore: driver === 'docker' && containerdStore,
    progress: versionAtLeast(buildxVersion, '0.12') ? 'rawjson' : 'plain',
    registryCacheExport: driver !== 'docker' || containerdStore,
  };
}
