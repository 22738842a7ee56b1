import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, expect, test } from 'vitest'
import { loadSecretKey, SecretBox } from '../src/secrets/secret-box.js'

const dataDir = mkdtempSync(join(tmpdir(), 'rapport-key-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
const silent = pino({ level: 'silent' })

test('without RAPPORT_SECRET_KEY, a key is generated under the data folder once and reused on the next start', () => {
  const folder = join(dataDir, 'fresh')
  const first = loadSecretKey(undefined, folder, false, silent)
  expect(first).toHaveLength(32)
  const file = join(folder, 'secret-key')
  expect(existsSync(file)).toBe(true)
  expect(statSync(file).mode & 0o777).toBe(0o600)
  expect(readFileSync(file, 'utf8')).toBe(first.toString('hex'))

  // The next start opens what the first sealed.
  const sealed = new SecretBox(first).seal({ apiKey: 'kept' })
  const second = loadSecretKey(undefined, folder, false, silent)
  expect(second.equals(first)).toBe(true)
  expect(new SecretBox(second).open(sealed)).toEqual({ apiKey: 'kept' })

  // A configured key wins, and writes nothing.
  const configured = Buffer.alloc(32, 1)
  const other = join(dataDir, 'configured')
  expect(loadSecretKey(configured, other, false, silent)).toBe(configured)
  expect(existsSync(join(other, 'secret-key'))).toBe(false)
})
