import { api } from '../../../lib/api'
import { pagedQuery } from '../../../lib/paged-query'

export const usersKey = ['users'] as const

export const usersQuery = pagedQuery(usersKey, (cursor) => api.users.list({ cursor }))
