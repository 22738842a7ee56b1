import { defineConfig } from 'vitest/config'

/**
 * One test setup for every package: workspace packages resolve to their TypeScript source (the
 * `source` export condition), so tests never wait for a build of their dependencies; each run also
 * writes a JSON report that `pnpm test` adds up into one closing line.
 */
export const sharedConfig = defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
})
