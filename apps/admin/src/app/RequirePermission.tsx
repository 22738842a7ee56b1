import type { Permission } from '@rapport/domain'
import type { ReactNode } from 'react'
import { NoAccess } from '../components/States'
import { useMe } from '../features/session/hooks/useSession'
import { hasPermission } from '../lib/access'

/** A page opened by URL without the permission it needs says so, instead of failing call by call. */
export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  return hasPermission(useMe(), permission) ? children : <NoAccess />
}
