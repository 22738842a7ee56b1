import { Suspense } from 'react'
import { Link, Navigate, Outlet, useLocation } from 'react-router-dom'
import { ErrorState, Loading } from '../components/States'
import { CustomerSearch } from '../features/customers/components/CustomerSearch'
import { MeContext, useSession } from '../features/session/hooks/useSession'
import { WorkspaceSwitcher } from '../features/workspaces/components/WorkspaceSwitcher'
import { Navigation } from './Navigation'
import { UserMenu } from './UserMenu'

/** Everything behind sign-in: header, navigation and the page. No session: off to /login. */
export function AppShell() {
  const session = useSession()
  const location = useLocation()

  if (session.isPending) return <Loading />
  if (session.isError) {
    return (
      <main className="standalone">
        <ErrorState error={session.error} onRetry={() => session.refetch()} />
      </main>
    )
  }
  if (!session.data) {
    const next = `${location.pathname}${location.search}`
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />
  }

  return (
    <MeContext value={session.data}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="shell">
        <header className="topbar">
          <Link to="/" className="brand">
            <span className="brand__mark" aria-hidden="true">
              R
            </span>
            Rapport
          </Link>
          <WorkspaceSwitcher />
          <CustomerSearch />
          <div className="topbar__end">
            <UserMenu />
          </div>
        </header>
        <Navigation />
        <main id="main" className="content" tabIndex={-1}>
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </MeContext>
  )
}
