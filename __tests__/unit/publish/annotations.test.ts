import { annotationPath, buildAnnotations, MAX_ANNOTATIONS_PER_LEVEL } from '../../../src/publish/annotations.js';
import { fixtureReport, FIXTURE_DOCKERFILE } from '../../helpers/report-fixture.js';

describe('buildAnnotations', () => {
  test('failed growth rule → error at the layer that grew most; junk hint → warning at its line', () => {
    const report = fixtureReport();
    expect(report.verdict.status).toBe('fail');
    const a = buildAnnotations(report, `./${FIXTURE_DOCKERFILE}`);
    expect(a).toEqual([
      {
        level: 'error',
        title: 'layerwise: growth-percent budget (fail)',
        message: report.verdict.results.find((r) => r.metric === 'growth-percent')!.message,
        file: 'docker/Dockerfile',
        startLine: 7,
      },
      {
        level: 'warning',
        title: 'layerwise: apt package cache left in the image',
        message: '24.0 MB in var/cache/apt/archives/curl.deb. add `rm -rf /var/lib/apt/lists/*` in the same RUN',
        file: 'docker/Dockerfile',
        startLine: 7,
      },
    ]);
  });

  test('passing rules make no annotation; at most 10 per level, biggest hints first', () => {
    const report = fixtureReport();
    report.verdict.results = report.verdict.results.map((r) => ({ ...r, status: 'pass' }));
    const hint = report.image.hints[0];
    report.image.hints = Array.from({ length: 15 }, (_, i) => ({ ...hint, bytes: i * 1_000_000, line: i + 1 }));
    const a = buildAnnotations(report, 'Dockerfile');
    expect(a).toHaveLength(MAX_ANNOTATIONS_PER_LEVEL);
    expect(a.every((x) => x.level === 'warning')).toBe(true);
    expect(a.map((x) => x.startLine)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
  });

  test('a hint without a line annotates the file', () => {
    const report = fixtureReport();
    delete report.image.hints[0].line;
    expect(buildAnnotations(report, 'Dockerfile').find((x) => x.level === 'warning')?.startLine).toBeUndefined();
  });

  test('annotation paths are repository-relative', () => {
    expect(annotationPath('./Dockerfile')).toBe('Dockerfile');
    expect(annotationPath('/home/runner/work/app/app/docker/Dockerfile', '/home/runner/work/app/app/')).toBe('docker/Dockerfile');
    expect(annotationPath('/elsewhere/Dockerfile', '/home/runner/work/app/app')).toBe('/elsewhere/Dockerfile');
    expect(buildAnnotations(fixtureReport(), '/ws/docker/Dockerfile', '/ws')[0].file).toBe('docker/Dockerfile');
  });
});
