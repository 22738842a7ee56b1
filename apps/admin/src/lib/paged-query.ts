import type { Page } from '@rapport/api-client'
import { infiniteQueryOptions, type QueryKey } from '@tanstack/react-query'

/** A cursor-paged list as an infinite query: each "Load more" asks for the page after the last one. */
export function pagedQuery<T>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
) {
  return infiniteQueryOptions({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    select: (data) => data.pages.flatMap((page) => page.items),
  })
}
