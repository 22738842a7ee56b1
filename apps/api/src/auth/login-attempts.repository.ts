import { sql } from 'kysely'
import type { Db } from '../database/database.js'

export const throttleWindowMinutes = 15
/** Failed logins allowed per e-mail from one address, and per e-mail from anywhere, in the window. */
export const maxFailuresPerAddress = 5
export const maxFailuresPerEmail = 20

/**
 * Failures since the window opened or since the last success, whichever is later: from this address
 * for this e-mail, and from anywhere for this e-mail (slow, distributed guessing).
 */
export async function recentFailures(
  db: Db,
  email: string,
  ip: string,
): Promise<{ fromAddress: number; total: number }> {
  const windowStart = sql<Date>`greatest(
    now() - make_interval(mins => ${throttleWindowMinutes}),
    coalesce(
      (select max(created_at) from login_attempts where email = ${email} and succeeded),
      '-infinity'::timestamptz
    )
  )`
  const row = await db
    .selectFrom('login_attempts')
    .select([
      sql<string>`count(*) filter (where ip = ${ip})`.as('fromAddress'),
      sql<string>`count(*)`.as('total'),
    ])
    .where('email', '=', email)
    .where('succeeded', '=', false)
    .where('created_at', '>', windowStart)
    .executeTakeFirstOrThrow()
  return { fromAddress: Number(row.fromAddress), total: Number(row.total) }
}

export async function recordLoginAttempt(
  db: Db,
  email: string,
  ip: string,
  succeeded: boolean,
): Promise<void> {
  await db.insertInto('login_attempts').values({ email, ip, succeeded }).execute()
  // Keep the table small: nothing older than a day matters to throttling.
  if (!succeeded) return
  await db
    .deleteFrom('login_attempts')
    .where('email', '=', email)
    .where('created_at', '<', sql<Date>`now() - interval '1 day'`)
    .execute()
}
