// The shape of the house, checked rather than hoped for: no import loop between src/ folders, the bottom layer
// imports nothing above it, and the pipeline the CLI runs reaches none of the runner-only @actions packages
// (they print workflow commands and need the runner's services). @actions/exec is the exception the design
// names: builds go through `docker buildx` via @actions/exec on both surfaces.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const SRC = resolve('src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports (static, dynamic, `import type`, re-exports), as TypeScript reads them. */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

const files = sourceFiles(SRC);
const resolveLocal = (from: string, spec: string) => resolve(dirname(from), spec.replace(/\.js$/, '.ts'));
const folderOf = (file: string) => {
  const parts = relative(SRC, file).split('/');
  return parts.length > 1 ? parts[0] : '(top)';
};

function folderEdges(): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const file of files) {
    for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
      const [from, to] = [folderOf(file), folderOf(resolveLocal(file, spec))];
      if (from === to) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      edges.get(from)!.set(to, `${relative(SRC, file)} → ${spec}`);
    }
  }
  return edges;
}

/** A path from `start` back to itself through the folder graph, or undefined. */
function loopThrough(start: string, edges: Map<string, Map<string, string>>): string[] | undefined {
  const stack: { node: string; path: string[] }[] = [{ node: start, path: [] }];
  const seen = new Set<string>();
  while (stack.length) {
    const { node, path } = stack.pop()!;
    for (const [next, why] of edges.get(node) ?? []) {
      if (next === start) return [...path, why];
      if (!seen.has(next)) {
        seen.add(next);
        stack.push({ node: next, path: [...path, why] });
      }
    }
  }
  return undefined;
}

/** Packages reachable from an entry file through local imports. */
function reachablePackages(entry: string): Map<string, string> {
  const packages = new Map<string, string>();
  const queue = [resolve(entry)];
  const seen = new Set(queue);
  while (queue.length) {
    const file = queue.shift()!;
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) {
        if (!packages.has(spec)) packages.set(spec, relative(SRC, file));
        continue;
      }
      const next = resolveLocal(file, spec);
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return packages;
}

test('no import loop between folders of src/', () => {
  const edges = folderEdges();
  const loops = [...edges.keys()].flatMap((folder) => {
    const loop = loopThrough(folder, edges);
    return loop ? [`${folder}: ${loop.join(' ⇒ ')}`] : [];
  });
  expect(loops).toEqual([]);
});

test('src/core, the bottom layer, imports nothing from another folder', () => {
  expect([...(folderEdges().get('core') ?? new Map()).values()]).toEqual([]);
});

test("the pipeline the CLI runs reaches no runner-only @actions package; the pipeline's sequencing reaches none at all", () => {
  const runnerOnly = (spec: string) => spec.startsWith('@actions/') && spec !== '@actions/exec';
  const fromCli = [...reachablePackages('src/cli/run.ts')].filter(([spec]) => runnerOnly(spec));
  expect(fromCli.map(([spec, by]) => `${spec} (imported by ${by})`)).toEqual([]);
  const fromPipeline = [...reachablePackages('src/pipeline/run-pipeline.ts')].filter(([spec]) => spec.startsWith('@actions/'));
  expect(fromPipeline.map(([spec, by]) => `${spec} (imported by ${by})`)).toEqual([]);
});

test('the check sees what it must: the action entry does reach @actions/core', () => {
  expect(reachablePackages('src/index.ts').has('@actions/core')).toBe(true);
  expect(folderEdges().get('pipeline')?.has('buildx')).toBe(true);
});
