// Two projects: `unit` (pure code, plain data, seconds) and `integration` (real dockerd, buildx, registry,
// local GitHub API server). ESM throughout because the @actions/* packages are ESM-only.
const tsJest = ['ts-jest', { useESM: true, tsconfig: { isolatedModules: true } }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
};
export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts'],
    },
  ],
};
