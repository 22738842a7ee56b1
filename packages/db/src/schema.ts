import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json = ColumnType<unknown, string, string>

/**
 * The whole schema as Kysely sees it. Table interfaces live only here.
 * Every table that holds workspace data carries workspace_id; `users` (a login identity that may
 * belong to several workspaces) and `login_attempts` (before anyone is known) are the exceptions.
 */
export interface Database {
  workspaces: WorkspacesTable
  users: UsersTable
  memberships: MembershipsTable
  sessions: SessionsTable
  api_tokens: ApiTokensTable
  audit_log: AuditLogTable
  login_attempts: LoginAttemptsTable
}

export interface WorkspacesTable {
  id: Generated<string>
  name: string
  slug: string
  created_at: CreatedAt
}

export interface UsersTable {
  id: Generated<string>
  email: string
  name: string
  password_hash: string
  created_at: CreatedAt
  last_login_at: Timestamp | null
}

export interface MembershipsTable {
  workspace_id: string
  user_id: string
  role: 'owner' | 'admin' | 'analyst' | 'agent' | 'viewer'
  active: Generated<boolean>
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface SessionsTable {
  /** sha256 of the cookie value: a database leak does not hand out sessions. */
  id: string
  user_id: string
  workspace_id: string
  csrf_token: string
  ip: string | null
  user_agent: string | null
  created_at: CreatedAt
  expires_at: Timestamp
  last_seen_at: Timestamp
}

export interface ApiTokensTable {
  id: Generated<string>
  workspace_id: string
  name: string
  /** sha256 of the token; the token itself is shown once and never stored. */
  token_hash: string
  /** First characters of the token, to recognise it in a list. */
  prefix: string
  scopes: string[]
  created_by: string | null
  created_at: CreatedAt
  expires_at: Timestamp | null
  last_used_at: Timestamp | null
  revoked_at: Timestamp | null
}

export interface AuditLogTable {
  id: Generated<string>
  workspace_id: string
  actor_user_id: string | null
  actor_token_id: string | null
  /** Who acted, as shown to people: an e-mail or a token name, kept even if the actor is deleted. */
  actor_label: string
  action: string
  target_type: string
  target_id: string | null
  details: Json
  ip: string | null
  user_agent: string | null
  created_at: CreatedAt
}

export interface LoginAttemptsTable {
  id: Generated<string>
  email: string
  ip: string
  succeeded: boolean
  created_at: CreatedAt
}

export type Workspace = Selectable<WorkspacesTable>
export type User = Selectable<UsersTable>
export type Membership = Selectable<MembershipsTable>
export type Session = Selectable<SessionsTable>
export type ApiToken = Selectable<ApiTokensTable>
export type NewApiToken = Insertable<ApiTokensTable>
export type AuditEntry = Selectable<AuditLogTable>
export type MembershipUpdate = Updateable<MembershipsTable>
