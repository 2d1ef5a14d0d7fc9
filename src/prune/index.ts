// Issue 9, hygiene half: prune the cache repository (plan, inventory, execute) and clean local intermediates.
export { planPrune, parseRetention, parseCacheTag, type CacheManifestInfo, type LiveRefs, type PruneItem, type PrunePlan } from './plan.js';
export { inventoryCacheRepo } from './inventory.js';
export { executePrune, type PruneOutcome } from './execute.js';
export { liveRefsFromGitHub } from './github.js';
export { removeIntermediateImages, type LocalCleanupOptions, type LocalCleanupResult } from './local.js';
export { runPrune, formatPruneReport, type PruneRunOptions, type PruneRunResult } from './run.js';
export { ghcrDeleter, type ManifestDeleter } from './ghcr.js';
