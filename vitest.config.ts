import { defineConfig } from 'vitest/config';

/**
 * E2E files that run with nothing beside them: hosts on the default ports (a first run; `npm start`;
 * the README's screenshot, which shows them), and signal timing that a busy CPU would stretch.
 */
const E2E_ALONE = [
  'e2e/chaos.e2e.test.ts',
  'e2e/install.e2e.test.ts',
  'e2e/newcomer.e2e.test.ts',
  'e2e/readme-screenshot.e2e.test.ts',
  'e2e/electron/**/*.e2e.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['main/**/*.test.ts', 'preload/**/*.test.ts', 'shared/**/*.test.ts', 'renderer/**/*.test.ts', 'test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          benchmark: { include: ['bench/**/*.bench.ts'] },
          // Before the e2e files: a browser test never shares the CPU with unit files. `npm test`
          // runs these two at a time (--maxWorkers=2); benchmarks run one file at a time.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          exclude: E2E_ALONE,
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 90_000,
          // After the unit files, two files at a time: a file spends about half its time waiting on
          // hosts, providers and the browser. Each test host has ports of its own (writeSettings).
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'e2e-alone',
          include: E2E_ALONE,
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 90_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
