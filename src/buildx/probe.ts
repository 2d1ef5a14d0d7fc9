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

export async function probeBuilder(exec: Exec, opts: { builder?: string; env?: NodeJS.ProcessEnv } = {}): Promise<BuilderInfo> {
  const env = opts.env;
  // The three run at once (~0.25 s each); their answers are read in order. The daemon first: every driver loads
  // the image into it, and buildx itself reports an unreachable daemon only as an `Error:` line with exit code 0.
  const builderName = opts.builder ?? '(default)';
  const [info, version, inspect] = await Promise.all([
    exec('docker', ['info', '--format', '{{json .DriverStatus}}'], { env }),
    exec('docker', ['buildx', 'version'], { env }),
    exec('docker', ['buildx', 'inspect', ...(opts.builder ? [opts.builder] : [])], { env }),
  ]);
  if (info.exitCode !== 0) {
    const why = firstLine(info.stderr) || firstLine(info.stdout) || `docker info exited with ${info.exitCode}`;
    throw new Error(`the Docker daemon at ${daemonAddress(why, env)} does not answer: ${why}`);
  }
  const containerdStore = info.stdout.includes('io.containerd.snapshotter');
  if (version.exitCode !== 0) {
    throw new Error(`docker buildx is not available: ${firstLine(version.stderr || version.stdout)}`);
  }
  const buildxVersion = parseBuildxVersion(version.stdout) ?? '0.0.0';
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
