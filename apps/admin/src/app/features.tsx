import type { Permission } from '@rapport/domain'
import type { ReactNode } from 'react'
import { AuditLogPage } from '../features/audit-log/components/AuditLogPage'
import { CsvImportPage } from '../features/csv-import/components/CsvImportPage'
import { CustomersPage } from '../features/customers/components/CustomersPage'
import { ProfilePage } from '../features/customers/components/ProfilePage'
import { IngestionPage } from '../features/ingestion/components/IngestionPage'
import { NewSourcePage } from '../features/sources/components/NewSourcePage'
import { PluginCatalogPage } from '../features/sources/components/PluginCatalogPage'
import { SourcePage } from '../features/sources/components/SourcePage'
import { SourcesPage } from '../features/sources/components/SourcesPage'
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
  section: 'Customers' | 'Data' | 'Settings'
  /** Needed to see the page; actions inside may need more. */
  permission: Permission
  element: ReactNode
  /** More pages of the feature (a detail page, a form), reached from it: routed, not in the navigation. */
  pages?: readonly { path: string; element: ReactNode }[]
}

export const features: readonly Feature[] = [
  {
    path: '/customers',
    label: 'Customers',
    summary: 'Find anyone by name or identifier, and see their whole story: traits, records, timeline.',
    section: 'Customers',
    permission: 'customers:read',
    element: <CustomersPage />,
    pages: [{ path: '/customers/:customerId', element: <ProfilePage /> }],
  },
  {
    path: '/sources',
    label: 'Sources',
    summary: 'Where customer data comes from: connected systems, the tracking API, webhooks and files.',
    section: 'Data',
    permission: 'sources:read',
    element: <SourcesPage />,
    pages: [
      { path: '/sources/new', element: <PluginCatalogPage /> },
      { path: '/sources/new/:pluginId', element: <NewSourcePage /> },
      { path: '/sources/:sourceId', element: <SourcePage /> },
    ],
  },
  {
    path: '/import',
    label: 'CSV import',
    summary: 'Import contacts or orders, invoices and deals from a spreadsheet.',
    section: 'Data',
    permission: 'sources:write',
    element: <CsvImportPage />,
  },
  {
    path: '/ingestion',
    label: 'Ingestion health',
    summary: 'What waits to be processed, how fast data flows, and what failed.',
    section: 'Data',
    permission: 'sources:read',
    element: <IngestionPage />,
  },
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
