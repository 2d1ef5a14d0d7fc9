// The real pipeline's JSON report goes through report mode's validator (issue 12, item 7): an image with more
// junk hints than a report holds (27 layers × 8 kinds of package cache) is built by `layerwise run`, and the file
// it writes is what a fork's pull_request run would upload for report mode to post.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import type { CliIO } from '../../../src/cli/types.js';
import { LIST_LIMITS } from '../../../src/core/report-limits.js';
import { parseUntrustedReport } from '../../../src/report/untrusted.js';
import { describeWithTestbed, docker, uniqueName } from '../../helpers/testbed.js';

const LONG = 600_000;
const JUNK_DIRS = ['var/lib/apt/lists', 'var/cache/apt', 'var/cache/apk', 'root/.cache/pip', 'root/.npm/_cacache', 'usr/local/share/.cache/yarn', 'app/.git', 'tmp'];
const LAYERS = 27;

describeWithTestbed('report limits: the pipeline writes reports report mode accepts', (bed) => {
  const image = `${bed().registry}/layerwise-limits/${uniqueName('junk')}:dev`;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lw-limits-'));
    // Each RUN leaves 20 KB in every junk directory: one hint per directory and layer (8 × 27 = 216).
    const runs = Array.from({ length: LAYERS }, (_, i) =>
      `RUN for d in ${JUNK_DIRS.join(' ')}; do mkdir -p /$d && head -c 20000 /dev/urandom > /$d/junk-${i}; done`);
    writeFileSync(join(dir, 'Dockerfile'), [`FROM ${bed().baseImage}`, ...runs, ''].join('\n'));
  });
  afterAll(() => {
    try {
      docker(['rmi', '-f', image]);
    } catch {
      /* not built */
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test(`${LAYERS * JUNK_DIRS.length} junk hints: the JSON keeps ${LIST_LIMITS.hints}, says so, and report mode reads it`, async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io: CliIO = { out: (t) => stdout.push(t), err: (t) => stderr.push(t), cwd: dir, env: process.env };
    const code = await main(['run', '--context', '.', '-t', image, '--top', '100', '--json', 'report.json', '--no-skip-unchanged'], io);
    expect({ code, log: code === 0 ? '' : stderr.slice(-20).join('\n') }).toEqual({ code: 0, log: '' });
    const text = readFileSync(join(dir, 'report.json'), 'utf8');
    const report = parseUntrustedReport(text, 'report.json');
    expect(report).toEqual(JSON.parse(text));
    expect(report.image.hints).toHaveLength(LIST_LIMITS.hints);
    expect(report.warnings).toContainEqual(expect.stringMatching(/^report cut to the limits report mode accepts: image\.hints 2\d\d items cut to 200$/));
    // The biggest hints are the ones kept.
    const bytes = report.image.hints.map((h) => h.bytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => b - a));
  }, LONG);
});
