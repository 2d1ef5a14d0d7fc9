// The runner's files: the event payload (GITHUB_EVENT_PATH) and, in report mode, the downloaded report artifact.
import { readFileSync, statSync } from 'node:fs';
import { InputError, quoteUntrusted } from '../core/errors.js';
import { readRunContext } from './event.js';
import type { RunContext } from '../core/run-context.js';
import { MAX_REPORT_BYTES } from '../report/untrusted.js';

/** The run context as the runner describes it (GITHUB_EVENT_NAME + the JSON at GITHUB_EVENT_PATH). */
export function loadRunContext(env: Record<string, string | undefined> = process.env): RunContext {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const path = env.GITHUB_EVENT_PATH;
  let payload: unknown = {};
  if (path) {
    try {
      payload = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new InputError(`GITHUB_EVENT_PATH ${path}: expected the event payload as JSON (${quoteUntrusted((err as Error).message, 160)})`);
    }
  }
  return readRunContext({ eventName, payload, env });
}

/** Reads a report artifact without trusting its size: refuses before reading anything too big. */
export function readReportArtifact(path: string): string {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (err) {
    throw new InputError(
      `input report-path: expected the report downloaded from the pull_request run at ${path} (${quoteUntrusted((err as Error).message, 160)})`,
    );
  }
  if (size > MAX_REPORT_BYTES) {
    throw new InputError(`input report-path: ${path} is ${size} bytes; a layerwise report is at most ${MAX_REPORT_BYTES}`);
  }
  return readFileSync(path, 'utf8');
}
