import type { Profile, TimelineEntry } from '@rapport/api-client'
import { useEffect, useId, useMemo, useRef } from 'react'
import { useSearchParams } from 'react-router-dom'
import { EmptyState, ErrorState, Loading } from '../../../components/States'
import { formatDate, formatDateTime, formatMoney, formatTime } from '../../../lib/format'
import type { TimelineFilters } from '../api/customers-queries'
import {
  channelLabel,
  channels,
  entryKinds,
  recordTypeLabel,
  sourceNamer,
  traitLabel,
  valueText,
} from '../customer-words'
import { useLiveTimeline } from '../hooks/useCustomers'
import { ChannelIcon, iconKey } from './ChannelIcon'
import { FilterSelect } from './FilterSelect'

const kinds = new Set<string>(entryKinds.map((kind) => kind.value))

/** One line that says what the entry was about, when its name alone does not. */
function summaryOf(entry: TimelineEntry): string | undefined {
  const p = entry.properties
  switch (entry.kind) {
    case 'record': {
      const parts = [
        typeof p.recordType === 'string' && typeof p.externalId === 'string'
          ? `${recordTypeLabel(p.recordType)} ${p.externalId}`
          : undefined,
        typeof p.title === 'string' ? p.title : undefined,
        typeof p.amount === 'number'
          ? formatMoney(p.amount, typeof p.currency === 'string' ? p.currency : null)
          : undefined,
      ]
      return parts.filter(Boolean).join(' · ') || undefined
    }
    case 'feedback':
      return typeof p.text === 'string' && p.text ? `“${p.text}”` : undefined
    case 'identify': {
      const traits = p.traits && typeof p.traits === 'object' ? Object.keys(p.traits) : []
      if (traits.length === 0) return undefined
      const shown = traits.slice(0, 5).map((key) => traitLabel(key).toLowerCase())
      return `Set ${shown.join(', ')}${traits.length > 5 ? ` and ${traits.length - 5} more` : ''}`
    }
    case 'track': {
      const simple = Object.entries(p).filter(([, value]) =>
        ['string', 'number', 'boolean'].includes(typeof value),
      )
      if (simple.length === 0) return undefined
      return simple
        .slice(0, 3)
        .map(([key, value]) => `${traitLabel(key)}: ${valueText(value)}`)
        .join(' · ')
    }
  }
}

function dayOf(iso: string): string {
  return new Date(iso).toDateString()
}

function dayLabel(iso: string, now: Date): string {
  const day = new Date(iso)
  if (day.toDateString() === now.toDateString()) return 'Today'
  const yesterday = new Date(now)
  yesterday.setDate(now.getDate() - 1)
  if (day.toDateString() === yesterday.toDateString()) return 'Yesterday'
  return formatDate(iso)
}

/**
 * Every interaction, newest first, from every source: filtered by channel, type and source (in the
 * URL), loaded further as one scrolls, and live: new events appear on top within a few seconds.
 */
