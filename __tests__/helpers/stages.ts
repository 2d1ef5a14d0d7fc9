// A stage as the graph reader makes it, with only what planning and scheduling look at: name, index, line and
// the stages it needs (FROM scratch, no instructions).
import type { Stage } from '../../src/dockerfile/types.js';

export function stage(name: string, index: number, dependsOn: string[], named = true): Stage {
  return { name, named, index, line: index * 4 + 1, base: { kind: 'scratch' }, dependsOn, uses: [], instructions: [] };
}
