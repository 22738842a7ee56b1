import type { CreateTokenInput } from '@rapport/api-client'
import { useQuery } from '@tanstack/react-query'
import { api } from '../../../lib/api'
import { useRefreshingMutation } from '../../../lib/mutations'
import { tokensKey, tokensQuery } from '../api/tokens-queries'

export function useTokens() {
  return useQuery(tokensQuery)
}

export function useCreateToken() {
  return useRefreshingMutation((input: CreateTokenInput) => api.tokens.create(input), tokensKey)
}

export function useRevokeToken() {
  return useRefreshingMutation((id: string) => api.tokens.revoke(id), tokensKey)
}
