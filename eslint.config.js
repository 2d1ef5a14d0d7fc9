import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/work/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Pure modules take and return plain data: nothing from the runner, the daemon, the disk or processes.
    files: [
      'src/core/**', 'src/config/**', 'src/dockerfile/**', 'src/cache/**', 'src/compare/**', 'src/budget/**', 'src/report/**',
      'src/baseline/policy.ts', 'src/publish/marker.ts', 'src/publish/annotations.ts', 'src/run-context/event.ts',
      'src/buildx/plan.ts', 'src/buildx/argv.ts', 'src/buildx/record.ts', 'src/buildx/progress.ts', 'src/buildx/steps.ts',
      'src/pipeline/run-pipeline.ts',
    ],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@actions/*', 'dockerode', 'fs', 'node:fs', 'fs/*', 'node:fs/*', 'child_process', 'node:child_process'],
            message: 'Pure modules take and return plain data; put I/O in an adapter.' },
        ],
      }],
    },
  },
);
