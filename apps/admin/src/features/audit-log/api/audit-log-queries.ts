import { api } from '../../../lib/api'
import { pagedQuery } from '../../../lib/paged-query'

export const auditLogKey = ['audit-log'] as const

/** Newest first, optionally only one action. */
export function auditLogQuery(action: string | undefined) {
  return pagedQuery([...auditLogKey, { action }], (cursor) => api.auditLog.list({ cursor, action }))
}
