// The CLI's budget check (`layerwise analyze IMAGE --baseline IMAGE|REPORT.json --max-growth 5% …`): the
// same report the action builds, from flags instead of inputs. Exit code 1 on a failing verdict.
import { isAbsolute, resolve } from 'node:path';
import { evaluateBudget } from '../budget/evaluate.js';
import { compareImages } from '../compare/compare.js';
import { InputError } from '../core/errors.js';
import type { BudgetRule } from '../config/types.js';
import type { AnalyzeOptions } from '../image/analyze.js';
import type { ImageSource } from '../image/sources.js';
import type { ImageAnalysis } from '../image/types.js';
import { buildReport } from '../report/build.js';
import type { Report } from '../report/types.js';
import { imageBaseline, looksLikeReport, reportFileBaseline } from '../baseline/cli-stores.js';
import type { Baseline } from '../compare/types.js';
import type { BaselineStore } from '../baseline/types.js';


export interface CliCompareOptions {
  imageKey: string;
  cwd: string;
  /** `--baseline`: a `.json` report, or an image resolved through `imageSource`. */
  baseline?: string;
  imageSource?: (arg: string) => ImageSource;
  analyzeOptions?: AnalyzeOptions;
  rules: BudgetRule[];
  topFiles?: number;
}

/** `--baseline REPORT.json|IMAGE` as a baseline store. An unreadable one is an error: the user asked for it. */
export function cliBaselineStore(opts: Pick<CliCompareOptions, 'cwd' | 'imageSource' | 'analyzeOptions'>, arg: string): BaselineStore {
  return looksLikeReport(arg) ? reportFileBaseline(abs(opts.cwd, arg)) : imageBaseline(sourceFor(opts, arg), opts.analyzeOptions);
}

export async function compareForCli(image: ImageAnalysis, opts: CliCompareOptions): Promise<{ report: Report; exitCode: 0 | 1 }> {
  let baseline: Baseline | undefined;
  const tried: string[] = [];
  if (opts.baseline) {
    const store = cliBaselineStore(opts, opts.baseline);
    baseline = await store.load({ imageKey: opts.imageKey, branch: '' });
    tried.push(`${store.name}: ${baseline ? 'hit' : 'miss'} (${opts.baseline})`);
  }
  const diff = baseline ? compareImages(baseline.analysis, image, { topFiles: opts.topFiles }) : null;
  const report = buildReport({
    imageKey: opts.imageKey,
    image,
    baseline: baseline ?? null,
    baselineTried: tried,
    baselineMissing: opts.baseline ? undefined : 'none given (--baseline IMAGE or REPORT.json)',
    diff,
    verdict: evaluateBudget(opts.rules, { current: image, diff, baseline: baseline ?? null }),
    warnings: image.warnings ?? [],
  });
  return { report, exitCode: report.verdict.status === 'fail' ? 1 : 0 };
}

function sourceFor(opts: Pick<CliCompareOptions, 'imageSource'>, arg: string): ImageSource {
  if (!opts.imageSource) throw new InputError(`--baseline: expected a .json report here, got '${arg}'`);
  return opts.imageSource(arg);
}

function abs(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
