// The build context as docker sends it: .dockerignore applied, size measured, contents hashed.
export { measureContext, type ContextMeasure, type ContextOptions } from './measure.js';
export { hashContext } from './hash.js';
export { loadContextFilter, makeFilter, parseIgnoreFile, type ContextFilter } from './ignore.js';
export { walkContext, type ContextEntry } from './walk.js';
