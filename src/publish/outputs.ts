// The action's outputs from a report (names as in action.yml). Pure; main.ts passes each to core.setOutput.
import type { Report } from '../report/types.js';

export function actionOutputs(report: Report, reportPath: string): Record<string, string> {
  const build = report.build;
  return {
    verdict: report.verdict.status,
    size: String(report.image.sizeBytes),
    'compressed-size': String(report.image.compressedBytes),
    // Empty without a baseline: "no change" and "nothing to compare with" must not look alike.
    'size-delta': report.diff && report.baseline ? String(report.diff.delta.compressedBytes) : '',
    'cache-hit-ratio': build ? String(Math.round(build.cacheHitRatio * 1000) / 1000) : '',
    'report-path': reportPath,
    'image-id': build?.imageId ?? report.image.id ?? '',
    digest: build?.digest ?? '',
    skipped: build?.upToDate ? 'true' : 'false',
  };
}
