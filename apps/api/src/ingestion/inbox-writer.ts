import type { Db } from '../database/database.js'
import { type AppendResult, type InboxRow, insertInboxRows } from './inbox.repository.js'

interface Waiting {
  workspaceId: string
  rows: InboxRow[]
  suppressed: number
  done: (result: AppendResult) => void
  fail: (error: unknown) => void
}

/**
 * Group commit for the HTTP intake: appends that arrive while a write is under way go together in
 * the next one, one statement per workspace. Every caller still answers only after its rows are
 * committed, but many concurrent requests cost one statement and one WAL flush instead of one each.
 */
export class InboxWriter {
  private queue: Waiting[] = []
  private writing = false

  constructor(private readonly db: Db) {}

  append(workspaceId: string, rows: InboxRow[], suppressed: number): Promise<AppendResult> {
    if (rows.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0, suppressed })
    return new Promise((done, fail) => {
      this.queue.push({ workspaceId, rows, suppressed, done, fail })
      if (!this.writing) void this.write()
    })
  }

  private async write(): Promise<void> {
    this.writing = true
    while (this.queue.length) {
      const byWorkspace = new Map<string, Waiting[]>()
      for (const waiting of this.queue) {
        const group = byWorkspace.get(waiting.workspaceId)
        if (group) group.push(waiting)
        else byWorkspace.set(waiting.workspaceId, [waiting])
      }
      this.queue = []
      for (const [workspaceId, group] of byWorkspace) await this.writeGroup(workspaceId, group)
    }
    this.writing = false
  }

  private async writeGroup(workspaceId: string, group: Waiting[]): Promise<void> {
    try {
      const inserted = await insertInboxRows(
        this.db,
        workspaceId,
        group.flatMap((w) => w.rows),
      )
      // A messageId sent twice in one group is new for the first sender only.
      for (const waiting of group) {
        let accepted = 0
        for (const row of waiting.rows) if (inserted.delete(row.message_id)) accepted++
        waiting.done({ accepted, duplicates: waiting.rows.length - accepted, suppressed: waiting.suppressed })
      }
    } catch (error) {
      for (const waiting of group) waiting.fail(error)
    }
  }
}
