// Issue 9, up-to-date half: content key, lookup of a previous result, re-tag by digest.
export { contentKey, externalImages, CONTENT_KEY_VERSION, type ContentKeyInput } from './key.js';
export { resolveBaseDigests, type BaseResolution } from './bases.js';
export { findUpToDate, CONTENT_KEY_LABEL, type UpToDateHit } from './lookup.js';
export { computeContentKey, decideUpToDate, type UpToDateOptions, type UpToDateDecision } from './decide.js';
export { retagByDigest, type CopyResult } from './retag.js';
