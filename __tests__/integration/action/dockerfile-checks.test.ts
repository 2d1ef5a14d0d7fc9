// BuildKit's Dockerfile checks, as a runner starts the action (`node dist/index.js`) on an engine whose frontend
// runs them (issue 13):
// - every stage build prints a FromAsCasing warning again; the run shows it once: one annotation on its line,
//   one entry in the report, one line in the summary;
// - `checks: true` fails before any build, naming the rule at file:line, with an error annotation there;
// - `# check=error=true` fails the build, and the failure says it was the checks, not a step.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { runActionLikeRunner, type ActionRun } from '../../helpers/action-runner.js';
import { startGitHubApi, type GitHubApi } from '../../helpers/github-api.js';
import { describeOnEngine, describeWithTestbed, type Testbed, uniqueName } from '../../helpers/testbed.js';
import { webhookExample } from '../../helpers/webhook-examples.js';
import { registryTags } from '../buildx/helpers.js';

jest.setTimeout(600_000);

describeWithTestbed('BuildKit Dockerfile checks, as a runner starts the action', (testbed) => {
  describeOnEngine('an engine whose frontend runs the checks', testbed, { rules: 'current' }, (engine) => {
    const bed: () => Testbed = testbed;
    let api: GitHubApi;
    const workspaces: string[] = [];
    const runs: ActionRun[] = [];

    beforeAll(async () => {
      api = await startGitHubApi();
    });
    afterAll(async () => {
      await api?.close();
      for (const d of [...workspaces, ...runs.map((r) => r.tempDir)]) rmSync(d, { recursive: true, force: true });
    });

    /** Three stages; line 1 has `as` in lower case (FromAsCasing). */
    const dockerfile = (prefix: string[] = []) =>
      [...prefix, `FROM ${bed().baseImage} as deps`, 'RUN echo deps > /deps', 'FROM deps AS build', 'RUN cp /deps /built', 'FROM build AS app', 'COPY app.txt /app.txt', ''].join('\n');

    const run = async (name: string, text: string, inputs: Record<string, string> = {}) => {
      const workspace = mkdtempSync(join(tmpdir(), 'lw-checks-ws-'));
      workspaces.push(workspace);
      writeFileSync(join(workspace, 'Dockerfile'), text);
      writeFileSync(join(workspace, 'app.txt'), 'v1\n');
      const r = await runActionLikeRunner({
        inputs: { 'cache-repo': `${bed().registry}/layerwise-e2e/${name}-buildcache`, ...inputs },
        eventName: 'push', payload: webhookExample('push', undefined, 4), apiUrl: api.url, workspace,
        env: { DOCKER_HOST: engine().address, GITHUB_REF: 'refs/heads/master', GITHUB_SHA: '6113728f27ae82c7b1a177c8d03f9e96e0adf246' },
      });
      runs.push(r);
      return r;
    };
    const checkAnnotations = (r: ActionRun) => r.commands.filter((c) => c.includes('title=layerwise%3A Dockerfile check'));

    test('a warning printed by every stage build: one annotation on its line, one report entry, one summary line', async () => {
      const r = await run(uniqueName('lw-checks'), dockerfile());
      if (r.code !== 0) throw new Error(`action exited ${r.code}:\n${r.stdout.slice(-3000)}`);
      // The engine did repeat it: three stage builds and the image build each print it.
      expect(r.stdout.match(/WARNING: FromAsCasing/g)?.length).toBeGreaterThanOrEqual(3);

      expect(checkAnnotations(r)).toEqual([
        "::warning title=layerwise%3A Dockerfile check FromAsCasing,file=Dockerfile,line=1::'as' and 'FROM' keywords' casing do not match (https://docs.docker.com/go/dockerfile/rule/from-as-casing/)",
      ]);
      const report = JSON.parse(readFileSync(r.outputs['report-path'], 'utf8')) as { build: { checks?: unknown[] } };
      expect(report.build.checks).toEqual([
        { rule: 'FromAsCasing', message: "'as' and 'FROM' keywords' casing do not match", line: 1, url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/' },
      ]);
      expect(r.summary).toContain('🔎 1 Dockerfile check warning from BuildKit');
      expect(r.summary.match(/<code>FromAsCasing<\/code>/g)).toHaveLength(1);
    });

    test('checks: true fails before any build, naming the rule at its line', async () => {
      const name = uniqueName('lw-checks-first');
      const r = await run(name, dockerfile(), { checks: 'true' });
      expect(r.code).not.toBe(0);
      expect(r.commands).toContain(
        "::error title=layerwise%3A Dockerfile check FromAsCasing,file=Dockerfile,line=1::'as' and 'FROM' keywords' casing do not match (https://docs.docker.com/go/dockerfile/rule/from-as-casing/)",
      );
      expect(r.commands.filter((c) => c.startsWith('::error::'))).toEqual([
        "::error::build failed: Dockerfile checks failed (checks: true): FromAsCasing at Dockerfile:1 ('as' and 'FROM' keywords' casing do not match)",
      ]);
      // Nothing was built and no cache written.
      expect(r.stdout).not.toMatch(/layerwise: stage deps|RUN echo deps/);
      expect(await registryTags(bed().registry, `layerwise-e2e/${name}-buildcache`)).toEqual([]);

      const clean = await run(uniqueName('lw-checks-clean'), dockerfile().replace(' as deps', ' AS deps'), { checks: 'true' });
      if (clean.code !== 0) throw new Error(`action exited ${clean.code}:\n${clean.stdout.slice(-3000)}`);
      expect(clean.stdout).toContain('layerwise: Dockerfile checks: no violations');
      expect(checkAnnotations(clean)).toEqual([]);
    });

    test('# check=error=true: the build fails on the check, and says so', async () => {
      const r = await run(uniqueName('lw-checks-error'), dockerfile(['# check=error=true']));
      expect(r.code).not.toBe(0);
      expect(r.commands.filter((c) => c.startsWith('::error::'))).toEqual([
        "::error::build failed: Dockerfile checks failed (# check=error=true): FromAsCasing at Dockerfile:2 ('as' and 'FROM' keywords' casing do not match)",
      ]);
      expect(checkAnnotations(r)).toEqual([
        "::error title=layerwise%3A Dockerfile check FromAsCasing,file=Dockerfile,line=2::'as' and 'FROM' keywords' casing do not match (https://docs.docker.com/go/dockerfile/rule/from-as-casing/)",
      ]);
    });
  });
});
