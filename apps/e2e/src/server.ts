import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '@rapport/api'
import { createTestDatabase } from '@rapport/db/testing'
import type { Plugin } from '@rapport/plugin-sdk'

/** The first owner, created by the server's first start (it names them "Administrator"). */
export const owner = { email: 'owner@example.test', password: 'owner-password-123', name: 'Administrator' }

export interface TestServer {
  url: string
  close(): Promise<void>
}

/**
 * The real server on a random port over a fresh database of its own, serving the built admin UI.
 * Its first start creates the workspace "Default" with `owner` as its owner.
 */
export async function startTestServer(
  options: { plugins?: Plugin[]; env?: Record<string, string> } = {},
): Promise<TestServer> {
  const database = await createTestDatabase()
  const dataDir = await mkdtemp(join(tmpdir(), 'rapport-e2e-'))
  const server = await startServer({
    database,
    env: {
      PORT: '0',
      LOG_LEVEL: 'silent',
      RAPPORT_DATA_DIR: dataDir,
      RAPPORT_ADMIN_EMAIL: owner.email,
      RAPPORT_ADMIN_PASSWORD: owner.password,
      ...options.env,
    },
    ...(options.plugins ? { plugins: options.plugins } : {}),
  })
  return {
    url: server.url,
    async close() {
      await server.close()
      await database.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
