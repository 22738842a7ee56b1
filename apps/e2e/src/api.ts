import { type ApiClient, createApiClient } from '@rapport/api-client'

/**
 * The typed API client signed in as a member, for a test's script steps (seeding data, checking
 * what the UI did). Node's fetch keeps no cookies, so this one carries the session's own.
 */
export async function signedInApi(url: string, email: string, password: string): Promise<ApiClient> {
  let cookie = ''
  const client = createApiClient({
    baseUrl: url,
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers)
      if (cookie) headers.set('cookie', cookie)
      const response = await fetch(input, { ...init, headers })
      const set = response.headers.get('set-cookie')
      if (set?.startsWith('rapport_session=')) cookie = set.split(';')[0] ?? ''
      return response
    },
  })
  await client.auth.login({ email, password })
  return client
}
