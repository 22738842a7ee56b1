import { useRouteError } from 'react-router-dom'
import { ErrorState } from '../components/States'

/** Last resort for a rendering error: a message and a way back instead of a blank page. */
export function RouteError() {
  const error = useRouteError()
  return (
    <main className="standalone">
      <ErrorState error={error} onRetry={() => window.location.reload()} />
    </main>
  )
}
