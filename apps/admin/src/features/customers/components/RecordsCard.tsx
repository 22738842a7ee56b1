import type { Profile, RecordView } from '@rapport/api-client'
import { isOpenRecord } from '@rapport/domain'
import { type KeyboardEvent, useId, useRef } from 'react'
import { useSearchParams } from 'react-router-dom'
import { ErrorState, Loading } from '../../../components/States'
import { capitalize, formatDate, formatDateTime, formatMoney, formatNumber } from '../../../lib/format'
import { countOf, recordTypeLabel, sortRecordTypes, sourceNamer } from '../customer-words'
import { useRecords } from '../hooks/useCustomers'

/** Statuses that mean it went well, for a green badge; open ones are amber, the rest grey. */
const settledWell = new Set([
  'paid',
  'solved',
  'closed',
  'won',
  'closedwon',
  'closed-won',
  'active',
  'delivered',
  'done',
  'completed',
  'succeeded',
  'fulfilled',
])

function statusClass(record: RecordView): string {
  if (!record.status) return 'badge'
  const status = record.status
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
  if (isOpenRecord(record.type, record.status)) return 'badge badge--warning'
  if (settledWell.has(status)) return 'badge badge--success'
  if (/fail|past-due|unpaid|lost|cancel|refund|void/.test(status)) return 'badge badge--danger'
  return 'badge'
}

/**
 * Orders, invoices, subscriptions, deals, tickets… grouped by type as tabs (the chosen one is in
 * the URL as `records`), each with its status.
 */
export function RecordsCard({ profile }: { profile: Profile }) {
  const id = useId()
  const types = sortRecordTypes(Object.keys(profile.records.counts))
  const [searchParams, setSearchParams] = useSearchParams()
  const asked = searchParams.get('records')
  const selected = asked && types.includes(asked) ? asked : types[0]
  const tabs = useRef<(HTMLButtonElement | null)[]>([])
  const total = types.reduce((sum, type) => sum + (profile.records.counts[type] ?? 0), 0)

  function select(type: string) {
    setSearchParams(
      (params) => {
        params.set('records', type)
        return params
      },
      { replace: true, preventScrollReset: true },
    )
  }

  // Arrow keys move between tabs (and show each), as in every tab list.
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = types.indexOf(selected ?? '')
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: types.length - 1 }[event.key]
    if (next === undefined) return
    event.preventDefault()
    const wrapped = (next + types.length) % types.length
    const type = types[wrapped]
    if (type) {
      select(type)
      tabs.current[wrapped]?.focus()
    }
  }

  return (
    <section className="card profile-card" aria-labelledby={`${id}-title`}>
      <div className="profile-card__header">
        <h2 id={`${id}-title`}>Records</h2>
        <span className="profile-card__count">{formatNumber(total)}</span>
      </div>
      {!selected ? (
        <p className="muted">
          No records yet. Orders, invoices, subscriptions, deals and tickets appear here when a connector or
          an import sends them.
        </p>
      ) : (
        <>
          <div role="tablist" aria-label="Record types" className="tabs" onKeyDown={onKeyDown}>
            {types.map((type, index) => (
              <button
                key={type}
                ref={(element) => {
                  tabs.current[index] = element
                }}
                type="button"
                role="tab"
                id={`${id}-tab-${type}`}
                aria-selected={type === selected}
                aria-controls={`${id}-panel`}
                tabIndex={type === selected ? 0 : -1}
                className="tabs__tab"
                onClick={() => select(type)}
              >
                {recordTypeLabel(type, true)}
                <span className="tabs__count">{formatNumber(profile.records.counts[type] ?? 0)}</span>
              </button>
            ))}
          </div>
          <div
            role="tabpanel"
            id={`${id}-panel`}
            aria-labelledby={`${id}-tab-${selected}`}
            className="tabs__panel"
          >
            <RecordList key={selected} profile={profile} type={selected} />
          </div>
        </>
      )}
    </section>
  )
}

function RecordList({ profile, type }: { profile: Profile; type: string }) {
  const records = useRecords(profile.id, type)
  const sourceName = sourceNamer(profile)
  const open = profile.records.open[type] ?? 0
  if (records.isPending) return <Loading label={`Loading ${recordTypeLabel(type, true).toLowerCase()}…`} />
  if (records.isError) return <ErrorState error={records.error} onRetry={() => records.refetch()} />
  const count = profile.records.counts[type] ?? 0
  return (
    <>
      <p className="small muted records__summary">
        {countOf(count, type)}
        {open > 0 && `, ${formatNumber(open)} open`}, newest first
      </p>
      <ul className="record-list">
        {records.data.map((record) => (
          <li key={record.id} className={record.deleted ? 'record record--deleted' : 'record'}>
            <div className="record__main">
              <span className="record__title">
                {record.title ?? `${recordTypeLabel(record.type)} ${record.externalId}`}
              </span>
              {record.status && (
                <span className={statusClass(record)}>
                  {capitalize(record.status.replace(/[_-]+/g, ' '))}
                </span>
              )}
              {record.deleted && <span className="badge">Deleted</span>}
            </div>
            <div className="record__meta">
              {record.title && <span className="mono">{record.externalId}</span>}
              <time dateTime={record.occurredAt} title={formatDateTime(record.occurredAt)}>
                {formatDate(record.occurredAt)}
              </time>
              <span>{sourceName(record.sourceId)}</span>
              {record.amount !== null && (
                <span className="record__amount">{formatMoney(record.amount, record.currency)}</span>
              )}
            </div>
          </li>
        ))}
      </ul>
      {records.hasNextPage && (
        <button
          type="button"
          className="button button--small records__more"
          disabled={records.isFetchingNextPage}
          onClick={() => records.fetchNextPage()}
        >
          {records.isFetchingNextPage ? 'Loading…' : `Show more ${recordTypeLabel(type, true).toLowerCase()}`}
        </button>
      )}
    </>
  )
}
