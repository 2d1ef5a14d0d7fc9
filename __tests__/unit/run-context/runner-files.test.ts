import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunContext, readReportArtifact } from '../../../src/run-context/runner-files.js';
import { webhookExample } from '../../helpers/webhook-examples.js';

describe('runner files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'layerwise-runner-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('loadRunContext reads GITHUB_EVENT_PATH like the runner writes it', () => {
    const path = join(dir, 'event.json');
    writeFileSync(path, JSON.stringify(webhookExample('pull_request', 'opened')));
    const ctx = loadRunContext({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: path, GITHUB_ACTOR: 'Codertocat' });
    expect(ctx.pr?.number).toBe(2);
  });

  test('a broken payload file names the variable and file', () => {
    const path = join(dir, 'event.json');
    writeFileSync(path, '{');
    expect(() => loadRunContext({ GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: path })).toThrow(
      new RegExp(`^GITHUB_EVENT_PATH ${path}: expected the event payload as JSON`),
    );
  });

  test('report artifact: missing, a directory, too big', () => {
    expect(() => readReportArtifact(join(dir, 'nope.json'))).toThrow(/^input report-path: expected the report downloaded .*ENOENT/);
    mkdirSync(join(dir, 'd'));
    expect(() => readReportArtifact(join(dir, 'd'))).toThrow(/not a regular file/);
    const big = join(dir, 'big.json');
    writeFileSync(big, Buffer.alloc(8 * 1024 * 1024 + 1, 32));
    expect(() => readReportArtifact(big)).toThrow(/is 8388609 bytes; a layerwise report is at most 8388608/);
    writeFileSync(join(dir, 'ok.json'), '{}');
    expect(readReportArtifact(join(dir, 'ok.json'))).toBe('{}');
  });
});
