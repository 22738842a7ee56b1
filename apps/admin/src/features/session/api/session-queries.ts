import type { Me } from '@rapport/api-client'
import { queryOptions } from '@tanstack/react-query'
import { api, isApiError } from '../../../lib/api'

export const sessionKey = ['session'] as const

/** The signed-in member, or null when there is no session (a 401 is an answer here, not an error). */
export const sessionQuery = queryOptions({
  queryKey: sessionKey,
  queryFn: async (): Promise<Me | null> => {
    try {
      return await api.me.get()
    } catch (error) {
      if (isApiError(error, 401)) return null
      throw error
    }
  },
  staleTime: 60_000,
})
