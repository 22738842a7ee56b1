import type { ReactNode } from 'react'
import { Link } from 'react-router-dom'

/** The way up from a detail page or a form, above its heading. */
export function BackLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Link to={to} className="back-link">
      <span aria-hidden="true">←</span> {children}
    </Link>
  )
}
