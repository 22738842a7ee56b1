import type { LoginInput, Me } from '@rapport/api-client'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { createContext, useContext } from 'react'
import { api, isApiError } from '../../../lib/api'
import { sessionKey, sessionQuery } from '../api/session-queries'

export function useSession() {
  return useQuery(sessionQuery)
}

/** The signed-in member inside the app shell, which renders only once there is one. */
export const MeContext = createContext<Me | null>(null)

export function useMe(): Me {
  const me = useContext(MeContext)
  if (!me) throw new Error('useMe is used outside the signed-in app shell')
  return me
}

export function useLogin() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: LoginInput) => api.auth.login(input),
    onSuccess: (me) => {
      // Nothing cached may survive from another member's session.
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKey[0] })
      queryClient.setQueryData(sessionKey, me)
    },
  })
}

export function useLogout() {
  return useMutation({
    mutationFn: () => api.auth.logout(),
    // A full page load drops every cached answer and the CSRF token of the old session at once.
    // A 401 means the session had already ended: just as good.
    onSettled: (_, error) => {
      if (!error || isApiError(error, 401)) window.location.assign('/login')
    },
  })
}
