import type { CreateWorkspaceInput, Me } from '@rapport/api-client'
import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query'
import { api } from '../../../lib/api'
import { sessionKey } from '../../session/api/session-queries'

/** After a switch every cached answer belongs to the old workspace: replace the session, refetch the rest. */
async function enterWorkspace(queryClient: QueryClient, me: Me) {
  queryClient.setQueryData(sessionKey, me)
  await queryClient.resetQueries({ predicate: (query) => query.queryKey[0] !== sessionKey[0] })
}

export function useSwitchWorkspace() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (workspaceId: string) => api.workspaces.switch(workspaceId),
    onSuccess: (me) => enterWorkspace(queryClient, me),
  })
}

/** Creates a workspace and moves into it, as its owner. */
export function useCreateWorkspace() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (input: CreateWorkspaceInput) => {
      const workspace = await api.workspaces.create(input)
      return api.workspaces.switch(workspace.id)
    },
    onSuccess: (me) => enterWorkspace(queryClient, me),
  })
}
