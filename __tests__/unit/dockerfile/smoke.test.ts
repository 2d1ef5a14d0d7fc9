import { buildStageGraph, buildableStages } from '../../../src/dockerfile/graph.js';

test('go multi-stage', () => {
  const g = buildStageGraph(
    ['ARG GO=1.22', 'FROM golang:${GO} AS build', 'RUN go build', 'FROM build AS test', 'RUN go test', 'FROM scratch', 'COPY --from=build /app /app'].join('\n'),
    { file: 'Dockerfile', platform: 'linux/amd64' },
  );
  expect(g.needed).toEqual(['build', '2']);
  expect(g.skipped).toEqual(['test']);
  expect(g.stages[0].base).toEqual({ kind: 'image', ref: 'golang:1.22' });
  expect(buildableStages(g).map((s) => s.name)).toEqual(['build', '2']);
});
