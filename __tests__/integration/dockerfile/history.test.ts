// The graph's instructions against what the engine records: build an image on the bed and check that the
// layer-making instructions of the final stage's FROM chain (ONBUILD triggers in the stage they run in)
// are, in order and text, the image's own history entries.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStageGraph } from '../../../src/dockerfile/graph.js';
import type { Instruction, Stage, StageGraph } from '../../../src/dockerfile/types.js';
import { describeWithTestbed, docker, uniqueName } from '../../helpers/testbed.js';

const LAYER_KEYWORDS = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR']);

/** Layer-making steps of the target and the stages below it (FROM <stage>), bottom first. */
function chainSteps(graph: StageGraph): Instruction[] {
  const byName = new Map(graph.stages.map((s) => [s.name, s]));
  const chain: Stage[] = [];
  for (let s = byName.get(graph.target); s; s = s.base.kind === 'stage' ? byName.get(s.base.name) : undefined) chain.unshift(s);
  return chain.flatMap((s) => [...(s.triggers ?? []), ...s.instructions].filter((i) => LAYER_KEYWORDS.has(i.keyword)));
}

/** History `created_by` → comparable text: drop BuildKit's shell prefix and marker, squash whitespace. */
function normaliseHistory(createdBy: string): string {
  return createdBy
    .replace(/ # buildkit$/, '')
    .replace(/^RUN (\|\d+ (\S+=\S* )*)?\/bin\/sh -c /, 'RUN ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Dockerfile step → the same form: BuildKit's history leaves out COPY/ADD/RUN flags (`--from=`, `--mount=`). */
const normaliseStep = (i: Instruction): string =>
  i.text
    .replace(/^(COPY|ADD|RUN)((?:\s+--[a-z-]+(?:=\S*)?)+)/, '$1')
    .replace(/\s+/g, ' ')
    .trim();

describeWithTestbed('stage instructions match the image history', (bed) => {
  test('continuations, lower-case keywords, ONBUILD triggers and a multi-stage chain', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerwise-history-'));
    const image = `${uniqueName('layerwise-test/stages-history')}:1`;
    try {
      const dockerfile = [
        `FROM ${bed().baseImage} AS parent`,
        'RUN echo parent > /p && \\',
        '    echo more >> /p',
        'ONBUILD COPY hello.txt /hello',
        'ONBUILD RUN echo trig > /t',
        `FROM ${bed().baseImage} AS unrelated`,
        'RUN echo unrelated > /u',
        'FROM parent AS child',
        'workdir /app',
        'COPY --from=unrelated /u /app/u',
        'run echo child > /c',
        'RUN --mount=type=cache,target=/cache echo mounted > /m',
      ].join('\n');
      writeFileSync(join(dir, 'Dockerfile'), dockerfile);
      writeFileSync(join(dir, 'hello.txt'), 'hello\n');
      const graph = buildStageGraph(dockerfile, { file: 'Dockerfile' });
      docker(['buildx', 'build', '--no-cache', '-q', '-t', image, dir]);
      // The base image's own entries come first; other tests may remove the base from the daemon, so take
      // the last entries and check the one before them is the base's last (its CMD).
      const history = docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', image]).trim().split('\n').reverse();
      const steps = chainSteps(graph);
      const own = history.slice(history.length - steps.length).map(normaliseHistory);
      expect(history[history.length - steps.length - 1]).toBe('CMD ["/bin/sh"]');
      expect(own).toEqual(steps.map(normaliseStep));
      expect(own).toEqual([
        'RUN echo parent > /p && echo more >> /p',
        'COPY hello.txt /hello',
        'RUN echo trig > /t',
        'WORKDIR /app',
        'COPY /u /app/u',
        'RUN echo child > /c',
        'RUN echo mounted > /m',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      try {
        docker(['rmi', '-f', image]);
      } catch {
        // the build failed before tagging
      }
    }
  });
});
