import { attributeLayers, normalise } from '../../../src/image/attribute.js';
import type { Stage, StageGraph } from '../../../src/dockerfile/types.js';
import { UNKNOWN_INSTRUCTION } from '../../../src/image/history.js';

function stage(name: string, index: number, base: Stage['base'], lines: [number, string][]): Stage {
  return {
    name, named: true, index, line: lines[0]?.[0] ?? 1, base, dependsOn: base.kind === 'stage' ? [base.name] : [], uses: [],
    instructions: lines.map(([line, text]) => ({ keyword: text.split(' ')[0].toUpperCase(), line, text })),
  };
}

// The Dockerfile behind the history recorded on the test bed (see history.test.ts).
const graph: StageGraph = {
  file: 'Dockerfile',
  target: 'mid',
  needed: ['builder', 'mid'],
  skipped: [],
  warnings: [],
  platform: 'linux/amd64',
  stages: [
    stage('builder', 0, { kind: 'image', ref: 'busybox:1' }, [[2, 'ARG V=1'], [3, 'RUN echo built-$V > /out.txt && \\\n    echo more >> /out.txt']]),
    stage('unused', 1, { kind: 'scratch' }, [[6, 'COPY x /x']]),
    stage('mid', 2, { kind: 'stage', name: 'builder' }, [
      [6, 'WORKDIR /app'], [7, 'ENV X=y'], [8, 'COPY a.txt /app/'], [9, 'COPY --from=builder --chown=1:1 /out.txt /app/out.txt'],
      [10, 'ADD a.txt /b.txt'], [11, 'RUN ["/bin/sh", "-c", "echo exec > /exec.txt"]'], [12, 'RUN <<EOT\necho heredoc > /h.txt\nEOT'],
      [15, 'RUN rm /app/a.txt'],
    ]),
  ],
};

describe('attributeLayers', () => {
  test('matches every Dockerfile layer, leaves base-image layers unattributed', () => {
    const layers = [
      'COPY busybox /bin/busybox', 'RUN /bin/busybox --install -s /bin', // base image
      'RUN echo built-$V > /out.txt && echo more >> /out.txt', 'WORKDIR /app', 'COPY a.txt /app/',
      'COPY --chown=1:1 /out.txt /app/out.txt', 'ADD a.txt /b.txt', 'RUN echo exec > /exec.txt', 'RUN echo heredoc > /h.txt',
      'RUN rm /app/a.txt',
    ];
    expect(attributeLayers(layers, graph)).toEqual([
      undefined, undefined,
      { stage: 'builder', line: 3 }, { stage: 'mid', line: 6 }, { stage: 'mid', line: 8 }, { stage: 'mid', line: 9 },
      { stage: 'mid', line: 10 }, { stage: 'mid', line: 11 }, { stage: 'mid', line: 12 }, { stage: 'mid', line: 15 },
    ]);
  });

  test('a WORKDIR that made no layer is skipped; unknown instructions stay unattributed', () => {
    const layers = ['RUN echo built-$V > /out.txt && echo more >> /out.txt', 'COPY a.txt /app/', UNKNOWN_INSTRUCTION];
    expect(attributeLayers(layers, graph)).toEqual([{ stage: 'builder', line: 3 }, { stage: 'mid', line: 8 }, undefined]);
  });

  test('expanded variables still match the next step by keyword and destination', () => {
    const g: StageGraph = { ...graph, needed: ['v'], target: 'v', stages: [stage('v', 0, { kind: 'scratch' }, [[2, 'COPY ${SRC} /dst'], [3, 'RUN make $TARGET']])] };
    expect(attributeLayers(['COPY src /dst', 'RUN make all'], g)).toEqual([{ stage: 'v', line: 2 }, { stage: 'v', line: 3 }]);
  });

  test('normalise', () => {
    expect(normalise('RUN --mount=type=cache,target=/root/.cache pip install x').key).toBe('pip install x');
    expect(normalise('COPY --link --chmod=644 ["a b", "/c"]').key).toBe('a b /c');
  });
});
