import type { CreateSourceInput, SourceView, UpdateSourceInput } from '@rapport/api-client'
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../../lib/api'
import { useRefreshingMutation } from '../../../lib/mutations'
import {
  isLive,
  pluginsQuery,
  sourceQuery,
  sourceRunsQuery,
  sourcesKey,
  sourcesQuery,
  syncRunKey,
  syncRunQuery,
  writeKeyQuery,
} from '../api/sources-queries'

export function usePlugins() {
  return useQuery(pluginsQuery)
}

export function useSources() {
  return useQuery(sourcesQuery)
}

/** A source; asked again every few seconds while it syncs, or while its listener is starting. */
export function useSource(id: string) {
  return useQuery({
    ...sourceQuery(id),
    refetchInterval: (query) => (isBusy(query.state.data) ? 1500 : false),
  })
}

export function isBusy(source: SourceView | undefined): boolean {
  if (!source) return false
  return (source.lastRun !== null && isLive(source.lastRun)) || source.listener?.state === 'starting'
}

/**
 * The run history. It follows its own running (or still processing) runs until they settle, and
 * whatever the source says is under way.
 */
export function useSourceRuns(id: string, live: boolean) {
  return useInfiniteQuery({
    ...sourceRunsQuery(id),
    refetchInterval: (query) =>
      live || query.state.data?.pages.some((page) => page.items.some((run) => isLive(run))) ? 1500 : false,
  })
}

export function useSyncRun(id: string | undefined) {
  return useQuery({ ...syncRunQuery(id ?? ''), enabled: Boolean(id) })
}

export function useWriteKey(id: string, enabled: boolean) {
  return useQuery({ ...writeKeyQuery(id), enabled })
}

export function useCreateSource() {
  return useRefreshingMutation((input: CreateSourceInput) => api.sources.create(input), sourcesKey)
}

export function useUpdateSource(id: string) {
  return useRefreshingMutation((input: UpdateSourceInput) => api.sources.update(id, input), sourcesKey)
}

export function useDeleteSource(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => api.sources.remove(id),
    onSuccess: () => {
      // The detail page is left at once: its queries must not ask for a source that is gone.
      queryClient.removeQueries({ queryKey: [...sourcesKey, id] })
      return queryClient.invalidateQueries({ queryKey: sourcesKey, exact: true })
    },
  })
}

/** Test connection: not a change, so nothing is refreshed; the result is the mutation's data. */
export function useCheckSource(id: string) {
  return useMutation({ mutationFn: () => api.sources.check(id) })
}

export function useSyncSource(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => api.sources.sync(id),
    onSuccess: (run) => {
      queryClient.setQueryData(syncRunKey(run.id), run)
      return queryClient.invalidateQueries({ queryKey: sourcesKey })
    },
  })
}

export function useUploadFile(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ file, options }: { file: Blob; options: unknown }) =>
      api.sources.upload(id, file, options),
    onSuccess: (run) => {
      queryClient.setQueryData(syncRunKey(run.id), run)
      return queryClient.invalidateQueries({ queryKey: sourcesKey })
    },
  })
}
