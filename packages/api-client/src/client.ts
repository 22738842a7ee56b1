import type {
  AuditEntryView,
  ChangePasswordInput,
  CreatedToken,
  CreateTokenInput,
  CreateUserInput,
  CreateWorkspaceInput,
  LoginInput,
  Me,
  MemberWorkspace,
  Page,
  Problem,
  TokenView,
  UpdateUserInput,
  UserView,
} from './contract.js'
import type {
  CustomerQuery,
  CustomerSummary,
  EraseResult,
  MergeHistory,
  Profile,
  RecordView,
  TimelineEntry,
  TimelineQuery,
  TraitHistory,
  UnmergeResult,
} from './customers-contract.js'
import type {
  CheckResultView,
  CreatedSource,
  CreateSourceInput,
  DeadLetterView,
  IngestionHealth,
  PluginView,
  SourceView,
  SyncRunView,
  UpdateSourceInput,
} from './sources-contract.js'

/** A non-2xx answer, carrying the server's problem+json so a form can show each field's error. */
export class ApiError extends Error {
  readonly status: number
  readonly problem: Problem

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title)
    this.name = 'ApiError'
    this.status = problem.status
    this.problem = problem
  }

  /** Field errors keyed by path (`email`, `scopes.0`); the first message wins per path. */
  get fieldErrors(): Record<string, string> {
    const byPath: Record<string, string> = {}
    for (const error of this.problem.errors ?? []) byPath[error.path] ??= error.message
    return byPath
  }
}

export interface ApiClientOptions {
  /** Origin (and path prefix) of the server; '' means the page's own origin. */
  baseUrl?: string
  fetch?: typeof fetch
  /** A bearer API token, for scripts. Without it the session cookie is used. */
  token?: string
}

export interface PageQuery {
  cursor?: string | undefined
  limit?: number | undefined
}

type Query = Record<string, string | number | undefined>

interface RequestOptions {
  body?: unknown
  query?: Query
  /** A body sent as it is (a file upload), instead of `body` as JSON. */
  raw?: { content: Blob | string; contentType: string }
}

export type ApiClient = ReturnType<typeof createApiClient>

