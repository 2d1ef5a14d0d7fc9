// Report mode reads a JSON report that a `pull_request` run uploaded — for a fork PR, written by code the fork
// author controls. Everything in it is hostile: it is size-capped, checked field by field and rebuilt from known
// fields only before anything renders it (the renderer escapes every string it shows). The limits come from
// core/report-limits.ts, which report assembly applies too (fitReport), so reports this action writes always pass.
import { InputError, quoteUntrusted } from '../core/errors.js';
import type { ImageAnalysis } from '../image/types.js';
import type { Report } from './types.js';
import { neutralise } from './escape.js';
import { LIST_LIMITS as L, MAX_REPORT_BYTES, NUMBER_LIMITS as N, STRING_LIMITS as S, utf8Bytes } from '../core/report-limits.js';
import { RULE_NAME, RULE_URL } from '../buildx/checks.js';
import { bool, int, list, matches, nullable, num, obj, oneOf, opt, str, ShapeError, type Fit, type Shape } from './shape.js';

export { MAX_REPORT_BYTES } from '../core/report-limits.js';

const bytes = num(0, N.bytes);
const signedBytes = num(-N.bytes, N.bytes);
const count = int(0, N.count);
const layerIndex = int(0, N.layerIndex);
const line = int(1, N.line);
const seconds = num(0, N.seconds);
const percent = nullable(num(-100, N.percent));
const ruleValue = num(-N.ruleValue, N.ruleValue);
const name = str(S.name);
const text = str(S.text);
const path = str(S.path);
const ref = str(S.ref);
const id = str(S.id);
const texts = (max: number) => list(text, max);

const layerFile = obj({ path, bytes, change: oneOf('added', 'modified'), previousBytes: opt(bytes) });
const layer = obj({
  index: layerIndex, diffId: id, digest: opt(id), sizeBytes: bytes, compressedBytes: bytes,
  compressedSource: oneOf('manifest', 'gzip', 'tar'), mediaType: opt(str(S.mediaType)), compression: opt(oneOf('gzip', 'zstd', 'none')),
  instruction: text, createdBy: text, stage: opt(name), line: opt(line),
  files: obj({ added: count, modified: count, deleted: count }), topFiles: list(layerFile, L.topFiles), wastedBytes: bytes,
});
const hint = obj({
  rule: name, title: name, bytes, layerIndex, instruction: text, line: opt(line), paths: list(path, L.hintPaths), fix: text,
});
const image: Shape<ImageAnalysis> = obj({
  ref, id: opt(id), platform: opt(name), compressedBytes: bytes, sizeBytes: bytes, layerCount: int(0, N.layerIndex),
  wastedBytes: bytes, efficiency: num(0, 1), layers: list(layer, L.layers), hints: list(hint, L.hints),
  compressedSource: opt(oneOf('manifest', 'gzip', 'tar', 'mixed')), warnings: opt(texts(L.warnings)),
});

const sizes = obj({ compressedBytes: bytes, sizeBytes: bytes });
const signedSizes = obj({ compressedBytes: signedBytes, sizeBytes: signedBytes });
const totals = obj({ compressedBytes: bytes, sizeBytes: bytes, layerCount: int(0, N.layerIndex), wastedBytes: bytes });
const status = oneOf('unchanged', 'changed', 'added', 'removed');
const fileDelta = obj({
  path, baseBytes: opt(bytes), currentBytes: bytes, deltaBytes: signedBytes, change: oneOf('appeared', 'grew'),
});
const layerDelta = obj({
  status, index: opt(layerIndex), baseIndex: opt(layerIndex), instruction: text, baseInstruction: opt(text),
  line: opt(line), stage: opt(name), diffId: opt(id), baseDiffId: opt(id),
  matchedBy: opt(oneOf('prefix', 'diffId', 'instruction', 'position')), moved: opt(bool), base: opt(sizes), current: opt(sizes),
  delta: signedSizes, files: list(fileDelta, L.topFiles),
});
const diff = obj({
  base: totals, current: totals,
  delta: obj({
    compressedBytes: signedBytes, sizeBytes: signedBytes, layerCount: int(-N.layerIndex, N.layerIndex),
    wastedBytes: signedBytes, compressedPercent: percent, sizePercent: percent,
  }),
  layers: list(layerDelta, L.diffLayers),
  counts: obj({ unchanged: count, changed: count, added: count, removed: count }),
  sharedPrefix: layerIndex, identical: bool, notes: opt(texts(L.diffNotes)),
});

const metric = oneOf('compressed-size', 'size', 'growth-bytes', 'growth-percent', 'layers', 'wasted-bytes', 'efficiency', 'largest-layer');
const level = oneOf('warn', 'fail');
const rule = obj({ metric, limit: ruleValue, level, source: name });
const ruleResult = obj({
  rule, metric, level, actual: nullable(ruleValue), limit: ruleValue,
  status: oneOf('pass', 'warn', 'fail', 'skipped'), message: text, jointWith: opt(metric),
});
const verdict = obj({
  status: oneOf('pass', 'warn', 'fail'), results: list(ruleResult, L.rules), deciding: list(ruleResult, L.rules), summary: text,
  notes: texts(L.verdictNotes),
});

