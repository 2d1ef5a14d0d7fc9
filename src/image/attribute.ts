// Layer → Dockerfile stage and line. The final image is the last stage in the graph's `needed`, on top of the
// stages it is built FROM; layers are matched to that chain's layer-making instructions from the top down,
// so base-image layers (below every Dockerfile step) stay unattributed.
import type { Instruction, StageGraph } from '../dockerfile/types.js';
import { heredocBody, shellCommandStart } from '../core/instruction-text.js';
import { UNKNOWN_INSTRUCTION } from './history.js';

export interface LayerSource {
  stage: string;
  line: number;
}

const LAYER_KEYWORDS = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR']);

interface Step {
  stage: string;
  line: number;
  keyword: string;
  key: string;
  last: string;
}

/** The final stage and every stage beneath it (via `FROM <stage>`), bottom first. */
export function finalStageChain(graph: StageGraph): StageGraph['stages'] {
  const byName = new Map(graph.stages.map((s) => [s.name, s]));
  const chain: StageGraph['stages'] = [];
  let stage = byName.get(graph.needed[graph.needed.length - 1] ?? graph.target);
  while (stage && !chain.includes(stage)) {
    chain.unshift(stage);
    stage = stage.base.kind === 'stage' ? byName.get(stage.base.name) : undefined;
  }
  return chain;
}

export function attributeLayers(instructions: string[], graph: StageGraph): (LayerSource | undefined)[] {
  const steps: Step[] = finalStageChain(graph).flatMap((stage) =>
    stage.instructions.filter((i) => LAYER_KEYWORDS.has(i.keyword.toUpperCase())).map((i) => toStep(stage.name, i)),
  );
  const out: (LayerSource | undefined)[] = instructions.map(() => undefined);
  let p = steps.length - 1;
  for (let i = instructions.length - 1; i >= 0 && p >= 0; i--) {
    if (instructions[i] === UNKNOWN_INSTRUCTION) continue;
    const { keyword, key, last } = normalise(instructions[i]);
    let k = p;
    while (k >= 0 && !(steps[k].keyword === keyword && steps[k].key === key)) k--;
    // Build args and variables are expanded in history but not in the Dockerfile: accept the next step when
    // the keyword agrees and, for copies, the destination does.
    if (k < 0 && steps[p].keyword === keyword && (keyword === 'RUN' || keyword === 'WORKDIR' || steps[p].last === last || /\$/.test(steps[p].last))) k = p;
    if (k < 0) continue;
    out[i] = { stage: steps[k].stage, line: steps[k].line };
    p = k - 1;
  }
  return out;
}

function toStep(stage: string, ins: Instruction): Step {
  return { stage, line: ins.line, ...normalise(ins.text, ins.keyword.toUpperCase()) };
}

/** Instruction text (Dockerfile or cleaned history) → comparable form. */
export function normalise(text: string, keywordHint?: string): { keyword: string; key: string; last: string } {
  let s = text.replace(/\\\r?\n/g, ' ').trim();
  const first = /^(\S+)\s*/.exec(s)?.[1] ?? '';
  let keyword = keywordHint ?? first.toUpperCase();
  if (first.toUpperCase() === keyword && (keywordHint || LAYER_KEYWORDS.has(keyword))) s = s.slice(first.length).trim();
  else if (!keywordHint) keyword = 'RUN';
  if (keyword === 'RUN') {
    s = s.replace(/^(--\S+\s+)+/, ''); // RUN --mount=… flags are not in history
    s = heredocBody(s) ?? s;
    const exec = parseExecForm(s);
    if (exec) s = exec.join(' ');
    const command = shellCommandStart(s);
    if (command >= 0) s = s.slice(command);
  } else if (keyword === 'COPY' || keyword === 'ADD') {
    const exec = parseExecForm(s.replace(/^(--\S+\s+)+/, ''));
    s = (exec ? exec.join(' ') : s).split(/\s+/).filter((t) => !t.startsWith('--')).join(' ');
  }
  const key = s.replace(/\s+/g, ' ').trim();
  return { keyword, key, last: key.split(' ').pop() ?? '' };
}

function parseExecForm(s: string): string[] | undefined {
  if (!s.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(s);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}
