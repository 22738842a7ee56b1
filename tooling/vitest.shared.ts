import { defineConfig } from 'vitest/config'

/**
 * One test setup for every package: workspace packages resolve to their TypeScript source (the
 * `source` export condition), so tests never wait for a build of their dependencies.
 */
export const sharedConfig = defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
