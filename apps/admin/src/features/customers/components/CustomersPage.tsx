import type { EraseResult } from '@rapport/api-client'
import { useEffect, useMemo, useRef, useState } from 'react'
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router-dom'
import { ListContent } from '../../../components/ListContent'
import { PageHeader } from '../../../components/PageHeader'
import { EmptyState } from '../../../components/States'
import { TableCard } from '../../../components/TableCard'
import { hasPermission } from '../../../lib/access'
import { formatDateTime, formatRelativeTime, pluralize } from '../../../lib/format'
import { useMe } from '../../session/hooks/useSession'
import type { CustomerFilters } from '../api/customers-queries'
import { identifierLabel, initials, summaryName } from '../customer-words'
import { useCustomerList, useSourceOptions } from '../hooks/useCustomers'
import { useDebouncedValue } from '../hooks/useDebouncedValue'
import '../customers.css'
import { FilterSelect } from './FilterSelect'

/** The choices of "Last seen", as they appear in the URL (`?seen=7d`). */
const seenChoices = [
  { value: '', label: 'Any time', hours: 0 },
  { value: '24h', label: 'In the last 24 hours', hours: 24 },
  { value: '7d', label: 'In the last 7 days', hours: 7 * 24 },
  { value: '30d', label: 'In the last 30 days', hours: 30 * 24 },
  { value: '90d', label: 'In the last 90 days', hours: 90 * 24 },
  { value: '1y', label: 'In the last year', hours: 365 * 24 },
] as const

/** The start of the chosen window, to the minute, so that the query stays the same while one looks. */
function seenSince(choice: string): string | undefined {
  const hours = seenChoices.find((c) => c.value === choice)?.hours
  if (!hours) return undefined
  const minute = 60_000
  return new Date(Math.floor((Date.now() - hours * 3600_000) / minute) * minute).toISOString()
}

/** What an erase left behind, shown once on the list the member lands on after it. */
export interface ErasedState {
  erased: { name: string; result: EraseResult }
}

function describeErase({ name, result }: ErasedState['erased']): string {
  const parts = [
    [result.identities, 'identifier'],
    [result.traits, 'trait value'],
    [result.records, 'record'],
    [result.events, 'timeline event'],
    [result.feedback, 'feedback answer'],
  ] as const
  const deleted = parts.filter(([count]) => count > 0).map(([count, noun]) => pluralize(count, noun))
  const merged = result.customers > 1 ? ` and ${pluralize(result.customers - 1, 'merged profile')}` : ''
  const suppressed = result.suppressed
    ? ` ${pluralize(result.suppressed, 'identifier')} will be refused from now on.`
    : ''
  return `${name} was erased${merged}${deleted.length ? `: ${deleted.join(', ')} deleted` : ''}.${suppressed}`
}

