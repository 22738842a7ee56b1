import type { ReactNode } from 'react'

/** The cursor paging of an infinite query, as the "Load more" button needs it. */
export interface Paging {
  hasNextPage: boolean
  isFetchingNextPage: boolean
  fetchNextPage: () => unknown
}

/**
 * A data table on a card. `caption` names it for screen readers; `actions` adds a last column
 * (for per-row buttons) whose header only screen readers hear; `paging` adds "Load more".
 */
export function TableCard({
  caption,
  columns,
  actions = false,
  paging,
  children,
}: {
  caption: string
  columns: readonly string[]
  actions?: boolean
  paging?: Paging
  children: ReactNode
}) {
  return (
    <div className="card card--flush">
      <div className="table-scroll">
        <table className="table">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
              {actions && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      </div>
      {paging?.hasNextPage && (
        <div className="load-more">
          <button
            type="button"
            className="button"
            disabled={paging.isFetchingNextPage}
            onClick={() => paging.fetchNextPage()}
          >
            {paging.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </div>
  )
}