export function TimelineCard({ profile }: { profile: Profile }) {
  const id = useId()
  const [searchParams, setSearchParams] = useSearchParams()
  const channel = searchParams.get('channel') ?? ''
  const kind = searchParams.get('type') ?? ''
  const sourceId = searchParams.get('source') ?? ''
  const filters: TimelineFilters = useMemo(
    () => ({
      channel: channel || undefined,
      kind: kinds.has(kind) ? (kind as TimelineEntry['kind']) : undefined,
      sourceId: sourceId || undefined,
    }),
    [channel, kind, sourceId],
  )
  const filtered = Boolean(filters.channel || filters.kind || filters.sourceId)
  const { timeline, fresh, announcement } = useLiveTimeline(profile.id, filters)
  const sourceName = sourceNamer(profile)

  function setFilter(name: string, value: string) {
    setSearchParams(
      (params) => {
        if (value) params.set(name, value)
        else params.delete(name)
        return params
      },
      { preventScrollReset: true },
    )
  }

  // Infinite scroll: the next page loads as the end of the list comes near.
  const sentinel = useRef<HTMLDivElement>(null)
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = timeline
  useEffect(() => {
    const element = sentinel.current
    if (!element || !hasNextPage) return
    const observer = new IntersectionObserver(
      (seen) => {
        if (seen.some((entry) => entry.isIntersecting) && !isFetchingNextPage) void fetchNextPage()
      },
      { rootMargin: '600px 0px' },
    )
    observer.observe(element)
    return () => observer.disconnect()
  }, [hasNextPage, isFetchingNextPage, fetchNextPage])

  const entries = timeline.data ?? []
  const now = new Date()
  const days: { day: string; label: string; entries: TimelineEntry[] }[] = []
  for (const entry of entries) {
    const day = dayOf(entry.occurredAt)
    const last = days.at(-1)
    if (last?.day === day) last.entries.push(entry)
    else days.push({ day, label: dayLabel(entry.occurredAt, now), entries: [entry] })
  }

  return (
    <section className="card profile-card timeline-card" aria-labelledby={`${id}-title`}>
      <div className="profile-card__header">
        <h2 id={`${id}-title`}>Timeline</h2>
        <span className="live-pill" title="New events appear here within a few seconds">
          <span className="live-pill__dot" aria-hidden="true" />
          Live
        </span>
      </div>
      <form
        className="timeline-filters"
        aria-label="Filter the timeline"
        onSubmit={(e) => e.preventDefault()}
      >
        <FilterSelect
          label="Channel"
          value={channel}
          all="All channels"
          options={channels}
          onChange={(value) => setFilter('channel', value)}
        />
        <FilterSelect
          label="Type"
          value={filters.kind ?? ''}
          all="All types"
          options={entryKinds}
          onChange={(value) => setFilter('type', value)}
        />
        <FilterSelect
          label="Source"
          value={sourceId}
          all="All sources"
          options={profile.sources.map((source) => ({ value: source.id, label: source.name }))}
          onChange={(value) => setFilter('source', value)}
        />
        {filtered && (
          <button
            type="button"
            className="button button--ghost button--small timeline-filters__clear"
            onClick={() =>
              setSearchParams(
                (params) => {
                  for (const name of ['channel', 'type', 'source']) params.delete(name)
                  return params
                },
                { preventScrollReset: true },
              )
            }
          >
            Clear filters
          </button>
        )}
      </form>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      {timeline.isPending ? (
        <Loading label="Loading the timeline…" />
      ) : timeline.isError ? (
        <ErrorState error={timeline.error} onRetry={() => timeline.refetch()} />
      ) : entries.length === 0 ? (
        <EmptyState title={filtered ? 'No events match these filters' : 'No events yet'}>
          <p>
            {filtered
              ? 'Try another channel, type or source, or clear the filters.'
              : 'Interactions appear here as sources send them, within a few seconds.'}
          </p>
        </EmptyState>
      ) : (
        <>
          {days.map((group) => (
            <div key={group.day} className="timeline-day">
              <h3 className="timeline-day__label">{group.label}</h3>
              <ol className="timeline">
                {group.entries.map((entry) => (
                  <TimelineItem
                    key={entry.id}
                    entry={entry}
                    source={sourceName(entry.sourceId)}
                    fresh={fresh.has(entry.id)}
                  />
                ))}
              </ol>
            </div>
          ))}
          <div ref={sentinel} className="timeline-end">
            {timeline.hasNextPage ? (
              <button
                type="button"
                className="button button--small"
                disabled={timeline.isFetchingNextPage}
                onClick={() => timeline.fetchNextPage()}
              >
                {timeline.isFetchingNextPage ? 'Loading older events…' : 'Load older events'}
              </button>
            ) : (
              <p className="small muted">
                {filtered
                  ? 'No older events match.'
                  : `The beginning: first seen ${formatDateTime(profile.firstSeenAt)}.`}
              </p>
            )}
          </div>
        </>
      )}
    </section>
  )
}

function TimelineItem({ entry, source, fresh }: { entry: TimelineEntry; source: string; fresh: boolean }) {
  const icon = iconKey(entry)
  const summary = summaryOf(entry)
  const hasDetails = Object.keys(entry.properties).length > 0
  const kindLabel = entryKinds.find((kind) => kind.value === entry.kind)?.label ?? entry.kind
  return (
    <li className={fresh ? 'timeline__item timeline__item--new' : 'timeline__item'}>
      <span className={`timeline__icon timeline__icon--${icon}`}>
        <ChannelIcon name={icon} />
      </span>
      <div className="timeline__body">
        <div className="timeline__top">
          <span className="timeline__name">{entry.name}</span>
          {fresh && <span className="badge badge--info">New</span>}
          <time
            className="timeline__time"
            dateTime={entry.occurredAt}
            title={formatDateTime(entry.occurredAt)}
          >
            {formatTime(entry.occurredAt)}
          </time>
        </div>
        <p className="timeline__meta">
          <span>{entry.channel ? channelLabel(entry.channel) : kindLabel}</span>
          <span>from {source}</span>
          {entry.stage && <span className="badge">{traitLabel(entry.stage)}</span>}
        </p>
        {summary && <p className="timeline__summary">{summary}</p>}
        {hasDetails && (
          <details className="details timeline__details">
            <summary>
              Details<span className="visually-hidden"> of {entry.name}</span>
            </summary>
            <pre className="details__json">{JSON.stringify(entry.properties, null, 2)}</pre>
          </details>
        )}
      </div>
    </li>
  )
}
