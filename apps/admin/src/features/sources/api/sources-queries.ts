import type { SyncRunView } from '@rapport/api-client'
import { queryOptions } from '@tanstack/react-query'
import { api } from '../../../lib/api'
import { pagedQuery } from '../../../lib/paged-query'

export const pluginsKey = ['plugins'] as const
export const sourcesKey = ['sources'] as const

/** What the server can connect to; it changes only with a restart, so it is kept for the session. */
export const pluginsQuery = queryOptions({
  queryKey: pluginsKey,
  queryFn: async () => (await api.plugins.list()).items,
  staleTime: Number.POSITIVE_INFINITY,
})

export const sourcesQuery = queryOptions({
  queryKey: sourcesKey,
  queryFn: async () => (await api.sources.list()).items,
})

export function sourceQuery(id: string) {
  return queryOptions({ queryKey: [...sourcesKey, id], queryFn: () => api.sources.get(id) })
}

export function sourceRunsQuery(id: string) {
  return pagedQuery([...sourcesKey, id, 'runs'], (cursor) => api.sources.runs(id, { cursor }))
}

export function writeKeyQuery(id: string) {
  return queryOptions({
    queryKey: [...sourcesKey, id, 'write-key'],
    queryFn: async () => (await api.sources.writeKey(id)).writeKey,
    staleTime: Number.POSITIVE_INFINITY,
  })
}

export const syncRunKey = (id: string) => ['sync-runs', id] as const

/** A run, asked again every second while it runs: live progress without a push channel. */
export function syncRunQuery(id: string) {
  return queryOptions({
    queryKey: syncRunKey(id),
    queryFn: () => api.syncRuns.get(id),
    refetchInterval: (query) => (isLive(query.state.data) ? 1000 : false),
  })
}

/** How long after a run ends its envelopes are still watched on their way to the profiles. */
const processingWatchMs = 10 * 60_000

/** Running, or finished recently with envelopes still being processed: worth asking again. */
export function isLive(run: SyncRunView | undefined): boolean {
  if (!run) return true
  if (run.status === 'running') return true
  const finished = Date.parse(run.finishedAt ?? run.startedAt)
  return unprocessed(run) > 0 && Date.now() - finished < processingWatchMs
}

/** Envelopes the run delivered that the processor has not dealt with yet. */
export function unprocessed(run: SyncRunView): number {
  const { created, updated, merged, skipped, deadLettered } = run.processed
  return Math.max(0, run.envelopes - created - updated - merged - skipped - deadLettered)
}

/** Finished, and everything it delivered is on the profiles (or in the dead letters). */
export function isSettled(run: SyncRunView | undefined): boolean {
  return run !== undefined && run.status !== 'running' && unprocessed(run) === 0
}
