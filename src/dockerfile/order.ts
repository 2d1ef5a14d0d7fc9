// Walks over the stage graph, iterative so that a file with thousands of stages cannot exhaust the stack:
// the first dependency cycle, the stages a target needs, and a build order.

export interface GraphNode {
  index: number;
  /** Stages this one needs (their results are read). */
  deps: GraphNode[];
  /** Stages BuildKit also links for its cycle check only (mounts without from= and a stage named scratch). */
  links: GraphNode[];
}

/** The first cycle found, as the path that closes it (a → b → a), or undefined. */
export function findCycle<N extends GraphNode>(nodes: N[]): N[] | undefined {
  const state = new Map<N, 'open' | 'done'>();
  const edges = (n: N): N[] => [...n.deps, ...n.links] as N[];
  for (const root of nodes) {
    if (state.has(root)) continue;
    const path: N[] = [root];
    const next: number[] = [0];
    state.set(root, 'open');
    while (path.length) {
      const node = path[path.length - 1];
      const out = edges(node);
      const i = next[next.length - 1]++;
      if (i >= out.length) {
        state.set(node, 'done');
        path.pop();
        next.pop();
        continue;
      }
      const dep = out[i];
      const seen = state.get(dep);
      if (seen === 'open') return [...path.slice(path.indexOf(dep)), dep];
      if (seen === undefined) {
        state.set(dep, 'open');
        path.push(dep);
        next.push(0);
      }
    }
  }
  return undefined;
}

/** The target and every stage it needs, transitively. */
export function reachable<N extends GraphNode>(target: N, follow: (n: N) => N[] = (n) => n.deps as N[]): Set<N> {
  const seen = new Set<N>([target]);
  const stack = [target];
  while (stack.length) {
    for (const dep of follow(stack.pop() as N)) {
      if (!seen.has(dep)) {
        seen.add(dep);
        stack.push(dep);
      }
    }
  }
  return seen;
}

/** Stages the target needs, itself last; among stages ready at the same time, file order. Acyclic input. */
export function buildOrder<N extends GraphNode>(target: N): N[] {
  const needed = reachable(target);
  const waiting = new Map<N, number>();
  const users = new Map<N, N[]>();
  for (const n of needed) {
    const deps = new Set(n.deps as N[]);
    waiting.set(n, deps.size);
    for (const d of deps) {
      const list = users.get(d);
      if (list) list.push(n);
      else users.set(d, [n]);
    }
  }
  // Ready stages, kept sorted by file position (a binary insert: n log n for chains of thousands).
  const ready = [...needed].filter((n) => waiting.get(n) === 0).sort((a, b) => a.index - b.index);
  const order: N[] = [];
  while (ready.length) {
    const next = ready.shift() as N;
    order.push(next);
    for (const user of users.get(next) ?? []) {
      const left = (waiting.get(user) as number) - 1;
      waiting.set(user, left);
      if (left === 0) ready.splice(insertAt(ready, user.index), 0, user);
    }
  }
  return order;
}

function insertAt(sorted: GraphNode[], index: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].index < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
