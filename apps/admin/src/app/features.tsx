import type { Permission } from '@rapport/domain'
import type { ReactNode } from 'react'
import { AuditLogPage } from '../features/audit-log/components/AuditLogPage'
import { TokensPage } from '../features/tokens/components/TokensPage'
import { UsersPage } from '../features/users/components/UsersPage'

/**
 * The features that have landed. Routes, the navigation and the home page's links are all built
 * from this list, so a menu entry exists exactly when its page works, and only for members whose
 * permissions allow it.
 */
export interface Feature {
  path: string
  label: string
  /** One line for the home page. */
  summary: string
  section: 'Settings'
  /** Needed to see the page; actions inside may need more. */
  permission: Permission
  element: ReactNode
}

export const features: readonly Feature[] = [
  {
    path: '/settings/users',
    label: 'Users',
    summary: 'The members of this workspace and their roles.',
    section: 'Settings',
    permission: 'users:read',
    element: <UsersPage />,
  },
  {
    path: '/settings/tokens',
    label: 'API tokens',
    summary: 'Tokens for scripts and other systems that use the API.',
    section: 'Settings',
    permission: 'tokens:write',
    element: <TokensPage />,
  },
  {
    path: '/settings/audit-log',
    label: 'Audit log',
    summary: 'Who changed what, and when.',
    section: 'Settings',
    permission: 'audit:read',
    element: <AuditLogPage />,
  },
]
