import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { api } from '../../../lib/api'
import { useRefreshingMutation } from '../../../lib/mutations'
import { deadLettersQuery, healthQuery, ingestionKey } from '../api/ingestion-queries'

export function useIngestionHealth() {
  return useQuery(healthQuery)
}

export function useDeadLetters() {
  return useInfiniteQuery({ ...deadLettersQuery, refetchInterval: 15_000 })
}

/** Retry and discard change the list and the health figures: both are fetched again. */
export function useRetryDeadLetter() {
  return useRefreshingMutation((id: string) => api.ingestion.retryDeadLetter(id), ingestionKey)
}

export function useDiscardDeadLetter() {
  return useRefreshingMutation((id: string) => api.ingestion.discardDeadLetter(id), ingestionKey)
}
