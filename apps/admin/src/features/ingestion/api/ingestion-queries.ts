import { queryOptions } from '@tanstack/react-query'
import { api } from '../../../lib/api'
import { pagedQuery } from '../../../lib/paged-query'

export const ingestionKey = ['ingestion'] as const
export const deadLettersKey = [...ingestionKey, 'dead-letters'] as const

/** Health is a live figure: asked again every few seconds while the page is open. */
export const healthRefreshMs = 5000

export const healthQuery = queryOptions({
  queryKey: [...ingestionKey, 'health'],
  queryFn: () => api.ingestion.health(),
  refetchInterval: healthRefreshMs,
})

export const deadLettersQuery = pagedQuery(deadLettersKey, (cursor) => api.ingestion.deadLetters({ cursor }))
