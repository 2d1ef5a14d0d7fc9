// Report mode reads a JSON report that a `pull_request` run uploaded — for a fork PR, written by code the fork
// author controls. Everything in it is hostile: it is size-capped, checked field by field and rebuilt from known
// fields only before anything renders it (the renderer escapes every string it shows).
import { InputError } from '../core/errors.js';
import type { ImageAnalysis } from '../image/types.js';
import type { Report } from './types.js';
import { bool, int, list, nullable, num, obj, oneOf, opt, str, ShapeError, type Shape } from './shape.js';

/** Largest report file read (a real one with 127 layers × 10 top files is ~100 KB). */
export const MAX_REPORT_BYTES = 8 * 1024 * 1024;

const bytes = num(0, 1e15);
const count = int(0, 1e9);
const name = str(300);
const text = str(2000);

const layerFile = obj({ path: str(1000), bytes, change: oneOf('added', 'modified') });
const layer = obj({
  index: int(0, 10_000), diffId: str(100), digest: opt(str(100)), sizeBytes: bytes, compressedBytes: bytes,
  compressedSource: oneOf('manifest', 'gzip', 'tar'), mediaType: opt(str(200)), compression: opt(oneOf('gzip', 'zstd', 'none')), instruction: text, createdBy: text, stage: opt(name), line: opt(int(1, 1e7)),
  files: obj({ added: count, modified: count, deleted: count }), topFiles: list(layerFile, 100), wastedBytes: bytes,
});
const hint = obj({
  rule: name, title: name, bytes, layerIndex: int(0, 10_000), instruction: text, line: opt(int(1, 1e7)),
  paths: list(str(1000), 50), fix: text,
});
const image: Shape<ImageAnalysis> = obj({
  ref: str(500), id: opt(str(100)), platform: opt(name), compressedBytes: bytes, sizeBytes: bytes, layerCount: int(0, 10_000),
  wastedBytes: bytes, efficiency: num(0, 1), layers: list(layer, 1000), hints: list(hint, 200),
  compressedSource: opt(oneOf('manifest', 'gzip', 'tar', 'mixed')), warnings: opt(list(text, 100)),
});

const sizes = obj({ compressedBytes: bytes, sizeBytes: bytes });
const signedSizes = obj({ compressedBytes: num(-1e15, 1e15), sizeBytes: num(-1e15, 1e15) });
const totals = obj({ compressedBytes: bytes, sizeBytes: bytes, layerCount: int(0, 10_000), wastedBytes: bytes });
const status = oneOf('unchanged', 'changed', 'added', 'removed');
const fileDelta = obj({
  path: str(1000), baseBytes: opt(bytes), currentBytes: bytes, deltaBytes: num(-1e15, 1e15), change: oneOf('appeared', 'grew'),
});
const layerDelta = obj({
  status, index: opt(int(0, 10_000)), baseIndex: opt(int(0, 10_000)), instruction: text, baseInstruction: opt(text),
  line: opt(int(1, 1e7)), stage: opt(name), diffId: opt(str(100)), baseDiffId: opt(str(100)),
  matchedBy: opt(oneOf('prefix', 'diffId', 'instruction', 'position')), moved: opt(bool), base: opt(sizes), current: opt(sizes),
  delta: signedSizes, files: list(fileDelta, 100),
});
const diff = obj({
  base: totals, current: totals,
  delta: obj({
    compressedBytes: num(-1e15, 1e15), sizeBytes: num(-1e15, 1e15), layerCount: int(-10_000, 10_000),
    wastedBytes: num(-1e15, 1e15), compressedPercent: nullable(num(-100, 1e9)), sizePercent: nullable(num(-100, 1e9)),
  }),
  layers: list(layerDelta, 2000),
  counts: obj({ unchanged: count, changed: count, added: count, removed: count }),
  sharedPrefix: int(0, 10_000), identical: bool, notes: opt(list(text, 20)),
});

