import type { CreateUserInput, UpdateUserInput } from '@rapport/api-client'
import { useInfiniteQuery } from '@tanstack/react-query'
import { api } from '../../../lib/api'
import { useRefreshingMutation } from '../../../lib/mutations'
import { usersKey, usersQuery } from '../api/users-queries'

export function useUsers() {
  return useInfiniteQuery(usersQuery)
}

export function useCreateUser() {
  return useRefreshingMutation((input: CreateUserInput) => api.users.create(input), usersKey)
}

export function useUpdateUser() {
  return useRefreshingMutation(
    ({ id, ...input }: UpdateUserInput & { id: string }) => api.users.update(id, input),
    usersKey,
  )
}
