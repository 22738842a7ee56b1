#!/usr/bin/env node
// `pnpm test`: every package's tests through turbo (builds first), then one closing line that adds
// up every package's vitest JSON report: "tests: N passed, N failed, N skipped", after a line for each
// failed test (file, name, the message's first line), so that the end of a long log says what failed.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '../..')
const reports = ['apps', 'packages', 'plugins', 'tooling']
  .filter((dir) => existsSync(join(root, dir)))
  .flatMap((dir) => readdirSync(join(root, dir), { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(entry.parentPath, entry.name, 'test-results/vitest.json'))

for (const report of reports) rmSync(report, { force: true })

const args = ['run', 'test', '--continue', ...process.argv.slice(2)]
const run = spawnSync('turbo', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })

let passed = 0
let skipped = 0
const failures = []
for (const report of reports.filter((r) => existsSync(r))) {
  const result = JSON.parse(readFileSync(report, 'utf8'))
  passed += result.numPassedTests
  skipped += result.numPendingTests + result.numTodoTests
  failures.push(...failedTests(result))
}
if (failures.length > 0) console.log(`\nfailed:\n${failures.join('\n')}`)
console.log(`\ntests: ${passed} passed, ${failures.length} failed, ${skipped} skipped`)
process.exit(run.status === 0 && failures.length === 0 ? 0 : 1)

/** A line per failed test; a test file that fails to load has none in it, so it gets one of its own. */
function failedTests(result) {
  return result.testResults.flatMap((file) => {
    const path = file.name.slice(root.length + 1)
    const tests = file.assertionResults.filter((t) => t.status === 'failed')
    if (tests.length === 0 && file.status === 'failed') {
      // Vitest's JSON report keeps no message for a failed hook (beforeAll): its output above does.
      return [
        `  ${path}: ${firstLine(file.message) || 'failed before its tests ran (a hook such as beforeAll); see its output above'}`,
      ]
    }
    return tests.map((t) => `  ${path} > ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`)
  })
}

function firstLine(message = '') {
  return message.split('\n', 1)[0].slice(0, 300)
}
