import { queryOptions } from '@tanstack/react-query'
import { api } from '../../../lib/api'

export const tokensKey = ['tokens'] as const

export const tokensQuery = queryOptions({
  queryKey: tokensKey,
  queryFn: async () => (await api.tokens.list()).items,
})
