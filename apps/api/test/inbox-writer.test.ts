import { expect, test } from 'vitest'
import type { InboxRow } from '../src/ingestion/inbox.repository.js'
import { InboxWriter } from '../src/ingestion/inbox-writer.js'
import { useTestServer } from './harness.js'

const context = useTestServer()

const rows = (...messageIds: string[]): InboxRow[] =>
  messageIds.map((messageId) => ({
    message_id: messageId,
    source_id: null,
    partition: 0,
    envelope: {
      type: 'track',
      messageId,
      event: 'Clicked',
      identifiers: [{ type: 'userId', value: 'writer-user' }],
      occurredAt: '2026-03-01T12:00:00.000Z',
      properties: {},
    },
    identity_keys: ['userId:writer-user'],
  }))

test('group commit writes each workspace apart and answers each caller for its own rows', async () => {
  const db = context.server.database.db
  const [a, b] = await Promise.all(
    ['Writer A', 'Writer B'].map((name) =>
      db
        .insertInto('workspaces')
        .values({ name, slug: name.toLowerCase().replace(' ', '-') })
        .returning('id')
        .executeTakeFirstOrThrow(),
    ),
  )
  const writer = new InboxWriter(db)
  // The first append is written at once; the next three wait for it and go in the next round,
  // one statement per workspace: the same messageId is new in each workspace, and a repeat of one
  // already written is a duplicate.
  const answers = await Promise.all([
    writer.append(a!.id, rows('w-1', 'w-2'), 0),
    writer.append(b!.id, rows('w-1'), 1),
    writer.append(a!.id, rows('w-2', 'w-3'), 0),
    writer.append(a!.id, rows('w-3'), 0),
  ])
  expect(answers).toEqual([
    { accepted: 2, duplicates: 0, suppressed: 0 },
    { accepted: 1, duplicates: 0, suppressed: 1 },
    { accepted: 1, duplicates: 1, suppressed: 0 },
    { accepted: 0, duplicates: 1, suppressed: 0 },
  ])
  const stored = await db
    .selectFrom('inbox')
    .select(['workspace_id', 'message_id'])
    .where('workspace_id', 'in', [a!.id, b!.id])
    .orderBy('workspace_id')
    .orderBy('message_id')
    .execute()
  expect(stored.map((r) => `${r.workspace_id === a!.id ? 'a' : 'b'}:${r.message_id}`).sort()).toEqual([
    'a:w-1',
    'a:w-2',
    'a:w-3',
    'b:w-1',
  ])
})
