// Image-first plans: which stages' caches the image build changed, read from its steps. Pure.
import type { StageGraph } from '../dockerfile/types.js';
import { graphStageName } from './record.js';
import type { StepOutcome } from './steps.js';

/**
 * The stages among `stages` whose cache must be exported again after the image build: a step of theirs ran.
 * BuildKit names a step that two stages share (same parent, same instruction) after one of them only, so a
 * stage whose steps are not all in sight counts as changed whenever any step of the build ran.
 */
export function stagesChangedBy(imageSteps: StepOutcome[], stages: string[], graph: StageGraph): Set<string> {
  const anyRan = imageSteps.some((s) => s.executed);
  const changed = new Set<string>();
  for (const name of stages) {
    const own = imageSteps.filter((s) => graphStageName(graph, s.stage) === name);
    const total = Math.max(1, ...own.map((s) => s.total));
    const seen = new Set(own.map((s) => s.index));
    // BuildKit counts FROM as step 1; Dockerfile steps are 2..total.
    const allInSight = own.length > 0 && Array.from({ length: total - 1 }, (_, i) => i + 2).every((i) => seen.has(i));
    if (own.some((s) => s.executed) || (anyRan && !allInSight)) changed.add(name);
  }
  return changed;
}
