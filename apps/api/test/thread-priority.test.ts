import { getPriority } from 'node:os'
import { afterAll, expect, test } from 'vitest'
import { createLogger } from '../src/logging/logger.js'
import { osThreadId, setThreadPriority, yieldingPriority } from '../src/threads/os-thread.js'
import { useTestServer } from './harness.js'

// Raising a priority needs CAP_SYS_NICE, which root has (CI and the development machine run as root).
const canRaise = process.platform === 'linux' && process.getuid?.() === 0
const threadPriority = () => getPriority(osThreadId())
const before = threadPriority()
const context = useTestServer({ RAPPORT_API_NICE: '-3' })

afterAll(() => {
  setThreadPriority(before, createLogger('silent'))
})

test.skipIf(!canRaise)('RAPPORT_API_NICE raises the priority of the thread that answers HTTP', async () => {
  expect((await context.owner.get('/api/v1/me')).status).toBe(200)
  expect(threadPriority()).toBe(-3)
})

test.skipIf(!canRaise)('threads that yield never ask for more than the server started with', () => {
  const logger = createLogger('silent')
  const was = threadPriority()
  try {
    setThreadPriority(6, logger) // as if started with `nice -n 6`
    expect(yieldingPriority(4)).toBe(6)
    expect(yieldingPriority(10)).toBe(10)
  } finally {
    setThreadPriority(was, logger)
  }
})
