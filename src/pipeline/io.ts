// What the pipeline needs from the world outside the process, one method per kind of work. The real
// implementation is adapters.ts; tests hand in plain objects. No method keeps state for another: what a step
// needs from an earlier one, the pipeline passes in.
import type { FoundBaseline } from '../baseline/find.js';
import type { BaselineKey } from '../baseline/types.js';
import type { BuildInputs, BuildRecord } from '../buildx/types.js';
import type { Baseline } from '../compare/types.js';
import type { Config } from '../config/types.js';
import type { StageGraph } from '../dockerfile/types.js';
import type { ImageAnalysis } from '../image/types.js';
import type { Report } from '../report/types.js';
import type { StoredResult } from '../uptodate/stored-result.js';

export interface BuildRequest extends BuildInputs {
  log: (line: string) => void;
  warn: (message: string) => void;
}

/** An image built earlier from the same inputs (same content key). */
export interface UpToDateHit {
  key: string;
  /** Where it is, pinned by digest; for a stored result, the entry or artifact that holds it. */
  ref: string;
  seconds: number;
  /** Found as a stored result (gha and registry-mode caches carry no image): the measured image, no image to tag. */
  stored?: StoredResult;
}

export interface UpToDateRequest {
  config: Config;
  /** The Dockerfile's text and the external images its needed stages read, on every target platform. */
  dockerfile: { text: string; externalImages: string[] };
  /** Where an image with the key may be, most specific first (cache/targets.ts upToDateRefs). */
  lookupRefs: string[];
}

export interface UpToDateCheck {
  key?: string;
  hit?: UpToDateHit;
  warnings: string[];
}

export interface AnalyzeRequest {
  source: 'daemon' | 'registry';
  ref: string;
  graph: StageGraph;
  topFiles: number;
  /** A pushed copy of a daemon image whose manifest has the exact compressed layer sizes (cache/targets.ts pushedTwin). */
  compressedFrom?: string;
}

export interface PipelineIO {
  readDockerfile(path: string): Promise<string>;
  /** The Docker engine's version: which Dockerfile frontend rules the graph must follow (see dockerfile/rules). */
  engineVersion?(): Promise<string | undefined>;
  /** Content key of this run's inputs and an image already built from them, if any. */
  checkUpToDate?(request: UpToDateRequest): Promise<UpToDateCheck>;
  /** A run that built without pushing stores its result by content key where its cache mode keeps caches. */
  saveResult?(result: StoredResult, mode: BuildRecord['mode']): Promise<void>;
  /** Gha mode: the stage caches' share of the repository's Actions-cache quota; undefined when it cannot be read. */
  actionsCacheUsage?(): Promise<BuildRecord['actionsCache']>;
  /** A skipped build: give the existing image the tags asked for. */
  retag?(hit: UpToDateHit): Promise<void>;
  build(request: BuildRequest): Promise<BuildRecord>;
  analyze(request: AnalyzeRequest): Promise<ImageAnalysis>;
  /** The stores in order; `registryRef` is the base branch's image in the cache registry, when there is one to read. */
  findBaseline(key: BaselineKey, opts: { current: ImageAnalysis; registryRef?: string }): Promise<FoundBaseline>;
  /** Branch runs store their image as the next baseline; absent where nothing may be written. */
  saveBaseline?(key: BaselineKey, baseline: Baseline): Promise<void>;
  writeReport(path: string, json: string): Promise<void>;
  /** The last step: the action posts the comment, summary and annotations; the CLI prints and writes files. */
  publish?(result: { report: Report; markdown: string }): Promise<void>;
  log(line: string): void;
  warn(message: string): void;
}
