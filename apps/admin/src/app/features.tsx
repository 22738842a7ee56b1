import type { Permission } from '@rapport/domain'
import { type ComponentType, type LazyExoticComponent, lazy, type ReactNode } from 'react'

/**
 * Each page is its own chunk, loaded when first opened: the first screen does not wait for the code
 * of every page (AppShell shows a loading state meanwhile).
 */
function lazyPage<Name extends string>(
  load: () => Promise<Record<Name, ComponentType>>,
  name: Name,
): LazyExoticComponent<ComponentType> {
  return lazy(async () => ({ default: (await load())[name] as ComponentType }))
}

const AuditLogPage = lazyPage(() => import('../features/audit-log/components/AuditLogPage'), 'AuditLogPage')
const CsvImportPage = lazyPage(
  () => import('../features/csv-import/components/CsvImportPage'),
  'CsvImportPage',
)
const CustomersPage = lazyPage(
  () => import('../features/customers/components/CustomersPage'),
  'CustomersPage',
)
const ProfilePage = lazyPage(() => import('../features/customers/components/ProfilePage'), 'ProfilePage')
const IngestionPage = lazyPage(
  () => import('../features/ingestion/components/IngestionPage'),
  'IngestionPage',
)
const NewSourcePage = lazyPage(() => import('../features/sources/components/NewSourcePage'), 'NewSourcePage')
const PluginCatalogPage = lazyPage(
  () => import('../features/sources/components/PluginCatalogPage'),
  'PluginCatalogPage',
)
const SourcePage = lazyPage(() => import('../features/sources/components/SourcePage'), 'SourcePage')
const SourcesPage = lazyPage(() => import('../features/sources/components/SourcesPage'), 'SourcesPage')
const TokensPage = lazyPage(() => import('../features/tokens/components/TokensPage'), 'TokensPage')
const UsersPage = lazyPage(() => import('../features/users/components/UsersPage'), 'UsersPage')

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
