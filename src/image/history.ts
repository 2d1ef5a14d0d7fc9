// Image config history → one instruction per layer. History entries with `empty_layer: true` (ENV, CMD, …)
// have no layer; the rest pair with rootfs.diff_ids in order. When the counts disagree the pairing cannot be
// trusted (jib#991, buildah#684), so every layer says "unknown instruction" rather than a wrong one.

import { shellCommandStart, stripBuildkitSuffix } from '../core/instruction-text.js';

export interface HistoryEntry {
  created_by?: string;
  empty_layer?: boolean;
  comment?: string;
}

export const UNKNOWN_INSTRUCTION = 'unknown instruction';

const KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD',
  'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

/**
 * Cleans a `created_by` into the instruction a person wrote:
 * `/bin/sh -c #(nop)  ENV A=1` → `ENV A=1`; `/bin/sh -c apt-get update` → `RUN apt-get update`;
 * `RUN |2 A=1 B=2 /bin/sh -c make # buildkit` → `RUN make`; `COPY . /app # buildkit` → `COPY . /app`.
 * Whitespace runs (continuation lines) collapse to one space.
 */
export function cleanCreatedBy(createdBy: string): string {
  let s = stripBuildkitSuffix(createdBy.trim());
  let keyword = '';
  const first = /^(\S+)\s*/.exec(s);
  if (first && KEYWORDS.has(first[1].toUpperCase()) && first[1] === first[1].toUpperCase()) {
    keyword = first[1];
    s = s.slice(first[0].length);
  }
  s = stripArgPrefix(s);
  const nop = /^(?:\/\S*\/)?(?:ba|da|a)?sh\s+-c\s+#\(nop\)\s*/.exec(s);
  if (nop) {
    s = s.slice(nop[0].length); // legacy builder metadata step: the rest starts with its keyword
    return collapse(s);
  }
  const command = shellCommandStart(s);
  if (command >= 0) {
    s = s.slice(command);
    keyword ||= 'RUN';
  }
  if (!keyword) {
    const k = /^(\S+)/.exec(s)?.[1];
    if (!k || !KEYWORDS.has(k)) keyword = 'RUN'; // legacy exec-form RUN: the bare command
  }
  return collapse(keyword ? `${keyword} ${s}` : s);
}

/** BuildKit writes build args used by a RUN as `|N K=V …` before the command. */
function stripArgPrefix(s: string): string {
  const m = /^\|(\d+)\s+/.exec(s);
  if (!m) return s;
  let rest = s.slice(m[0].length);
  for (let i = 0; i < Number(m[1]); i++) {
    const pair = /^\S+=(?:"(?:[^"\\]|\\.)*"|'[^']*'|\S*)\s*/.exec(rest);
    if (!pair) break;
    rest = rest.slice(pair[0].length);
  }
  return rest;
}

function collapse(s: string): string {
  return s.replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();
}

export interface AlignedHistory {
  /** Raw created_by per layer ('' when unknown). */
  createdBy: string[];
  /** Cleaned instruction per layer, or UNKNOWN_INSTRUCTION. */
  instructions: string[];
  warning?: string;
}

export function alignHistory(history: HistoryEntry[] | undefined, layerCount: number): AlignedHistory {
  const unknown = (warning: string): AlignedHistory => ({
    createdBy: Array(layerCount).fill(''),
    instructions: Array(layerCount).fill(UNKNOWN_INSTRUCTION),
    warning,
  });
  if (!Array.isArray(history) || history.length === 0) {
    return layerCount ? unknown('the image config has no history: layer instructions are unknown') : { createdBy: [], instructions: [] };
  }
  const withLayer = history.filter((h) => h && typeof h === 'object' && h.empty_layer !== true);
  if (withLayer.length !== layerCount) {
    return unknown(
      `history lists ${withLayer.length} layer-creating step(s) but the image has ${layerCount} layer(s): instructions are unknown`,
    );
  }
  const createdBy = withLayer.map((h) => (typeof h.created_by === 'string' ? h.created_by : ''));
  return { createdBy, instructions: createdBy.map((c) => (c.trim() ? cleanCreatedBy(c) : UNKNOWN_INSTRUCTION)) };
}
