import { z } from 'zod'

/** The unified customer view: shapes of /api/v1/customers. */

const isoTime = z.string().describe('ISO-8601 time in UTC')
const provenance = {
  sourceId: z.uuid().nullable(),
  messageId: z.string(),
}

export const customerSummarySchema = z.object({
  id: z.uuid(),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  /** The strongest identifier (user id, e-mail, phone, vendor id, anonymous id): what to call the nameless. */
  identifier: z.object({ type: z.string(), value: z.string() }).nullable(),
  firstSeenAt: isoTime,
  lastSeenAt: isoTime,
})
export type CustomerSummary = z.infer<typeof customerSummarySchema>
export type CustomerQuery = Partial<z.infer<typeof customerQuerySchema>>
export const customerPageSchema = z.object({
  items: z.array(customerSummarySchema),
  nextCursor: z.string().nullable(),
})

export const customerQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe('A name, or any identifier (e-mail, phone, user id, vendor id), or its beginning'),
  sourceId: z.uuid().optional().describe('Only customers this source sent something about'),
  seenSince: z.iso
    .datetime({ offset: true, message: 'must be an ISO-8601 time' })
    .optional()
    .describe('Only customers last seen at or after this time'),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

export const identityViewSchema = z.object({
  type: z.string(),
  value: z.string(),
  ...provenance,
  firstSeenAt: isoTime,
})

export const traitViewSchema = z.object({
  key: z.string(),
  value: z.unknown(),
  ...provenance,
  observedAt: isoTime,
})

export const recordViewSchema = z.object({
  id: z.uuid(),
  type: z.string(),
  externalId: z.string(),
  status: z.string().nullable(),
  title: z.string().nullable(),
  amount: z.number().nullable(),
  currency: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()),
  occurredAt: isoTime,
  updatedAt: isoTime,
  deleted: z.boolean(),
  ...provenance,
})
export type RecordView = z.infer<typeof recordViewSchema>

export const profileSchema = z.object({
  id: z.uuid(),
  /** Set when the id asked for was merged into this profile. */
  resolvedFrom: z.uuid().nullable(),
  displayName: z.string().nullable(),
  firstSeenAt: isoTime,
  lastSeenAt: isoTime,
  lifetimeValue: z.record(z.string(), z.number()).describe('Per currency: paid invoices less refunds'),
  identities: z.array(identityViewSchema),
  traits: z.array(traitViewSchema),
  records: z.object({
    counts: z.record(z.string(), z.number().int()).describe('Records per type'),
    open: z
      .record(z.string(), z.number().int())
      .describe(
        'Open items per type: unsolved tickets, unpaid invoices, deals in play, failing subscriptions',
      ),
    recent: z.array(recordViewSchema),
  }),
  /** Every source that sent something about this customer, to name provenance and filter by it. */
  sources: z.array(z.object({ id: z.uuid(), name: z.string(), pluginId: z.string() })),
  mergedProfiles: z.number().int(),
  openConflicts: z.number().int(),
})
export type Profile = z.infer<typeof profileSchema>

/** A trait's observations, newest first: its value history with provenance. */
export const traitHistorySchema = z.object({
  items: z.array(
    z.object({
      key: z.string(),
      value: z.unknown(),
      ...provenance,
      observedAt: isoTime,
    }),
  ),
})
export type TraitHistory = z.infer<typeof traitHistorySchema>

export const timelineEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(['identify', 'track', 'record', 'feedback']),
  name: z.string(),
  channel: z.string().nullable(),
  stage: z.string().nullable(),
  occurredAt: isoTime,
  properties: z.record(z.string(), z.unknown()),
  ...provenance,
})
export type TimelineEntry = z.infer<typeof timelineEntrySchema>
export const timelinePageSchema = z.object({
  items: z.array(timelineEntrySchema),
  nextCursor: z.string().nullable(),
})
export const timelineQuerySchema = z.object({
  channel: z.string().optional(),
  kind: z.enum(['identify', 'track', 'record', 'feedback']).optional(),
  stage: z.string().optional(),
  sourceId: z.uuid().optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
export type TimelineQuery = Partial<z.infer<typeof timelineQuerySchema>>

export const recordQuerySchema = z.object({
  type: z.string().optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
export const recordPageSchema = z.object({
  items: z.array(recordViewSchema),
  nextCursor: z.string().nullable(),
})

export const mergeViewSchema = z.object({
  id: z.uuid(),
  survivorId: z.uuid(),
  mergedId: z.uuid(),
  identifier: z.object({ type: z.string(), value: z.string() }),
  sourceId: z.uuid().nullable(),
  messageId: z.string(),
  mergedAt: isoTime,
  undoneAt: isoTime.nullable(),
})
export const conflictViewSchema = z.object({
  id: z.string(),
  customerIds: z.array(z.uuid()),
  identifier: z.object({ type: z.string(), value: z.string() }),
  reason: z.string(),
  sourceId: z.uuid().nullable(),
  messageId: z.string(),
  createdAt: isoTime,
})
export const mergeHistorySchema = z.object({
  merges: z.array(mergeViewSchema),
  conflicts: z.array(conflictViewSchema),
})
export type MergeHistory = z.infer<typeof mergeHistorySchema>
export type MergeView = z.infer<typeof mergeViewSchema>
export type ConflictView = z.infer<typeof conflictViewSchema>
export const unmergeResultSchema = z.object({ survivor: profileSchema, restored: profileSchema })
export type UnmergeResult = z.infer<typeof unmergeResultSchema>

export const lookupQuerySchema = z.object({ type: z.string().min(1), value: z.string().min(1) })
export const eraseQuerySchema = z.object({
  suppress: z
    .enum(['true', 'false'])
    .default('false')
    .describe('Also refuse future data naming any of their identifiers'),
})
export const eraseResultSchema = z.object({
  customers: z.number().int(),
  identities: z.number().int(),
  traits: z.number().int(),
  records: z.number().int(),
  events: z.number().int(),
  feedback: z.number().int(),
  inbox: z.number().int(),
  deadLetters: z.number().int(),
  suppressed: z.number().int(),
})
export type EraseResult = z.infer<typeof eraseResultSchema>
