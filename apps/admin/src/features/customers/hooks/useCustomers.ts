import type { TimelineEntry } from '@rapport/api-client'
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useMemo, useState } from 'react'
import { api } from '../../../lib/api'
import { pluralize } from '../../../lib/format'
import {
  type CustomerFilters,
  customerKey,
  customerListQuery,
  customerSuggestionsQuery,
  customersKey,
  mergesQuery,
  profileQuery,
  recordsQuery,
  sourceOptionsQuery,
  type TimelineFilters,
  timelineHeadQuery,
  timelineQuery,
  traitHistoryQuery,
} from '../api/customers-queries'

export function useCustomerList(filters: CustomerFilters) {
  return useInfiniteQuery(customerListQuery(filters))
}

export function useCustomerSuggestions(q: string) {
  return useQuery(customerSuggestionsQuery(q))
}

export function useProfile(id: string) {
  return useQuery(profileQuery(id))
}

export function useRecords(id: string, type: string) {
  return useInfiniteQuery(recordsQuery(id, type))
}

export function useTraitHistory(id: string, key: string) {
  return useQuery(traitHistoryQuery(id, key))
}

export function useMerges(id: string) {
  return useQuery(mergesQuery(id))
}

export function useSourceOptions(enabled: boolean) {
  return useQuery({ ...sourceOptionsQuery, enabled })
}

/** Newest first; the ids are a sequence, so among equal times the greater id is the later row. */
function newestFirst(a: TimelineEntry, b: TimelineEntry): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt < b.occurredAt ? 1 : -1
  return a.id.length !== b.id.length ? b.id.length - a.id.length : b.id < a.id ? -1 : b.id > a.id ? 1 : 0
}

/** How long an event that arrived while the page was open is marked as new. */
const freshForMs = 15_000

/**
 * The timeline, paged by infinite scroll, kept live: the newest events are asked for every few
 * seconds and any the page does not show yet are added on top, without reloading the pages below.
 * `fresh` holds the ids that arrived that way, to mark and announce them.
 */
export function useLiveTimeline(id: string, filters: TimelineFilters) {
  const queryClient = useQueryClient()
  const options = useMemo(() => timelineQuery(id, filters), [id, filters])
  const timeline = useInfiniteQuery(options)
  const head = useQuery({ ...timelineHeadQuery(id, filters), enabled: timeline.isSuccess })
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set())
  // What a screen reader hears when events arrive: the count of the last arrival.
  const [announcement, setAnnouncement] = useState('')
  const latest = head.data
  const latestAt = head.dataUpdatedAt

  useEffect(() => {
    if (!latest) return
    // An answer older than the list (which an unmerge or erase just reloaded) has nothing new.
    const listAt = queryClient.getQueryState(options.queryKey)?.dataUpdatedAt ?? 0
    if (latestAt < listAt) return
    let added: TimelineEntry[] = []
    queryClient.setQueryData(options.queryKey, (data) => {
      const [first, ...rest] = data?.pages ?? []
      if (!data || !first) return data
      const known = new Set(data.pages.flatMap((page) => page.items.map((entry) => entry.id)))
      added = latest.items.filter((entry) => !known.has(entry.id))
      if (added.length === 0) return data
      // The head is the newest 20, so whatever is new belongs on the first page.
      return { ...data, pages: [{ ...first, items: [...added, ...first.items].sort(newestFirst) }, ...rest] }
    })
    if (added.length === 0) return
    const ids = added.map((entry) => entry.id)
    setFresh((current) => new Set([...current, ...ids]))
    setAnnouncement(`${pluralize(ids.length, 'new event')} on the timeline`)
    setTimeout(() => setFresh((current) => new Set([...current].filter((x) => !ids.includes(x)))), freshForMs)
  }, [latest, latestAt, queryClient, options])

  // Another filter is another list: nothing in it is news.
  useEffect(() => {
    setFresh(new Set())
    setAnnouncement('')
  }, [options])

  return { timeline, fresh, announcement }
}

export function useUnmerge(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (mergeId: string) => api.customers.unmerge(id, mergeId),
    onSuccess: async () => {
      // Rows move between two profiles: both pages, and the list, are stale.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['customer'] }),
        queryClient.invalidateQueries({ queryKey: customersKey }),
      ])
    },
  })
}

export function useEraseCustomer(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (options: { suppress: boolean }) => api.customers.erase(id, options),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: customerKey(id) })
      await queryClient.invalidateQueries({ queryKey: customersKey })
    },
  })
}
