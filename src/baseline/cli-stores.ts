// Baselines the CLI is handed: a JSON report from an earlier run (`--baseline report.json`) or an image
// (`--baseline IMAGE`, read from the daemon, an archive or the registry like the image being analysed).
import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { parseUntrustedReport, MAX_REPORT_BYTES } from '../report/untrusted.js';
import { analyzeImage, type AnalyzeOptions } from '../image/analyze.js';
import type { ImageSource } from '../image/sources.js';
import type { Baseline } from '../compare/types.js';
import type { BaselineStore } from './types.js';

/** A report file: its `image` is the baseline. `where` names the flag in errors (e.g. `--baseline`). */
export function reportFileBaseline(path: string, where = '--baseline'): BaselineStore {
  return {
    name: 'file',
    async load() {
      let text: string;
      try {
        const info = await stat(path);
        if (!info.isFile()) throw new Error('not a regular file');
        if (info.size > MAX_REPORT_BYTES) throw new Error(`${info.size} bytes, more than ${MAX_REPORT_BYTES}`);
        text = await readFile(path, 'utf8');
      } catch (err) {
        throw new InputError(`${where}: cannot read report ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
      let report;
      try {
        report = parseUntrustedReport(text, path);
      } catch (err) {
        throw new InputError(`${where}: ${(err as Error).message} (expected a layerwise JSON report, docs/report.schema.json)`);
      }
      const baseline: Baseline = { source: 'file', ref: path, analysis: report.image };
      if (report.context.branch) baseline.branch = report.context.branch;
      if (report.context.sha) baseline.commit = report.context.sha;
      return baseline;
    },
  };
}

/** An image as the baseline, measured the same way as the current one. */
export function imageBaseline(source: ImageSource, opts: AnalyzeOptions = {}): BaselineStore {
  return {
    name: 'image',
    async load() {
      return { source: 'image', ref: source.label, analysis: await analyzeImage(source, opts) };
    },
  };
}

/** True when the argument names a JSON report rather than an image. */
export function looksLikeReport(arg: string): boolean {
  return /\.json$/i.test(arg);
}