export function createApiClient(options: ApiClientOptions = {}) {
  const baseUrl = options.baseUrl ?? ''
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  // Cookie-authenticated writes must echo the session's CSRF token; the server hands it out in Me.
  let csrfToken: string | undefined

  async function request<T>(
    method: string,
    path: string,
    { body, query, raw }: RequestOptions = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (raw) headers['content-type'] = raw.contentType
    if (options.token) headers.authorization = `Bearer ${options.token}`
    if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken

    const response = await doFetch(`${baseUrl}${path}${queryString(query)}`, {
      method,
      headers,
      credentials: 'include',
      ...(raw ? { body: raw.content } : body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await response.text()
    const parsed: unknown = text ? parseJson(text) : undefined
    if (!response.ok) throw new ApiError(toProblem(response, parsed))
    return parsed as T
  }

  /** Every answer that is a Me carries the current CSRF token. */
  async function remember(me: Promise<Me>): Promise<Me> {
    const value = await me
    csrfToken = value.csrfToken
    return value
  }

  return {
    auth: {
      login: (input: LoginInput) => remember(request<Me>('POST', '/api/v1/auth/login', { body: input })),
      logout: async () => {
        await request<void>('POST', '/api/v1/auth/logout')
        csrfToken = undefined
      },
    },
    me: {
      get: () => remember(request<Me>('GET', '/api/v1/me')),
      changePassword: (input: ChangePasswordInput) =>
        request<void>('PATCH', '/api/v1/me/password', { body: input }),
    },
    workspaces: {
      list: () => request<{ items: MemberWorkspace[] }>('GET', '/api/v1/workspaces'),
      create: (input: CreateWorkspaceInput) =>
        request<MemberWorkspace>('POST', '/api/v1/workspaces', { body: input }),
      switch: (id: string) => remember(request<Me>('POST', `/api/v1/workspaces/${segment(id)}/switch`)),
    },
    users: {
      list: (query: PageQuery = {}) =>
        request<Page<UserView>>('GET', '/api/v1/users', { query: { ...query } }),
      get: (id: string) => request<UserView>('GET', `/api/v1/users/${segment(id)}`),
      create: (input: CreateUserInput) => request<UserView>('POST', '/api/v1/users', { body: input }),
      update: (id: string, input: UpdateUserInput) =>
        request<UserView>('PATCH', `/api/v1/users/${segment(id)}`, { body: input }),
    },
    tokens: {
      list: () => request<{ items: TokenView[] }>('GET', '/api/v1/tokens'),
      create: (input: CreateTokenInput) => request<CreatedToken>('POST', '/api/v1/tokens', { body: input }),
      revoke: (id: string) => request<void>('DELETE', `/api/v1/tokens/${segment(id)}`),
    },
    auditLog: {
      list: (query: PageQuery & { action?: string | undefined } = {}) =>
        request<Page<AuditEntryView>>('GET', '/api/v1/audit-log', { query: { ...query } }),
    },
    customers: {
      search: (query: CustomerQuery = {}) =>
        request<Page<CustomerSummary>>('GET', '/api/v1/customers', { query: { ...query } }),
      get: (id: string) => request<Profile>('GET', `/api/v1/customers/${segment(id)}`),
      lookup: (type: string, value: string) =>
        request<Profile>('GET', '/api/v1/customers/lookup', { query: { type, value } }),
      timeline: (id: string, query: TimelineQuery = {}) =>
        request<Page<TimelineEntry>>('GET', `/api/v1/customers/${segment(id)}/timeline`, {
          query: { ...query },
        }),
      records: (id: string, query: PageQuery & { type?: string | undefined } = {}) =>
        request<Page<RecordView>>('GET', `/api/v1/customers/${segment(id)}/records`, {
          query: { ...query },
        }),
      traitHistory: (id: string, key: string) =>
        request<TraitHistory>('GET', `/api/v1/customers/${segment(id)}/traits/${segment(key)}`),
      merges: (id: string) => request<MergeHistory>('GET', `/api/v1/customers/${segment(id)}/merges`),
      unmerge: (id: string, mergeId: string) =>
        request<UnmergeResult>('POST', `/api/v1/customers/${segment(id)}/merges/${segment(mergeId)}/undo`),
      erase: (id: string, options: { suppress?: boolean } = {}) =>
        request<EraseResult>('DELETE', `/api/v1/customers/${segment(id)}`, {
          query: { suppress: options.suppress ? 'true' : undefined },
        }),
    },
    plugins: {
      list: () => request<{ items: PluginView[] }>('GET', '/api/v1/plugins'),
    },
    sources: {
      list: () => request<{ items: SourceView[] }>('GET', '/api/v1/sources'),
      get: (id: string) => request<SourceView>('GET', `/api/v1/sources/${segment(id)}`),
      create: (input: CreateSourceInput) =>
        request<CreatedSource>('POST', '/api/v1/sources', { body: input }),
      update: (id: string, input: UpdateSourceInput) =>
        request<SourceView>('PATCH', `/api/v1/sources/${segment(id)}`, { body: input }),
      remove: (id: string) => request<void>('DELETE', `/api/v1/sources/${segment(id)}`),
      check: (id: string) => request<CheckResultView>('POST', `/api/v1/sources/${segment(id)}/check`),
      writeKey: (id: string) =>
        request<{ writeKey: string }>('GET', `/api/v1/sources/${segment(id)}/write-key`),
      sync: (id: string) => request<SyncRunView>('POST', `/api/v1/sources/${segment(id)}/sync`),
      /** Starts reading a file (a CSV) with the plugin's upload options; answers with the running run. */
      upload: (id: string, file: Blob | string, options: unknown, contentType = 'text/csv') =>
        request<SyncRunView>('POST', `/api/v1/sources/${segment(id)}/uploads`, {
          query: { options: JSON.stringify(options) },
          raw: { content: file, contentType },
        }),
      runs: (id: string, query: PageQuery = {}) =>
        request<Page<SyncRunView>>('GET', `/api/v1/sources/${segment(id)}/runs`, { query: { ...query } }),
    },
    syncRuns: {
      get: (id: string) => request<SyncRunView>('GET', `/api/v1/sync-runs/${segment(id)}`),
    },
    ingestion: {
      health: () => request<IngestionHealth>('GET', '/api/v1/ingestion/health'),
      deadLetters: (query: PageQuery = {}) =>
        request<Page<DeadLetterView>>('GET', '/api/v1/dead-letters', { query: { ...query } }),
      retryDeadLetter: (id: string) => request<void>('POST', `/api/v1/dead-letters/${segment(id)}/retry`),
      discardDeadLetter: (id: string) => request<void>('DELETE', `/api/v1/dead-letters/${segment(id)}`),
    },
  }
}

function segment(value: string): string {
  return encodeURIComponent(value)
}

function queryString(query: Query | undefined): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** The server's problem+json when it sent one; otherwise a problem built from the status line. */
function toProblem(response: Response, body: unknown): Problem {
  if (isProblem(body)) return { ...body, status: response.status }
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    ...(typeof body === 'string' && body ? { detail: body.slice(0, 500) } : {}),
  }
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as { title?: unknown }).title === 'string'
}
