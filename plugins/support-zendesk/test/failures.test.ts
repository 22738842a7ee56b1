import { AuthenticationError, TransientError } from '@rapport/plugin-sdk'
import { collectStream, contextFor, type Fixture, loadFixtures } from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import { configFor, fixture, tokens, useFixtureServer } from './helpers.js'

const server = useFixtureServer()
const usersExport = '/api/v2/incremental/users/cursor.json'

/** Reads the users stream as the host does, keeping the batches (to commit) that came before a failure. */
async function readUsers(baseUrl: string) {
  const config = plugin.config.parse(configFor(baseUrl))
  const batches: unknown[] = []
  try {
    const stream = plugin.streams!.users!.read(contextFor(plugin, config).ctx, {
      config,
      checkpoint: undefined,
    })
    for await (const batch of stream) {
      batches.push(batch)
    }
  } catch (error) {
    return { batches, error }
  }
  return { batches, error: undefined }
}

describe('when Zendesk fails', () => {
  test('a 5xx that lasts is a TransientError after the retries, and nothing is yielded', async () => {
    const fixtureServer = await server([
      { path: usersExport, status: 503, body: { error: 'ServiceUnavailable', description: 'Maintenance' } },
    ])
    const { batches, error } = await readUsers(fixtureServer.baseUrl)
    expect(error).toBeInstanceOf(TransientError)
    expect(fixtureServer.requests).toHaveLength(4) // ctx.http tried 4 times
    expect(batches).toEqual([])
  })

  test('a network failure is a TransientError', async () => {
    await expect(collectStream(plugin, 'tickets', configFor('http://127.0.0.1:1'))).rejects.toBeInstanceOf(
      TransientError,
    )
  })

  test('a token revoked between syncs is an AuthenticationError', async () => {
    const { baseUrl } = await server([
      { path: usersExport, status: 401, body: { error: "Couldn't authenticate you" } },
    ])
    await expect(collectStream(plugin, 'users', configFor(baseUrl, tokens.revoked))).rejects.toBeInstanceOf(
      AuthenticationError,
    )
  })

  test('a body that is not the JSON Zendesk documents fails the page clearly, with no batch half-applied', async () => {
    const [firstPage, secondPage] = loadFixtures(fixture('users.json')).slice(1, 3) as [Fixture, Fixture]
    const { baseUrl } = await server([
      firstPage,
      // The second page cut off in the middle: not JSON at all.
      {
        ...secondPage,
        headers: { 'content-type': 'application/json' },
        body: '{"users":[{"id":9002,"url":"https',
      },
    ])
    const { batches, error } = await readUsers(baseUrl)
    expect((error as Error).message).toBe(
      `Zendesk sent an unexpected answer to GET ${usersExport}: the body is not JSON`,
    )
    // The first page was committed with its checkpoint; the broken one gave nothing.
    expect(batches).toHaveLength(1)
  })

  test('JSON of the wrong shape names what is wrong', async () => {
    const [firstPage] = loadFixtures(fixture('users.json')).slice(1, 2) as [Fixture]
    const body = firstPage.body as { users: Record<string, unknown>[] }
    const { baseUrl } = await server([
      { ...firstPage, body: { ...body, users: [{ ...body.users[0], updated_at: 'yesterday' }] } },
    ])
    await expect(collectStream(plugin, 'users', configFor(baseUrl))).rejects.toThrow(/users\.0\.updated_at/)
  })

  test('an export stuck on one second (more than 1,000 changes in it) stops instead of looping', async () => {
    const page = { organizations: [], count: 0, end_time: 0, next_page: null, end_of_stream: false }
    const { baseUrl } = await server([{ path: '/api/v2/incremental/organizations.json', body: page }])
    await expect(collectStream(plugin, 'organizations', configFor(baseUrl))).rejects.toThrow(
      /does not move past 1970-01-01T00:00:00.000Z/,
    )
  })
})
