import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query'

/** A change to the server after which the lists under `queryKey` are fetched again. */
export function useRefreshingMutation<TInput, TResult>(
  mutationFn: (input: TInput) => Promise<TResult>,
  queryKey: QueryKey,
) {
  const queryClient = useQueryClient()
  return useMutation({ mutationFn, onSuccess: () => queryClient.invalidateQueries({ queryKey }) })
}
