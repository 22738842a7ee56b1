import type { Migration } from 'kysely'
import * as access from './2026-11-23-001-access.js'
import * as customerView from './2026-11-23-002-customer-view.js'
import * as lighterInbox from './2026-12-06-003-lighter-inbox.js'
import * as uncheckedReferences from './2026-12-07-004-unchecked-references.js'
import * as inboxPending from './2026-12-07-005-inbox-pending.js'
import * as profileIndexes from './2026-12-07-006-profile-indexes.js'
import * as syncRunHeartbeat from './2026-12-07-007-sync-run-heartbeat.js'
import * as keptApart from './2026-12-07-008-kept-apart.js'

/**
 * Every migration, by its date-prefixed name. A landed migration is never edited: add a new file and
 * list it here, so that the same code runs from source (tests) and from dist (start).
 */
export const migrations: Record<string, Migration> = {
  '2026-11-23-001-access': access,
  '2026-11-23-002-customer-view': customerView,
  '2026-12-06-003-lighter-inbox': lighterInbox,
  '2026-12-07-004-unchecked-references': uncheckedReferences,
  '2026-12-07-005-inbox-pending': inboxPending,
  '2026-12-07-006-profile-indexes': profileIndexes,
  '2026-12-07-007-sync-run-heartbeat': syncRunHeartbeat,
  '2026-12-07-008-kept-apart': keptApart,
}
