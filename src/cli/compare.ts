// The CLI's budget check (`layerwise analyze IMAGE --baseline IMAGE|REPORT.json --max-growth 5% …`): the
// same report the action builds, from flags instead of inputs. Exit code 1 on a failing verdict.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_BUDGET_FILE, readBudgetRules, type BudgetInputs } from '../config/budget.js';
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
  /** `--budget-file`; default .github/layerwise.yml under cwd, read when present. */
  budgetFile?: string;
  inputs: BudgetInputs;
  topFiles?: number;
}

/** The CLI's budget: `--budget-file` (or the default file, when present) overridden by the rule flags. */
export async function cliBudgetRules(opts: Pick<CliCompareOptions, 'cwd' | 'budgetFile' | 'inputs' | 'imageKey'>): Promise<BudgetRule[]> {
  return readBudgetRules({ inputs: opts.inputs, imageKey: opts.imageKey, file: await budgetFile(opts), inputLabel: (name) => `--${name}` });
}

/** `--baseline REPORT.json|IMAGE` as a baseline store. An unreadable one is an error: the user asked for it. */
export function cliBaselineStore(opts: Pick<CliCompareOptions, 'cwd' | 'imageSource' | 'analyzeOptions'>, arg: string): BaselineStore {
  return looksLikeReport(arg) ? reportFileBaseline(abs(opts.cwd, arg)) : imageBaseline(sourceFor(opts, arg), opts.analyzeOptions);
}

export async function compareForCli(image: ImageAnalysis, opts: CliCompareOptions): Promise<{ report: Report; exitCode: 0 | 1 }> {
  const rules = await cliBudgetRules(opts);
  let baseline: Baseline | undefined;
  const tried: string[] = [];
  if (opts.baseline) {
    const store = cliBaselineStore(opts, opts.baseline);
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

function sourceFor(opts: Pick<CliCompareOptions, 'imageSource'>, arg: string): ImageSource {
  if (!opts.imageSource) throw new InputError(`--baseline: expected a .json report here, got '${arg}'`);
  return opts.imageSource(arg);
}

async function budgetFile(opts: Pick<CliCompareOptions, 'cwd' | 'budgetFile'>): Promise<{ path: string; text: string } | undefined> {
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
