import type { ChangePasswordInput } from '@rapport/api-client'
import { useMutation } from '@tanstack/react-query'
import { api } from '../../../lib/api'

export function useChangePassword() {
  return useMutation({ mutationFn: (input: ChangePasswordInput) => api.me.changePassword(input) })
}
