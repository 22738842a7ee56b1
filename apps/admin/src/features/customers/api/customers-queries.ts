import type { CustomerQuery, TimelineQuery } from '@rapport/api-client'
import { keepPreviousData, queryOptions } from '@tanstack/react-query'
import { api } from '../../../lib/api'
import { pagedQuery } from '../../../lib/paged-query'

/** The customer list and search answers. */
export const customersKey = ['customers'] as const
/** Everything about one customer: invalidating it refreshes the whole profile page. */
export const customerKey = (id: string) => ['customer', id] as const

export type CustomerFilters = Pick<CustomerQuery, 'q' | 'sourceId' | 'seenSince'>

export function customerListQuery(filters: CustomerFilters) {
  return {
    ...pagedQuery([...customersKey, 'list', filters], (cursor) =>
      api.customers.search({ ...filters, cursor }),
    ),
    // While a search is typed, the previous answer stays on screen instead of a spinner per key.
    placeholderData: keepPreviousData,
  }
}

/** The few best matches for the search box in the top bar. */
export function customerSuggestionsQuery(q: string) {
  return queryOptions({
    queryKey: [...customersKey, 'suggest', q],
    queryFn: () => api.customers.search({ q, limit: 8 }),
    enabled: q.length > 0,
    staleTime: 10_000,
    placeholderData: keepPreviousData,
  })
}

/** How often an open profile asks for news: new events show up within a few seconds. */
export const livePollMs = 4_000

export function profileQuery(id: string) {
  return queryOptions({
    queryKey: [...customerKey(id), 'profile'],
    queryFn: () => api.customers.get(id),
    refetchInterval: livePollMs,
  })
}

export type TimelineFilters = Pick<TimelineQuery, 'channel' | 'kind' | 'sourceId'>

export function timelineQuery(id: string, filters: TimelineFilters) {
  return pagedQuery([...customerKey(id), 'timeline', filters], (cursor) =>
    api.customers.timeline(id, { ...filters, cursor }),
  )
}

/** The newest events only, asked for again every few seconds; new ones are added to the timeline. */
export function timelineHeadQuery(id: string, filters: TimelineFilters) {
  return queryOptions({
    queryKey: [...customerKey(id), 'timeline-head', filters],
    queryFn: () => api.customers.timeline(id, { ...filters, limit: 20 }),
    refetchInterval: livePollMs,
  })
}

export function recordsQuery(id: string, type: string) {
  return pagedQuery([...customerKey(id), 'records', type], (cursor) =>
    api.customers.records(id, { type, cursor, limit: 10 }),
  )
}

export function traitHistoryQuery(id: string, key: string) {
  return queryOptions({
    queryKey: [...customerKey(id), 'trait', key],
    queryFn: () => api.customers.traitHistory(id, key),
  })
}

export function mergesQuery(id: string) {
  return queryOptions({
    queryKey: [...customerKey(id), 'merges'],
    queryFn: () => api.customers.merges(id),
  })
}

/** Names for the source filter of the list: only members who may see sources get one. */
export const sourceOptionsQuery = queryOptions({
  queryKey: [...customersKey, 'source-options'],
  queryFn: async () =>
    (await api.sources.list()).items.map((source) => ({ id: source.id, name: source.name })),
  staleTime: 60_000,
})
