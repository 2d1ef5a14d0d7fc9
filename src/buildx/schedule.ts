// Which planned builds may run at the same time, and running them so. Pure (no I/O of its own).
// Stage builds that do not need each other (two dependency stages feeding one build stage) run side by side,
// as BuildKit itself runs them inside one plain `docker build`; one after the other, a per-stage cached build
// paid their sum where a plain build pays their maximum.
import type { StageGraph } from '../dockerfile/types.js';
import type { PlannedBuild } from './plan.js';

/**
 * At most this many `docker buildx build` clients at once: each is a session of its own with its own context
 * upload, and the builder already runs a build's independent steps in parallel.
 */
export const MAX_CONCURRENT_BUILDS = 4;

/**
 * For each planned build, the earlier builds it waits for: a stage build waits for the builds of every stage it
 * needs (through unnamed stages too) and for an earlier build of its own stage; the image build, and anything
 * after it, waits for everything before it (it reads the stages' exports). When the image build comes first
 * (registry and gha modes), every later build waits for it alone: they export what it solved.
 */
export function buildPrerequisites(builds: PlannedBuild[], graph: StageGraph): number[][] {
  if (builds[0]?.kind === 'image') return builds.map((_, i) => (i === 0 ? [] : [0]));
  const byName = new Map(graph.stages.map((s) => [s.name, s]));
  const needs = new Map<string, Set<string>>();
  const needsOf = (name: string): Set<string> => {
    const known = needs.get(name);
    if (known) return known;
    const all = new Set<string>();
    needs.set(name, all); // a cycle (the graph reader refuses them) ends here instead of recursing forever
    for (const dep of byName.get(name)?.dependsOn ?? []) {
      all.add(dep);
      for (const d of needsOf(dep)) all.add(d);
    }
    return all;
  };
  let imageSeen = false;
  return builds.map((b, i) => {
    const earlier = builds.slice(0, i).map((e, j) => ({ e, j }));
    if (b.kind === 'image' || imageSeen) {
      imageSeen = true;
      return earlier.map(({ j }) => j);
    }
    const wanted = needsOf(b.stage);
    return earlier.filter(({ e }) => e.stage === b.stage || wanted.has(e.stage)).map(({ j }) => j);
  });
}

/**
 * Runs every task once its prerequisites are ready, at most `limit` at a time. A task is ready when it calls
 * `ready` (a stage build whose steps are solved, while its cache export still runs) or when it ends. After a
 * result for which `stops` is true (a failed build) or a thrown error, nothing new starts; the running ones
 * finish. Results come back in task order; tasks never started are undefined. A thrown error is rethrown once
 * everything has settled.
 */
export function runScheduled<T>(
  prerequisites: number[][], limit: number, run: (index: number, ready: () => void) => Promise<T>, stops: (result: T) => boolean,
): Promise<(T | undefined)[]> {
  const results: (T | undefined)[] = prerequisites.map(() => undefined);
  const state = prerequisites.map((): 'waiting' | 'running' | 'ready' | 'done' => 'waiting');
  const usable = (j: number) => state[j] === 'ready' || state[j] === 'done';
  let running = 0;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  return new Promise((resolve, reject) => {
    const pump = () => {
      for (let i = 0; i < state.length && !stopped && running < Math.max(1, limit); i++) {
        if (state[i] !== 'waiting' || !prerequisites[i].every(usable)) continue;
        state[i] = 'running';
        running += 1;
        const ready = () => {
          if (state[i] !== 'running') return;
          state[i] = 'ready';
          queueMicrotask(pump);
        };
        run(i, ready)
          .then(
            (result) => {
              results[i] = result;
              if (stops(result)) stopped = true;
            },
            (error: unknown) => {
              stopped = true;
              failure ??= { error };
            },
          )
          .finally(() => {
            state[i] = 'done';
            running -= 1;
            pump();
          });
      }
      if (running > 0) return;
      if (failure) reject(failure.error);
      else if (!stopped && state.some((s) => s === 'waiting')) reject(new Error('build schedule: a build waits for one that never runs'));
      else resolve(results);
    };
    pump();
  });
}

/**
 * One readable log from builds that run at the same time: the first to start streams live; the others are held
 * and written as one block each when the live one ends (the next still running one then goes live), so no
 * build's lines are interleaved with another's.
 */
export class OrderedLog {
  private live: number | undefined;
  private readonly held: { id: number; lines: string[]; ended: boolean }[] = [];

  constructor(private readonly out: (line: string) => void) {}

  open(id: number): (line: string) => void {
    if (this.live === undefined) this.live = id;
    else this.held.push({ id, lines: [], ended: false });
    return (line) => {
      if (this.live === id) this.out(line);
      else this.held.find((h) => h.id === id)?.lines.push(line);
    };
  }

  close(id: number): void {
    const held = this.held.find((h) => h.id === id);
    if (held) {
      held.ended = true;
      return;
    }
    if (this.live !== id) return;
    this.live = undefined;
    while (this.held.length) {
      const next = this.held.shift()!;
      for (const line of next.lines) this.out(line);
      if (!next.ended) {
        this.live = next.id;
        return;
      }
    }
  }
}