export function CustomersPage() {
  const me = useMe()
  const canSeeSources = hasPermission(me, 'sources:read')
  // Search and filters live in the URL: a filtered list can be shared, and survives a reload.
  const [searchParams, setSearchParams] = useSearchParams()
  const q = searchParams.get('q') ?? ''
  const sourceId = searchParams.get('source') ?? ''
  const seen = searchParams.get('seen') ?? ''
  const [text, setText] = useState(q)
  const typed = useDebouncedValue(text.trim(), 250)

  // Typing updates the URL once per pause, replacing the entry: Back leaves the page, not each key.
  const lastTyped = useRef(q)
  useEffect(() => {
    if (typed === lastTyped.current) return
    lastTyped.current = typed
    setSearchParams(
      (params) => {
        if (typed) params.set('q', typed)
        else params.delete('q')
        return params
      },
      { replace: true },
    )
  }, [typed, setSearchParams])
  // Back and forward, Clear, or the top bar's search change the URL: the box follows them.
  useEffect(() => {
    if (q === lastTyped.current) return
    lastTyped.current = q
    setText(q)
  }, [q])

  const filters: CustomerFilters = useMemo(
    () => ({ q: q || undefined, sourceId: sourceId || undefined, seenSince: seenSince(seen) }),
    [q, sourceId, seen],
  )
  const customers = useCustomerList(filters)
  const sources = useSourceOptions(canSeeSources)
  const filtered = Boolean(q || sourceId || seen)

  const location = useLocation()
  const navigate = useNavigate()
  const [erased] = useState(() => (location.state as ErasedState | null)?.erased)
  // The message is shown once: a reload or Back does not bring it again.
  useEffect(() => {
    if (location.state) navigate(`${location.pathname}${location.search}`, { replace: true, state: null })
  }, [location, navigate])

  function setFilter(name: string, value: string) {
    setSearchParams((params) => {
      if (value) params.set(name, value)
      else params.delete(name)
      return params
    })
  }

  return (
    <>
      <PageHeader
        title="Customers"
        description="Everyone your sources have told Rapport about, one profile per person, most recently seen first."
      />
      {erased && (
        <div className="alert alert--success" role="status">
          {describeErase(erased)}
        </div>
      )}
      <search aria-label="Search and filter customers">
        <form className="toolbar customer-filters" onSubmit={(event) => event.preventDefault()}>
          <div className="field customer-filters__search">
            <label htmlFor="customer-q">Search</label>
            <input
              id="customer-q"
              type="search"
              value={text}
              onChange={(event) => setText(event.target.value)}
              placeholder="Name, e-mail, phone or any identifier"
              autoComplete="off"
              spellCheck={false}
            />
          </div>
          {canSeeSources && (
            <FilterSelect
              label="Source"
              value={sourceId}
              all="All sources"
              options={sources.data?.map((source) => ({ value: source.id, label: source.name })) ?? []}
              onChange={(value) => setFilter('source', value)}
            />
          )}
          <FilterSelect
            label="Last seen"
            value={seen}
            options={seenChoices}
            onChange={(value) => setFilter('seen', value)}
          />
          {filtered && (
            <button
              type="button"
              className="button button--ghost customer-filters__clear"
              onClick={() => {
                setText('')
                setSearchParams({})
              }}
            >
              Clear search and filters
            </button>
          )}
          <span className="customer-filters__status muted small" role="status">
            {customers.isFetching && !customers.isFetchingNextPage && !customers.isPending
              ? 'Searching…'
              : ''}
          </span>
        </form>
      </search>
      <ListContent
        query={customers}
        loadingLabel="Loading customers…"
        empty={
          filtered ? (
            <EmptyState title="No customers match">
              <p>
                {q ? `Nobody is called or identified by “${q}”` : 'Nobody matches these filters'}
                {q && (sourceId || seen) ? ' with these filters' : ''}. Check the spelling, or search by
                another identifier: an e-mail, a phone number, a user id.
              </p>
            </EmptyState>
          ) : (
            <EmptyState title="No customers yet">
              <p>
                Profiles appear here as soon as a source sends data: a website through the tracking API, a CRM
                or billing connector, or a CSV import.
              </p>
            </EmptyState>
          )
        }
      >
        {(items) => (
          <TableCard
            caption={filtered ? 'Customers matching the search' : 'Customers, most recently seen first'}
            columns={['Name', 'E-mail', 'Last seen', 'First seen']}
            paging={customers}
          >
            {items.map((customer) => {
              const name = summaryName(customer)
              return (
                <tr key={customer.id}>
                  <td>
                    <Link to={`/customers/${customer.id}`} className="customer-link">
                      <span className="avatar" aria-hidden="true">
                        {initials(name)}
                      </span>
                      {name}
                    </Link>
                    {!customer.displayName && !customer.email && customer.identifier && (
                      <div className="muted small customer-row__identifier">
                        {identifierLabel(customer.identifier.type)}
                      </div>
                    )}
                  </td>
                  <td className="customer-cell-email">
                    {customer.email ?? <span className="muted">—</span>}
                  </td>
                  <td className="nowrap">
                    <time dateTime={customer.lastSeenAt} title={formatDateTime(customer.lastSeenAt)}>
                      {formatRelativeTime(customer.lastSeenAt)}
                    </time>
                  </td>
                  <td className="nowrap">
                    <time dateTime={customer.firstSeenAt}>{formatDateTime(customer.firstSeenAt)}</time>
                  </td>
                </tr>
              )
            })}
          </TableCard>
        )}
      </ListContent>
    </>
  )
}
