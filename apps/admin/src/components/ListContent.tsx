import type { ReactNode } from 'react'
import { ErrorState, Loading } from './States'

/** What a list query and an infinite (paged) list query have in common. */
interface ListQuery<T> {
  isPending: boolean
  isError: boolean
  error: unknown
  data: T[] | undefined
  refetch: () => unknown
}

/** The loading, error and empty states of a list, and the list itself once it has items. */
export function ListContent<T>({
  query,
  loadingLabel,
  empty,
  children,
}: {
  query: ListQuery<T>
  loadingLabel: string
  empty: ReactNode
  children: (items: T[]) => ReactNode
}) {
  if (query.isPending) return <Loading label={loadingLabel} />
  if (query.isError || !query.data) return <ErrorState error={query.error} onRetry={() => query.refetch()} />
  return query.data.length === 0 ? empty : children(query.data)
}
