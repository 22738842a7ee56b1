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
  sources: SourcesTable
  source_checkpoints: SourceCheckpointsTable
  source_state: SourceStateTable
  sync_runs: SyncRunsTable
  inbox: InboxTable
  inbox_pending: InboxPendingTable
  processed_batches: ProcessedBatchesTable
  dead_letters: DeadLettersTable
  customers: CustomersTable
  identities: IdentitiesTable
  trait_observations: TraitObservationsTable
  traits: TraitsTable
  records: RecordsTable
  events: EventsTable
  feedback: FeedbackTable
  merges: MergesTable
  merge_conflicts: MergeConflictsTable
  kept_apart: KeptApartTable
  suppressions: SuppressionsTable
  workspace_settings: WorkspaceSettingsTable
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

export interface SourcesTable {
  id: Generated<string>
  workspace_id: string
  plugin_id: string
  name: string
  /** The non-secret part of the plugin's config. */
  config: Json
  /** The secret fields, encrypted together (AES-256-GCM). */
  secrets: string | null
  /** sha256 of the write key of an `http` source. */
  write_key_hash: string | null
  enabled: Generated<boolean>
  schedule_minutes: number | null
  next_sync_at: Timestamp | null
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface SourceCheckpointsTable {
  workspace_id: string
  source_id: string
  stream: string
  checkpoint: Json
  updated_at: Timestamp
}

export interface SourceStateTable {
  workspace_id: string
  source_id: string
  key: string
  value: Json
}

export type SyncRunStatus = 'running' | 'succeeded' | 'failed'
export type SyncTrigger = 'manual' | 'schedule' | 'upload'

export interface SyncRunsTable {
  id: Generated<string>
  workspace_id: string
  source_id: string
  trigger: SyncTrigger
  status: SyncRunStatus
  started_at: CreatedAt
  finished_at: Timestamp | null
  envelopes: Generated<number>
  batches: Generated<number>
  failed: Generated<number>
  progress: number | null
  error: string | null
  error_kind: string | null
  details: Json
  /** When the run last delivered or reported progress (its start until then). */
  heartbeat_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface InboxTable {
  id: Generated<string>
  workspace_id: string
  message_id: string
  source_id: string | null
  /** Hash of (workspace, strongest identifier): one customer's events stay in one partition, in order. */
  partition: number
  envelope: Json
  identity_keys: string[]
  received_at: CreatedAt
  attempts: Generated<number>
  last_error: string | null
}

/** The inbox rows not processed yet: a batch claims them by deleting these rows in its transaction. */
export interface InboxPendingTable {
  partition: number
  id: string
}

/** How many envelopes a batch processed, per workspace: the ingestion health's throughput. */
export interface ProcessedBatchesTable {
  workspace_id: string
  processed_at: CreatedAt
  envelopes: number
}

export interface DeadLettersTable {
  id: Generated<string>
  workspace_id: string
  /** The inbox row it came from; null when it was refused before the inbox (invalid). */
  inbox_id: string | null
  message_id: string
  source_id: string | null
  envelope: Json
  identity_keys: string[]
  reason: string
  attempts: number
  failed_at: CreatedAt
}

export interface CustomersTable {
  id: string
  workspace_id: string
  merged_into: string | null
  display_name: string | null
  first_seen_at: Timestamp
  last_seen_at: Timestamp
  created_at: CreatedAt
  updated_at: Timestamp
}

/** Columns of every row about a customer; profile_id never changes, customer_id follows merges. */
interface OwnedRow {
  workspace_id: string
  customer_id: string
  profile_id: string
  source_id: string | null
  message_id: string
}

export interface IdentitiesTable extends OwnedRow {
  type: string
  value: string
  first_seen_at: Timestamp
}

export interface TraitObservationsTable extends OwnedRow {
  id: Generated<string>
  key: string
  value: Json
  observed_at: Timestamp
}

export interface TraitsTable extends OwnedRow {
  key: string
  value: Json
  observed_at: Timestamp
}

export interface RecordsTable extends OwnedRow {
  id: Generated<string>
  type: string
  external_id: string
  status: string | null
  title: string | null
  amount: ColumnType<string | null, number | string | null, number | string | null>
  currency: string | null
  properties: Json
  occurred_at: Timestamp
  updated_at: Timestamp
  deleted_at: Timestamp | null
  /** The source id, or 'none': records are unique per (source, type, external id). */
  source_key: string
}

export interface EventsTable extends OwnedRow {
  id: Generated<string>
  kind: 'identify' | 'track' | 'record' | 'feedback'
  name: string
  channel: string | null
  stage: string | null
  occurred_at: Timestamp
  properties: Json
}

export interface FeedbackTable extends OwnedRow {
  id: Generated<string>
  metric: string | null
  score: number | null
  text: string | null
  question: string | null
  channel: string | null
  occurred_at: Timestamp
  properties: Json
}

export interface MergesTable {
  id: Generated<string>
  workspace_id: string
  survivor_id: string
  merged_id: string
  identifier_type: string
  identifier_value: string
  source_id: string | null
  message_id: string
  created_at: CreatedAt
  undone_at: Timestamp | null
  undone_by: string | null
}

export interface MergeConflictsTable {
  id: Generated<string>
  workspace_id: string
  customer_ids: string[]
  identifier_type: string
  identifier_value: string
  reason: string
  source_id: string | null
  message_id: string
  created_at: CreatedAt
}

/** Two profiles an unmerge split: never merged again by identity resolution. `customer_a < customer_b`. */
export interface KeptApartTable {
  workspace_id: string
  customer_a: string
  customer_b: string
  merge_id: string
  created_at: CreatedAt
}

export interface SuppressionsTable {
  workspace_id: string
  /** sha256 of an identity key: an erased person's identifiers are not kept in the clear. */
  identity_hash: string
  created_at: CreatedAt
}

export interface WorkspaceSettingsTable {
  workspace_id: string
  identity: Json | null
  trait_priorities: Json | null
  updated_at: Timestamp
}

export type Workspace = Selectable<WorkspacesTable>
export type User = Selectable<UsersTable>
export type Membership = Selectable<MembershipsTable>
export type Session = Selectable<SessionsTable>
export type ApiToken = Selectable<ApiTokensTable>
export type NewApiToken = Insertable<ApiTokensTable>
export type AuditEntry = Selectable<AuditLogTable>
export type MembershipUpdate = Updateable<MembershipsTable>
