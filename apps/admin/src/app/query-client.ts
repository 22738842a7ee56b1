import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query'
import { sessionKey } from '../features/session/api/session-queries'
import { isApiError } from '../lib/api'

/**
 * A 401 from any call means the session is gone (expired, signed out elsewhere, member deactivated):
 * forgetting it makes the app shell send the member to /login.
 */
function onError(error: unknown) {
  if (isApiError(error, 401)) queryClient.setQueryData(sessionKey, null)
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      // A 4xx will not change by asking again; a network blip or a 5xx might.
      retry: (failureCount, error) => !(isApiError(error) && error.status < 500) && failureCount < 2,
    },
  },
})
