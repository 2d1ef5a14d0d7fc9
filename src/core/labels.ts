/** Labels layerwise puts on images it builds, and reads back. */

/** Stage cache images (inline mode): what `cleanup-intermediate-images` may remove, and nothing else. */
export const INTERMEDIATE_LABEL = 'dev.layerwise.intermediate';
/** The content key of the inputs an image was built from: a later run with the same key skips its build. */
export const CONTENT_KEY_LABEL = 'dev.layerwise.content-key';
