// `layerwise analyze` on generated archives: flags, the table, and JSON that the documented schema accepts.
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { parseAnalyzeFlags } from '../../../src/cli/analyze.js';
import type { CliIO } from '../../../src/cli/types.js';
import { layerTar } from '../image/fixtures.js';
import { containerdSave } from '../image/save-fixtures.js';

const require = createRequire(import.meta.url);
const Ajv = require('ajv') as new (opts: object) => { compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] } };
const schema = JSON.parse(readFileSync(new URL('../../../docs/analysis.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);

function recorder(cwd: string): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), cwd, env: {} };
}

describe('layerwise analyze', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lw-cli-analyze-'));
    const img = {
      layers: [
        await layerTar([{ name: 'bin/sh', bytes: 120_000 }]),
        await layerTar([{ name: 'root/.cache/pip/wheels/x.whl', bytes: 80_000 }, { name: 'app/main.py', bytes: 2_000 }]),
      ],
      history: [
        { created_by: 'COPY rootfs / # buildkit' },
        { created_by: 'RUN /bin/sh -c pip install -r requirements.txt # buildkit' },
      ],
    };
    writeFileSync(join(dir, 'img.tar'), await containerdSave([img]));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM base:1 AS app\nWORKDIR /app\nRUN pip install -r requirements.txt\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('--baseline and budget flags: deltas against an earlier report, a failing rule exits 1, --markdown writes the comment', async () => {
    const first = recorder(dir);
    expect(await main(['analyze', 'img.tar', '--max-size', '1MB'], first)).toBe(0);
    expect(first.stdout.join('\n')).toContain('verdict: pass');
    // A report of the same image as the baseline: no growth, so only the absolute rule can fail.
    const io = recorder(dir);
    expect(await main(['analyze', 'img.tar', '--baseline', 'img.tar', '--max-layers', '1', '--markdown', 'comment.md', '--image-key', 'app'], io)).toBe(1);
    const text = io.stdout.join('\n');
    expect(text).toContain('compared with image baseline');
    expect(text).toContain('layers: 0 changed, 0 added, 0 removed, 2 unchanged');
    expect(text).toMatch(/fail: .*layers/);
    expect(readFileSync(join(dir, 'comment.md'), 'utf8')).toMatch(/^### ❌ app: /);
  });

  test('a bad budget flag is one line naming the flag, exit 2', async () => {
    const io = recorder(dir);
    expect(await main(['analyze', 'img.tar', '--max-growth', 'lots'], io)).toBe(2);
    expect(io.stderr).toEqual(["layerwise analyze --max-growth: expected a size such as 150MB, 1.5GiB or 2000000 (bytes); MB = 10^6 bytes, MiB = 2^20, got 'lots'"]);
  });

  test('table: totals, layers with lines, largest files, hints with fixes', async () => {
    const io = recorder(dir);
    expect(await main(['analyze', 'img.tar', '--file', 'Dockerfile'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('img.tar (linux/amd64)');
    expect(text).toMatch(/uncompressed 202\.0 kB · 2 layers · wasted 0 B · efficiency 100\.0%/);
    expect(text).toMatch(/^2 +82\.0 kB +\S+ kB +3 +RUN pip install -r requirements\.txt$/m);
    expect(text).toContain('80.0 kB  /root/.cache/pip/wheels/x.whl');
    expect(text).toContain('80.0 kB  pip cache — layer 2 (line 3): RUN pip install -r requirements.txt');
    expect(text).toContain('fix: use `pip install --no-cache-dir …`');
  });

  test('escape sequences and newlines in file names reach the terminal as visible escapes', async () => {
    // OSC 8 (a hidden link), a CSI colour, an OSC title, a one-byte C1 CSI, a bidi override and a newline that
    // would fake a table row.
    const hostile = 'app/\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\x1b[31mred\x1b]0;title\x07\u009b2J\u202eexe.txt\n  9  fake row';
    const img = {
      layers: [await layerTar([{ name: 'bin/sh', bytes: 1_000 }, { name: hostile, bytes: 50_000 }])],
      history: [{ created_by: 'COPY rootfs / # buildkit' }],
    };
    writeFileSync(join(dir, 'hostile.tar'), await containerdSave([img]));
    const io = recorder(dir);
    expect(await main(['analyze', 'hostile.tar'], io)).toBe(0);
    const text = [...io.stdout, ...io.stderr].join('\n');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    const row = text.split('\n').find((l) => l.includes('click'))!;
    expect(row).toBe('      50.0 kB  /app/\\u001b]8;;https:/evil.example\\u0007click\\u001b]8;;\\u0007\\u001b[31mred\\u001b]0;title\\u0007\\u009b2J\\u202eexe.txt\\n  9  fake row');
    const json = recorder(dir);
    expect(await main(['analyze', 'hostile.tar', '--json', '-'], json)).toBe(0);
    // JSON on stdout stays valid and carries the name unchanged (tar paths are normalised: `//` is one slash).
    const parsed = JSON.parse(json.stdout.join('\n'));
    expect(parsed.image.layers[0].topFiles.map((f: { path: string }) => f.path)).toContain(hostile.replace('//', '/'));
  });

  test('--json FILE matches docs/analysis.schema.json and carries the documented fields', async () => {
    const io = recorder(dir);
    expect(await main(['analyze', join(dir, 'img.tar'), '--json', 'out.json', '--top', '1', '-f', 'Dockerfile'], io)).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(validate(json)).toBe(true);
    expect(validate.errors ?? null).toBeNull();
    expect(json.image).toMatchObject({ sizeBytes: 202_000, wastedBytes: 0, layerCount: 2 });
    expect(json.image.layers[1]).toMatchObject({ sizeBytes: 82_000, line: 3, files: { added: 2, modified: 0, deleted: 0 }, wastedBytes: 0 });
    expect(json.image.layers[1].topFiles).toEqual([{ path: 'root/.cache/pip/wheels/x.whl', bytes: 80_000, change: 'added' }]);
    expect(json.hints).toEqual([expect.objectContaining({ rule: 'pip-cache', bytes: 80_000, line: 3, paths: ['/root/.cache/pip'] })]);
    // The schema is not a rubber stamp.
    expect(validate({ ...json, image: { ...json.image, sizeBytes: -1 } })).toBe(false);
    expect(validate({ ...json, hints: [{ ...json.hints[0], rule: 'made-up' }] })).toBe(false);
  });

  test('--json - writes only JSON to stdout', async () => {
    const io = recorder(dir);
    expect(await main(['analyze', 'img.tar', '--json', '-'], io)).toBe(0);
    expect(JSON.parse(io.stdout.join('\n')).image.sizeBytes).toBe(202_000);
  });

  test('bad input: one line naming the flag or file and what was expected', async () => {
    const cases: [string[], string][] = [
      [['analyze'], 'layerwise analyze: expected one IMAGE, FILE.tar or -, got none'],
      [['analyze', 'a', 'b'], "layerwise analyze: expected one IMAGE, FILE.tar or -, got 'a' 'b'"],
      [['analyze', 'img.tar', '--top', 'ten'], "layerwise analyze --top: expected a whole number from 0 to 100, got 'ten'"],
      [['analyze', 'img.tar', '--platform', 'amd64'], "layerwise analyze --platform: expected os/arch[/variant] such as linux/amd64, got 'amd64'"],
      [['analyze', 'missing.tar'], 'layerwise analyze: missing.tar: no such file (expected a `docker save` tar, or an image name)'],
      [['analyze', 'img.tar', '--file', 'nope/Dockerfile'], 'layerwise analyze: cannot read --file nope/Dockerfile (ENOENT; expected a readable Dockerfile)'],
      [['analyze', 'img.tar', '--json', 'no/such/dir/out.json'], 'layerwise analyze --json: cannot write no/such/dir/out.json (ENOENT)'],
      [['analyze', 'img', '--host', 'ftp://x'], "--host: expected unix:///path/docker.sock or tcp://HOST:PORT, got 'ftp://x'"],
    ];
    for (const [argv, message] of cases) {
      const io = recorder(dir);
      expect(await main(argv, io)).toBe(2);
      expect(io.stderr).toEqual([message]);
    }
    const io = recorder(dir);
    expect(await main(['analyze', 'img.tar', '--bogus'], io)).toBe(2);
    expect(io.stderr).toEqual([expect.stringMatching(/^layerwise analyze: Unknown option '--bogus'/)]);
  });

  test('a truncated archive file is a clear error', async () => {
    const full = readFileSync(join(dir, 'img.tar'));
    writeFileSync(join(dir, 'cut.tar'), full.subarray(0, 3000));
    const io = recorder(dir);
    expect(await main(['analyze', 'cut.tar'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/cut\.tar.*truncated/);
  });

  test('--help and flag parsing', async () => {
    const io = recorder(dir);
    expect(await main(['analyze', '--help'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^usage: layerwise analyze IMAGE\|FILE\.tar\|-/);
    const parsed = parseAnalyzeFlags(['app:1', '--top', '0', '--registry'], { cwd: dir, env: {} });
    if (parsed === 'help') throw new Error('unexpected help');
    expect(parsed).toMatchObject({ image: 'app:1', registry: true, json: undefined, dockerfile: undefined, host: undefined, platform: undefined });
    expect(parsed.config.topFiles).toBe(0);
    expect(parsed.compare).toBeUndefined();
    const compared = parseAnalyzeFlags(['app:1', '--max-growth', '5%', '--baseline', 'base.json'], { cwd: dir, env: {} });
    expect(compared !== 'help' && compared.compare).toEqual({ baseline: 'base.json', markdown: undefined });
  });
});
