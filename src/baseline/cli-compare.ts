// The CLI's budget check (`layerwise analyze IMAGE --baseline IMAGE|REPORT.json --max-growth 5% …`): the
// same report the action builds, from flags instead of inputs. Exit code 1 on a failing verdict.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_BUDGET_FILE, readBudgetRules, type BudgetInputs } from '../config/budget.js';
import { InputError } from '../config/errors.js';
import type { AnalyzeOptions } from '../image/analyze.js';
import type { ImageSource } from '../image/sources.js';
import type { ImageAnalysis } from '../image/types.js';
import { buildReport } from '../report/build.js';
import type { Report } from '../report/types.js';
import { imageBaseline, looksLikeReport, reportFileBaseline } from './cli-stores.js';
import type { Baseline } from './types.js';


export interface CliCompareOptions {
  imageKey: string;
  cwd: string;
  /** `--baseline`: a `.json` report, or an image resolved through `imageSource`. */
  baseline?: string;
  imageSource?: (arg: string) => ImageSource;
  analyzeOptions?: AnalyzeOptions;
  /** `--budget-file`; default .github/layerwise.yml under cwd, read when present. */
  budgetFile?: string;
  inputs: BudgetInputs;
  topFiles?: number;
}

export async function compareForCli(image: ImageAnalysis, opts: CliCompareOptions): Promise<{ report: Report; exitCode: 0 | 1 }> {
  const rules = readBudgetRules({
    inputs: opts.inputs,
    imageKey: opts.imageKey,
    file: await budgetFile(opts),
    inputLabel: (name) => `--${name}`,
  });
  let baseline: Baseline | undefined;
  const tried: string[] = [];
  if (opts.baseline) {
    const store = looksLikeReport(opts.baseline)
      ? reportFileBaseline(abs(opts.cwd, opts.baseline))
      : imageBaseline(sourceFor(opts, opts.baseline), opts.analyzeOptions);
    // An explicit baseline that cannot be read is an error, not a warning: the user asked for it.
    baseline = await store.load({ imageKey: opts.imageKey, branch: '' });
    tried.push(`${store.name}: ${baseline ? 'hit' : 'miss'} (${opts.baseline})`);
  }
  const report = buildReport({
    imageKey: opts.imageKey,
    image,
    baseline: baseline ?? null,
    baselineTried: tried,
    baselineMissing: opts.baseline ? undefined : 'none given (--baseline IMAGE or REPORT.json)',
    rules,
    topFiles: opts.topFiles,
    warnings: image.warnings ?? [],
  });
  return { report, exitCode: report.verdict.status === 'fail' ? 1 : 0 };
}

function sourceFor(opts: CliCompareOptions, arg: string): ImageSource {
  if (!opts.imageSource) throw new InputError(`--baseline: expected a .json report here, got '${arg}'`);
  return opts.imageSource(arg);
}

async function budgetFile(opts: CliCompareOptions): Promise<{ path: string; text: string } | undefined> {
  const given = opts.budgetFile;
  const path = given ?? DEFAULT_BUDGET_FILE;
  try {
    return { path, text: await readFile(abs(opts.cwd, path), 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!given && code === 'ENOENT') return undefined; // the default file is optional
    throw new InputError(`--budget-file: cannot read ${path} (${code ?? (err as Error).message})`);
  }
}

function abs(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
