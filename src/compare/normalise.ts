// Layer instructions as BuildKit and the classic builder write them into image history, reduced to what stays
// the same between two builds of the same Dockerfile: no `# buildkit` suffix, no `|N ARG=…` prefix, no content
// hashes. Like compressed-size-action's strip-hash, so a rebuilt layer still lines up with its old self.

import { stripBuildkitSuffix } from '../core/instruction-text.js';

const UNKNOWN = /^unknown instruction$/i;

export function normaliseInstruction(raw: string): string {
  let t = raw.replace(/\s+/g, ' ').trim();
  t = stripBuildkitSuffix(t, true);
  t = t.replace(/^\/bin\/sh -c #\(nop\)\s*/, '');
  t = stripArgPrefix(t);
  t = t.replace(/^(?:\/bin\/(?:ba)?sh|sh) -c\s+/, 'RUN ');
  t = t.replace(/^RUN (?:\/bin\/(?:ba)?sh|sh) -c\s+/, 'RUN ');
  t = t.replace(/\b(file|dir|multi):[0-9a-f]{16,}/g, '$1:');
  t = t.replace(/\bsha256:[0-9a-f]{64}\b/g, 'sha256:');
  return t.trim();
}

/** `RUN |2 A=1 B=x y /bin/sh -c cmd` → `RUN /bin/sh -c cmd`: build-arg values differ between builds. */
function stripArgPrefix(t: string): string {
  const m = /^(RUN )?\|(\d+) /.exec(t);
  if (!m) return t;
  const rest = t.slice(m[0].length);
  const shell = rest.search(/(?:^| )\/bin\/(?:ba)?sh -c /);
  if (shell >= 0) return (m[1] ?? '') + rest.slice(shell).trimStart();
  // No shell form (exec form RUN): drop N KEY=VALUE tokens.
  const tokens = rest.split(' ');
  return (m[1] ?? '') + tokens.slice(Number(m[2])).join(' ');
}

/** Key used to align layers; empty when the instruction is unknown (never matched by instruction). */
export function alignmentKey(layer: { instruction: string; createdBy: string }): string {
  const source = layer.createdBy?.trim() ? layer.createdBy : layer.instruction;
  if (!source || UNKNOWN.test(source.trim()) || UNKNOWN.test(layer.instruction ?? '')) return '';
  return normaliseInstruction(source);
}

/** First word of the normalised instruction (RUN, COPY, ADD, …), upper-cased. */
export function keyword(key: string): string {
  return (key.split(' ')[0] ?? '').toUpperCase();
}
