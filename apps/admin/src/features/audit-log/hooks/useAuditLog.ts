import { useInfiniteQuery } from '@tanstack/react-query'
import { auditLogQuery } from '../api/audit-log-queries'

export function useAuditLog(action: string | undefined) {
  return useInfiniteQuery(auditLogQuery(action))
}
