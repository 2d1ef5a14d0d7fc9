// Annotations on Dockerfile lines: budget rules that warn or fail (at the layer that explains them), BuildKit's
// Dockerfile checks and junk hints (warnings). Pure: publish.ts hands them to @actions/core. GitHub shows at
// most 10 of each level per step, so the biggest come first. Text from the image or a report artifact is
// neutralised (no @mention, no #123 or GH-1 reference, no link); layers are numbered from 1 as in the comment and
// the terminal.
import type { DockerfileCheck } from '../buildx/checks.js';
import { ruleRows } from '../budget/evaluate.js';
import type { RuleResult } from '../budget/types.js';
import { neutralise } from '../report/escape.js';
import type { Report } from '../report/types.js';

export interface Annotation {
  level: 'warning' | 'error';
  title: string;
  message: string;
  file: string;
  startLine?: number;
}

export const MAX_ANNOTATIONS_PER_LEVEL = 10;

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** The Dockerfile line that best explains a rule: the layer that grew most for growth rules, else the largest. */
function lineForRule(r: RuleResult, report: Report): number | undefined {
  if ((r.metric === 'growth-bytes' || r.metric === 'growth-percent') && report.diff) {
    const grown = report.diff.layers
      .filter((l) => l.line !== undefined && l.delta.compressedBytes > 0)
      .sort((a, b) => b.delta.compressedBytes - a.delta.compressedBytes)[0];
    if (grown) return grown.line;
  }
  const key = r.metric === 'compressed-size' || r.metric === 'growth-bytes' || r.metric === 'growth-percent' ? 'compressedBytes' : 'sizeBytes';
  const largest = report.image.layers.filter((l) => l.line !== undefined).sort((a, b) => b[key] - a[key])[0];
  return largest?.line;
}

/** GitHub places annotations by repository-relative path: `./x` and `<workspace>/x` both become `x`. */
export function annotationPath(dockerfile: string, workspace?: string): string {
  const ws = workspace?.replace(/\/+$/, '');
  const rel = ws && dockerfile.startsWith(`${ws}/`) ? dockerfile.slice(ws.length + 1) : dockerfile;
  return rel.replace(/^(\.\/)+/, '');
}

export function buildAnnotations(report: Report, dockerfile: string, workspace?: string): Annotation[] {
  const file = annotationPath(dockerfile, workspace);
  // One annotation per rule as set: a joint growth pair (`max-growth: 5MB,10%`) is one rule.
  const rules: Annotation[] = ruleRows(report.verdict.results)
    .filter((r) => r.status === 'fail' || r.status === 'warn')
    .sort((a, b) => (a.status === b.status ? 0 : a.status === 'fail' ? -1 : 1))
    .map((r) => ({
      level: r.status === 'fail' ? ('error' as const) : ('warning' as const),
      title: `layerwise: ${r.label} (${r.status})`,
      message: neutralise(r.message),
      file,
      startLine: lineForRule(r.results[0], report),
    }));
  const hints: Annotation[] = [...report.image.hints]
    .sort((a, b) => b.bytes - a.bytes)
    .map((h) => ({
      level: 'warning' as const,
      title: `layerwise: ${neutralise(h.title)}`,
      message:
        `${mb(h.bytes)} (uncompressed) in layer ${h.layerIndex + 1}: ${h.paths.slice(0, 3).map(neutralise).join(', ')}${h.paths.length > 3 ? ', …' : ''}. ` +
        `Fix: ${neutralise(h.fix)}`,
      file,
      startLine: h.line,
    }));
  const all = [...rules, ...checkAnnotations(report.build?.checks ?? [], file, 'warning'), ...hints];
  const errors = all.filter((a) => a.level === 'error').slice(0, MAX_ANNOTATIONS_PER_LEVEL);
  const warnings = all.filter((a) => a.level === 'warning').slice(0, MAX_ANNOTATIONS_PER_LEVEL);
  return [...errors, ...warnings];
}

/** One annotation per BuildKit Dockerfile check, on its line; `file` is already repository-relative. */
export function checkAnnotations(checks: DockerfileCheck[], file: string, level: Annotation['level']): Annotation[] {
  return checks.map((c) => ({
    level,
    title: `layerwise: Dockerfile check ${c.rule}`,
    message: `${neutralise(c.message)}${c.url ? ` (${c.url})` : ''}`,
    file,
    ...(c.line ? { startLine: c.line } : {}),
  }));
}
