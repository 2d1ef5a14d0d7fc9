// The Dockerfile corpus (__tests__/fixtures/dockerfiles): expectations per file and the graph options of a case.
import type { StageGraphOptions } from '../../src/dockerfile/graph.js';

export interface CorpusCase {
  /** `--target`; absent: the last stage. */
  target?: string;
  buildArgs?: Record<string, string>;
  /** Target platform; default linux/amd64 (the build platform is linux/amd64 too). */
  platform?: string;
  /** Frontend whose rules the case is for (`legacy`, `1.10`, …); absent: any the oracle may meet. */
  frontend?: string;
  needed: string[];
  skipped: string[];
  /** The graph refuses the file for this case: a regex of the message. */
  error?: string;
  /** Why BuildKit on the test bed cannot check this case (the unit test still does). */
  noOracle?: string;
}

export interface CorpusEntry {
  /** The projects and shapes the file is modelled on. */
  model: string;
  cases: CorpusCase[];
}

export function corpusOptions(c: CorpusCase): Omit<StageGraphOptions, 'file'> {
  return {
    ...(c.target ? { target: c.target } : {}),
    buildArgs: c.buildArgs ?? {},
    platform: c.platform ?? 'linux/amd64',
    buildPlatform: 'linux/amd64',
    ...(c.frontend ? { frontend: c.frontend } : {}),
  };
}

export function caseLabel(c: CorpusCase): string {
  const args = Object.entries(c.buildArgs ?? {}).map(([k, v]) => ` --build-arg ${k}=${v}`).join('');
  return `target ${c.target ?? '(last)'}${c.platform ? ` --platform ${c.platform}` : ''}${args}${c.frontend ? ` (frontend ${c.frontend})` : ''}`;
}

export function corpusCases(entry: CorpusEntry): [string, CorpusCase][] {
  return entry.cases.map((c) => [caseLabel(c), c]);
}
