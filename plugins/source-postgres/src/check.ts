import type { CheckResult, PluginContext } from '@rapport/plugin-sdk'
import type { PostgresSourceConfig } from './config.js'
import { openSession, type Session } from './connection.js'
import { errorContextOf, pluginErrorFrom } from './errors.js'
import { describeTable, type TableInfo, tableNotes } from './table.js'

// Counted exactly up to this; beyond, the planner's estimate is enough and costs nothing.
const countLimit = 1000

/**
 * Test connection: log in, find the table or view and the mapped columns with usable types, read
 * from it (which also proves the role may), and say how many rows there are.
 */
export async function check(ctx: PluginContext, config: PostgresSourceConfig): Promise<CheckResult> {
  let session: Session | undefined
  try {
    session = await openSession(ctx, config)
    const table = await describeTable(session, config)
    const rows = await rowCount(session, table)
    const notes = await tableNotes(session, config, table)
    const message = `Connected to database "${session.database}" as ${session.user}: the ${table.kind} ${table.label} has ${rows}.`
    return { message: notes.length ? `${message} Advice: ${notes.join('; ')}.` : message }
  } catch (error) {
    throw pluginErrorFrom(error, errorContextOf(config))
  } finally {
    await session?.close()
  }
}

async function rowCount(session: Session, table: TableInfo): Promise<string> {
  const [counted] = await session.query<{ count: number }>(
    `select count(*)::int4 as count from (select from ${table.label} limit ${countLimit + 1}) as sample`,
  )
  const count = counted!.count
  if (count <= countLimit) return count === 1 ? '1 row' : `${count} rows`
  const [plan] = await session.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    `explain (format json) select from ${table.label}`,
  )
  const estimate = plan!['QUERY PLAN'][0].Plan['Plan Rows']
  return `more than ${countLimit.toLocaleString('en')} rows (about ${Math.max(estimate, countLimit).toLocaleString('en')} by the planner's estimate)`
}
