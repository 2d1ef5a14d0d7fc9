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
        title: 'layerwise: max growth 10 % (fail)',
        message: report.verdict.results.find((r) => r.metric === 'growth-percent')!.message,
        file: 'docker/Dockerfile',
        startLine: 7,
      },
      {
        level: 'warning',
        title: 'layerwise: apt package cache left in the image',
        message: '24.0 MB (uncompressed) in layer 2: var/cache/apt/archives/curl.deb. Fix: add `rm -rf /var/lib/apt/lists/*` in the same RUN',
        file: 'docker/Dockerfile',
        startLine: 7,
      },
    ]);
  });

  test('a joint growth rule (max-growth: 5MB,10%) is one annotation', () => {
    const report = fixtureReport();
    const pct = report.verdict.results.find((r) => r.metric === 'growth-percent')!;
    const bytes = { ...pct, metric: 'growth-bytes' as const, limit: 5_000_000, jointWith: 'growth-percent' as const, rule: { ...pct.rule, metric: 'growth-bytes' as const, limit: 5_000_000 } };
    pct.jointWith = 'growth-bytes';
    report.verdict.results.push(bytes);
    const errors = buildAnnotations(report, 'Dockerfile').filter((a) => a.level === 'error');
    expect(errors.map((a) => a.title)).toEqual(['layerwise: max growth 5.00 MB and 10 % (fail)']);
  });

  test('text from the image or a report cannot ping or cross-link', () => {
    const report = fixtureReport({ strings: (x) => `${x} @acme/security-team #12 GH-3 o/r#4` });
    const hint = buildAnnotations(report, 'Dockerfile').find((a) => a.level === 'warning')!;
    for (const text of [hint.title, hint.message]) {
      expect(text).toContain('@\u200Bacme/security-team #\u200B12 GH\u200B-3 o/r#\u200B4');
      expect(text).not.toMatch(/@[a-z]|#\d|GH-\d/i);
    }
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

  test("a BuildKit check → one warning on its line, after the rules and before the junk hints; hostile text inert", () => {
    const report = fixtureReport();
    report.build = {
      stages: [], cacheSources: [], totalSteps: 0, cachedSteps: 0, cacheHitRatio: 1, seconds: 0, mode: 'inline', warnings: [],
      checks: [{ rule: 'FromAsCasing', message: "'as' and 'FROM' keywords' casing do not match @acme/team #3", line: 1, url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/' }],
    };
    const a = buildAnnotations(report, 'Dockerfile');
    expect(a.map((x) => `${x.level} ${x.title} @${x.startLine}`)).toEqual([
      'error layerwise: max growth 10 % (fail) @7',
      'warning layerwise: Dockerfile check FromAsCasing @1',
      'warning layerwise: apt package cache left in the image @7',
    ]);
    expect(a[1].message).toMatch(/^'as' and 'FROM' keywords' casing do not match @\u200b?.*\(https:\/\/docs\.docker\.com\/go\/dockerfile\/rule\/from-as-casing\/\)$/);
    expect(a[1].message).not.toMatch(/@acme|#3\b/);
  });
});
