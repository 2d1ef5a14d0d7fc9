// The `checks` option: BuildKit's Dockerfile checks on their own (`--call=check,format=json`), before any build,
// so a violation fails in seconds instead of after the stage builds. An engine whose frontend cannot (Docker 26's
// built-in frontend predates the checks) gets a warning and the build goes on.
import { checkCallArgv } from './argv.js';
import { checksFromCallOutput, type DockerfileCheck } from './checks.js';
import type { Exec } from './exec.js';
import type { BuildConfig } from '../config/types.js';

export type CheckCallResult = { checks: DockerfileCheck[] } | { unsupported: string };

export async function runCheckCall(exec: Exec, build: BuildConfig, env?: NodeJS.ProcessEnv): Promise<CheckCallResult> {
  const r = await exec('docker', checkCallArgv(build, build.target), { env });
  // Violations exit 1 with the JSON on stdout; anything else without that JSON is the engine saying it cannot.
  const checks = checksFromCallOutput(r.stdout.trim());
  if (checks) return { checks };
  const said = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? `exit code ${r.exitCode}`;
  return { unsupported: said.replace(/^ERROR:\s*/, '').slice(0, 300) };
}
