import { defineConfig, mergeConfig } from 'vitest/config'
import { sharedConfig } from '../../tooling/vitest.shared.js'

// The shared setup resolves the API and the database from their TypeScript (`source` condition) and
// writes the JSON report `pnpm test` adds up.
export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      // A real server and a real browser: slow steps are expected, so allow them; nothing asserts on time.
      testTimeout: 120_000,
      hookTimeout: 180_000,
      // One browser and one server per file; files in parallel would only compete for the CPU.
      fileParallelism: false,
    },
  }),
)