const metric = oneOf('compressed-size', 'size', 'growth-bytes', 'growth-percent', 'layers', 'wasted-bytes', 'efficiency', 'largest-layer');
const level = oneOf('warn', 'fail');
const rule = obj({ metric, limit: num(-1e15, 1e15), level, source: name });
const ruleResult = obj({
  rule, metric, level, actual: nullable(num(-1e15, 1e15)), limit: num(-1e15, 1e15),
  status: oneOf('pass', 'warn', 'fail', 'skipped'), message: text, jointWith: opt(metric),
});
const verdict = obj({
  status: oneOf('pass', 'warn', 'fail'), results: list(ruleResult, 100), deciding: list(ruleResult, 100), summary: text,
  notes: list(text, 50),
});

const step = obj({
  stage: name, instruction: text, line: opt(int(1, 1e7)), cached: bool, seconds: num(0, 1e7), error: opt(text),
});
const stage = obj({
  name, steps: count, cachedSteps: count, seconds: num(0, 1e7), cacheRef: opt(str(500)), pushed: bool,
  cacheFrom: list(str(500), 100), stepDetails: list(step, 1000), cacheWrite: opt(oneOf('pushed', 'unchanged', 'failed')),
});
const build = obj({
  stages: list(stage, 200),
  cacheSources: list(obj({ ref: str(500), status: oneOf('imported', 'missing', 'error'), detail: opt(text) }), 500),
  totalSteps: count, cachedSteps: count, cacheHitRatio: num(0, 1), seconds: num(0, 1e7), mode: oneOf('inline', 'registry'),
  imageId: opt(str(100)), digest: opt(str(100)), warnings: list(text, 100),
  upToDate: opt(obj({ key: str(500), ref: str(500), secondsSaved: opt(num(0, 1e9)) })),
});

// Typed as Shape<Report>: the compiler checks this shape against the report contract.
const report: Shape<Report> = obj({
  schemaVersion: oneOf(1),
  imageKey: str(200),
  generatedAt: str(40),
  context: obj({ repository: opt(name), sha: opt(str(64)), branch: opt(name), pr: opt(int(1, 1e9)) }),
  image,
  baseline: nullable(
    obj({
      source: oneOf('actions-cache', 'registry', 'file', 'image'), branch: opt(name), commit: opt(str(64)), ref: opt(str(500)),
      compressedBytes: bytes, sizeBytes: bytes, layerCount: int(0, 10_000),
    }),
  ),
  baselineMissing: opt(text),
  baselineTried: list(text, 20),
  diff: nullable(diff),
  verdict,
  build: nullable(build),
  warnings: list(text, 100),
});

/** Parses and checks a report file's text; throws an InputError, one line naming the file, the JSON path and what was expected. */
export function parseUntrustedReport(textIn: string, file: string): Report {
  if (textIn.length > MAX_REPORT_BYTES) throw new InputError(`${file}: report is ${textIn.length} bytes, more than ${MAX_REPORT_BYTES}`);
  let json: unknown;
  try {
    json = JSON.parse(textIn);
  } catch (err) {
    throw new InputError(`${file}: not JSON (${(err as Error).message.split('\n')[0]})`);
  }
  try {
    return report(json, '$');
  } catch (err) {
    if (err instanceof ShapeError) throw new InputError(`${file}: ${err.message}`);
    throw err;
  }
}

/** Checks an image analysis read from storage (a cached baseline); throws one line naming `where` and the field. */
export function parseImageAnalysis(value: unknown, where: string): ImageAnalysis {
  try {
    return image(value, '$.analysis');
  } catch (err) {
    if (err instanceof ShapeError) throw new Error(`${where}: ${err.message}`);
    throw err;
  }
}

/** Image keys become part of the comment marker: keep them to a plain, short set (the marker escapes them too). */
export function safeImageKey(key: string): string {
  return key.replace(/[^A-Za-z0-9._/-]/g, '_').slice(0, 100) || 'image';
}
