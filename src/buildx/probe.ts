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

export function parseInspectDriver(text: string): string | undefined {
  return /^Driver:\s+(\S+)/m.exec(text)?.[1];
}

export async function probeBuilder(exec: Exec, opts: { builder?: string; env?: NodeJS.ProcessEnv } = {}): Promise<BuilderInfo> {
  const env = opts.env;
  const version = await exec('docker', ['buildx', 'version'], { env });
  if (version.exitCode !== 0) {
    throw new Error(`docker buildx is not available: ${(version.stderr || version.stdout).trim().split('\n')[0]}`);
  }
  const buildxVersion = parseBuildxVersion(version.stdout) ?? '0.0.0';
  const inspect = await exec('docker', ['buildx', 'inspect', ...(opts.builder ? [opts.builder] : [])], { env });
  if (inspect.exitCode !== 0) {
    throw new Error(`builder ${opts.builder ?? '(default)'} is not usable: ${(inspect.stderr || inspect.stdout).trim().split('\n')[0]}`);
  }
  const driver = parseInspectDriver(inspect.stdout) ?? 'docker';
  let containerdStore = false;
  if (driver === 'docker') {
    const info = await exec('docker', ['info', '--format', '{{json .DriverStatus}}'], { env });
    containerdStore = info.exitCode === 0 && info.stdout.includes('io.containerd.snapshotter');
  }
  return {
    buildxVersion,
    driver,
    containerdStore,
    progress: versionAtLeast(buildxVersion, '0.12') ? 'rawjson' : 'plain',
    registryCacheExport: driver !== 'docker' || containerdStore,
  };
}
