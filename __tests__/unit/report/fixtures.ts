// A realistic report: a PR adds a junk-carrying apt layer and grows the app layer; one hostile file name.
import { reportFrom } from '../../helpers/report.js';
import type { Baseline } from '../../../src/compare/types.js';
import type { BuildRecord } from '../../../src/buildx/types.js';
import type { BudgetRule } from '../../../src/config/types.js';
import type { Report } from '../../../src/report/types.js';
import { BASE, image } from '../compare/fixtures.js';

export const HOSTILE = 'evil|name`<b>x</b>-->\n@octocat #1 **bold** [link](http://x)';

const deps = { id: 'b1', createdBy: 'RUN /bin/sh -c apk add curl # buildkit', size: 40_000_000, compressed: 15_000_000, line: 4 };
const app = { id: 'c1', createdBy: 'COPY /src /app # buildkit', size: 2_000_000, compressed: 800_000, line: 9, files: [['/app/main', 1_500_000]] as [string, number][] };

export function baselineImage() {
  return image('localhost:5000/acme/app:main', [BASE, deps, app]);
}

export function currentImage() {
  const img = image('localhost:5000/acme/app:pr-7', [
    BASE,
    deps,
    {
      id: 'd1',
      createdBy: 'RUN /bin/sh -c apt-get update && apt-get install -y build-essential # buildkit',
      size: 38_100_000,
      compressed: 12_300_000,
      line: 6,
      files: [['/var/lib/apt/lists/deb.debian.org_dists_bookworm_main_binary-amd64_Packages', 8_800_000], ['/usr/bin/gcc-12', 1_200_000]],
    },
    { ...app, id: 'c2', size: 2_600_000, compressed: 1_000_000, files: [['/app/main', 1_900_000], [`/app/${HOSTILE}`, 100_000]] },
  ]);
  img.hints = [
    {
      rule: 'apt-lists',
      title: 'apt package lists (from apt-get update)',
      bytes: 8_800_000,
      layerIndex: 2,
      instruction: 'RUN apt-get update && apt-get install -y build-essential',
      line: 6,
      paths: ['/var/lib/apt/lists'],
      fix: 'end the same RUN with `&& rm -rf /var/lib/apt/lists/*`',
    },
  ];
  return img;
}

export const build: BuildRecord = {
  stages: [
    {
      name: 'deps',
      steps: 3,
      cachedSteps: 3,
      seconds: 0.4,
      cacheRef: 'localhost:5000/acme/app-buildcache:deps--br-main',
      pushed: false,
      cacheWrite: 'unchanged',
      cacheFrom: ['localhost:5000/acme/app-buildcache:deps--br-main'],
      stepDetails: [
        { stage: 'deps', instruction: 'RUN apk add curl', line: 4, cached: true, seconds: 0.1 },
      ],
    },
    {
      name: 'app',
      steps: 4,
      cachedSteps: 1,
      seconds: 31.5,
      pushed: false,
      cacheFrom: [],
      stepDetails: [
        { stage: 'app', instruction: 'RUN apt-get update && apt-get install -y build-essential', line: 6, cached: false, seconds: 28.25 },
        { stage: 'app', instruction: 'COPY /src /app', line: 9, cached: false, seconds: 0.5 },
      ],
    },
  ],
  cacheSources: [
    { ref: 'localhost:5000/acme/app-buildcache:deps--br-main', status: 'imported' },
    { ref: 'localhost:5000/acme/app-buildcache:app--pr-7', status: 'missing' },
  ],
  totalSteps: 7,
  cachedSteps: 4,
  cacheHitRatio: 4 / 7,
  seconds: 33.2,
  mode: 'inline',
  warnings: ['cache push skipped: pull request from a fork'],
};

export const rules: BudgetRule[] = [
  { metric: 'compressed-size', limit: 100_000_000, level: 'fail', source: 'input max-size' },
  { metric: 'growth-bytes', limit: 5_000_000, level: 'fail', source: '.github/layerwise.yml:3' },
  { metric: 'growth-percent', limit: 10, level: 'fail', source: '.github/layerwise.yml:3' },
  { metric: 'layers', limit: 3, level: 'warn', source: '.github/layerwise.yml:5' },
];

export const baseline: Baseline = {
  source: 'actions-cache',
  branch: 'main',
  commit: '0123456789abcdef0123456789abcdef01234567',
  ref: 'layerwise-app-main-0123456',
  analysis: baselineImage(),
};

export function fullReport(): Report {
  return reportFrom({
    imageKey: 'app',
    image: currentImage(),
    baseline,
    baselineTried: ['actions-cache: hit'],
    rules,
    build,
    context: { repository: 'acme/app', sha: 'f'.repeat(40), branch: 'feature', pr: 7 },
    warnings: [],
    generatedAt: '2026-11-23T09:00:00.000Z',
  });
}

export function firstRunReport(): Report {
  return reportFrom({
    imageKey: 'app',
    image: currentImage(),
    baselineTried: ['actions-cache: miss', 'registry: localhost:5000/acme/app-buildcache:final--br-main not found'],
    rules,
    build: null,
    generatedAt: '2026-11-23T09:00:00.000Z',
  });
}
