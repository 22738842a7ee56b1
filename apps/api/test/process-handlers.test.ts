import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { startServer } from '../src/index.js'
import { startTestServer } from './harness.js'

const dir = mkdtempSync(join(tmpdir(), 'rapport-handlers-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const handlers = () => process.listeners('unhandledRejection')

test('a start that fails while connecting leaves no process handler behind', async () => {
  // The embedded database's folder would be under a file: connecting fails.
  const file = join(dir, 'not-a-folder')
  writeFileSync(file, '')
  const before = handlers().length
  await expect(
    startServer({
      print: () => {},
      env: { RAPPORT_DATA_DIR: file, DATABASE_URL: '', PORT: '0', RAPPORT_SECRET_KEY: 'a'.repeat(64) },
    }),
  ).rejects.toThrow()
  expect(handlers().length).toBe(before)
})

test('a stray rejection is logged by name, message and stack only, not the fields its error carries; close removes the handler', async () => {
  const before = handlers()
  const server = await startTestServer({ RAPPORT_TRACKING_PORT: 'off' })
  try {
    const added = handlers().filter((handler) => !before.includes(handler))
    expect(added).toHaveLength(1)
    const error = Object.assign(new Error('left behind'), {
      config: { headers: { authorization: 'Bearer s3cret' } },
    })
    ;(added[0] as (reason: unknown) => void)(error)
    const line = server.logs.find((l) => l.includes('unhandled promise rejection'))
    expect(JSON.parse(line!)).toMatchObject({ err: { name: 'Error', message: 'left behind' } })
    expect(line).not.toContain('s3cret')
  } finally {
    await server.close()
  }
  expect(handlers()).toEqual(before)
})