const step = obj({
  stage: name, instruction: text, line: opt(line), index: opt(int(0, N.count)), cached: bool, seconds, error: opt(text),
});
const stage = obj({
  name, steps: count, cachedSteps: count, seconds, cacheRef: opt(ref), pushed: bool,
  cacheFrom: list(ref, L.cacheFromPerStage), stepDetails: list(step, L.stepsPerStage), cacheWrite: opt(oneOf('pushed', 'unchanged', 'failed')),
});
const build = obj({
  stages: list(stage, L.stages),
  cacheSources: list(obj({ ref, status: oneOf('imported', 'missing', 'error'), detail: opt(text) }), L.cacheSources),
  totalSteps: count, cachedSteps: count, cacheHitRatio: num(0, 1), seconds, mode: oneOf('inline', 'registry', 'gha'),
  imageId: opt(id), digest: opt(id), warnings: texts(L.warnings),
  cacheRepo: opt(ref),
  cachePolicy: opt(obj({ readScopes: list(name, L.cacheScopes), writeScope: opt(name), reason: text })),
  actionsCache: opt(obj({ stageBytes: bytes, stageEntries: count, totalBytes: bytes, quotaBytes: bytes, quotaKnown: bool })),
  invocations: opt(list(obj({
    kind: oneOf('stage', 'image'), stage: name, target: opt(name), seconds, cacheFrom: count, writes: opt(text),
  }), L.invocations)),
  context: opt(obj({ bytes, files: count, largest: list(obj({ path, bytes }), L.contextLargest), warning: opt(text) })),
  upToDate: opt(obj({ key: ref, ref, secondsSaved: opt(num(0, 1e9)), stored: opt(bool) })),
  checks: opt(list(obj({
    rule: matches(RULE_NAME, 'a BuildKit rule name'), message: text, line: opt(line),
    url: opt(matches(RULE_URL, 'a rule page on docs.docker.com')),
  }), L.checks)),
});

// Typed as Shape<Report>: the compiler checks this shape against the report contract.
const report: Shape<Report> = obj({
  schemaVersion: oneOf(1),
  imageKey: str(S.imageKey),
  generatedAt: str(S.timestamp),
  context: obj({ repository: opt(name), sha: opt(str(S.sha)), branch: opt(name), pr: opt(int(1, N.pr)) }),
  image,
  baseline: nullable(
    obj({
      source: oneOf('actions-cache', 'registry', 'file', 'image'), branch: opt(name), commit: opt(str(S.sha)), ref: opt(ref),
      compressedBytes: bytes, sizeBytes: bytes, layerCount: int(0, N.layerIndex), compressedSource: opt(oneOf('manifest', 'gzip', 'tar', 'mixed')),
    }),
  ),
  baselineMissing: opt(text),
  baselineTried: texts(L.baselineTried),
  diff: nullable(diff),
  verdict,
  build: nullable(build),
  warnings: texts(L.warnings),
});

/** Parses and checks a report file's text; throws an InputError, one line naming the file, the JSON path and what was expected. */
export function parseUntrustedReport(textIn: string, file: string): Report {
  // UTF-16 length ≤ UTF-8 bytes: the cheap check first, so a huge text is refused without a pass over it.
  if (textIn.length > MAX_REPORT_BYTES || utf8Bytes(textIn) > MAX_REPORT_BYTES) {
    throw new InputError(`${file}: report is more than ${MAX_REPORT_BYTES} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(textIn);
  } catch (err) {
    // The parser's message quotes the text, which is the artifact's: kept to one short line that pings no one.
    throw new InputError(`${file}: not JSON (${neutralise(quoteUntrusted((err as Error).message, 160))})`);
  }
  return checkReport(json, file);
}

/** Checks parsed JSON against the report shape and rebuilds it from known fields; throws an InputError in one line. */
export function checkReport(json: unknown, file: string): Report {
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

/**
 * A report this action made, cut to the limits report mode accepts (lists shortened, numbers clamped, strings cut)
 * and rebuilt from known fields. `fit` hears of every cut. Throws ShapeError only when the report breaks the
 * schema's types — a bug in whatever assembled it.
 */
export function fitReport(value: Report, fit: Fit): Report {
  return report(value, '$', fit);
}

/** An image analysis cut to the limits a stored baseline is read back with (parseImageAnalysis). */
export function fitImageAnalysis(value: ImageAnalysis, fit: Fit): ImageAnalysis {
  return image(value, '$.analysis', fit);
}

/** Image keys become part of the comment marker: keep them to a plain, short set (the marker escapes them too). */
export function safeImageKey(key: string): string {
  return key.replace(/[^A-Za-z0-9._/-]/g, '_').slice(0, 100) || 'image';
}
