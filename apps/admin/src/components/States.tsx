import type { ReactNode } from 'react'
import { errorMessage, isApiError } from '../lib/api'

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  )
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state--empty">
      <p className="state__title">{title}</p>
      {children}
    </div>
  )
}

export function NoAccess() {
  return (
    <section className="state state--empty" aria-labelledby="no-access-title">
      <h1 id="no-access-title" className="state__title">
        You do not have access to this page
      </h1>
      <p>Your role in this workspace does not include it. Ask an owner or admin if you need it.</p>
    </section>
  )
}

/** A failed query: no access when the server says 403, otherwise its message and a retry. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (isApiError(error, 403)) return <NoAccess />
  return (
    <div className="state state--error" role="alert">
      <p className="state__title">This could not be loaded</p>
      <p>{errorMessage(error)}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  )
}

/** A failed form submit, above the form; field messages are shown next to their fields. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null
  return (
    <div className="alert alert--error" role="alert">
      {errorMessage(error)}
    </div>
  )
}
