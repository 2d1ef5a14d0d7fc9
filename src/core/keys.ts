/**
 * A user-chosen name (image key, branch) made safe inside a marker, a cache key or a tag part: percent-encoded,
 * with `-` and the other characters encodeURIComponent leaves alone encoded too, so `-` can separate parts
 * (`main` never prefix-matches `main-old`).
 */
export function escapeKeyPart(key: string): string {
  return encodeURIComponent(key).replace(/[-!'()*~.]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
