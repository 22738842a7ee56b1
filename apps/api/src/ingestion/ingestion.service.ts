import { Inject, Injectable } from '@nestjs/common'
import { type Envelope, parseEnvelopes } from '@rapport/plugin-sdk'
import type { Kysely } from 'kysely'
import { ExpiringCache } from '../caching/expiring-cache.js'
import { DB, type Db } from '../database/database.js'
import type { FieldError } from '../http/problem.js'
import { recordRefused, refusedInputs } from './dead-letters.repository.js'
import { type AppendResult, appendToInbox, inboxRows } from './inbox.repository.js'
import { InboxWriter } from './inbox-writer.js'
import { PROCESSOR, type Processor } from './processor.js'
import { type IngestionSettings, ingestionSettings } from './workspace-settings.repository.js'

export interface InvalidEnvelope {
  index: number
  messageId: string | null
  errors: FieldError[]
}

export interface IngestResult extends AppendResult {
  invalid: InvalidEnvelope[]
}

/** The one way in: validate envelopes, append them to the inbox, wake the processor. */
@Injectable()
export class IngestionService {
  private readonly settings = new ExpiringCache<string, IngestionSettings>()
  private readonly writer: InboxWriter
  private readonly forgetListeners: ((workspaceId: string) => void)[] = []

  constructor(
    @Inject(DB) private readonly db: Kysely<any>,
    @Inject(PROCESSOR) private readonly processor: Pick<Processor, 'wake'>,
  ) {
    this.writer = new InboxWriter(db)
  }

  validate(inputs: unknown[]): { valid: Envelope[]; invalid: InvalidEnvelope[] } {
    const { valid, invalid } = parseEnvelopes(inputs)
    return {
      valid,
      invalid: invalid.map((i) => ({ index: i.index, messageId: i.messageId ?? null, errors: i.errors })),
    }
  }

  /** Appends in `db` (a transaction, when a checkpoint must commit with the envelopes). */
  async append(
    workspaceId: string,
    sourceId: string | null,
    envelopes: Envelope[],
    db: Db = this.db,
  ): Promise<AppendResult> {
    const settings = await this.settingsOf(workspaceId, db)
    return appendToInbox(db, workspaceId, sourceId, envelopes, settings.identity, settings.hasSuppressions)
  }

  /** Pushed data (tracking API, webhooks): validated, then group-committed with concurrent requests. */
  async ingest(workspaceId: string, sourceId: string | null, inputs: unknown[]): Promise<IngestResult> {
    const { valid, invalid } = this.validate(inputs)
    const settings = await this.settingsOf(workspaceId)
    const { rows, suppressed } = await inboxRows(
      this.db,
      workspaceId,
      sourceId,
      valid,
      settings.identity,
      settings.hasSuppressions,
    )
    const result = await this.writer.append(workspaceId, rows, suppressed)
    if (result.accepted) this.processor.wake()
    return { ...result, invalid }
  }

  /**
   * Pushed data from a source (webhooks, listeners): what fails validation is kept as dead letters
   * with its reasons, so that nothing a vendor sent is lost without a trace.
   */
  async ingestFromSource(workspaceId: string, sourceId: string, inputs: unknown[]): Promise<IngestResult> {
    const result = await this.ingest(workspaceId, sourceId, inputs)
    await recordRefused(this.db, workspaceId, sourceId, refusedInputs(inputs, result.invalid))
    return result
  }

  /** Settings changed (identity rules, an erase with suppression): read them again at once. */
  forget(workspaceId: string): void {
    this.settings.forget(workspaceId)
    for (const listener of this.forgetListeners) listener(workspaceId)
  }

  /** Another holder of these settings (the intake thread) is told when they change. */
  onForget(listener: (workspaceId: string) => void): void {
    this.forgetListeners.push(listener)
  }

  wake(): void {
    this.processor.wake()
  }

  /** Read through `db`: inside a transaction on the embedded database, the only connection is the transaction's. */
  settingsOf(workspaceId: string, db: Db = this.db): Promise<IngestionSettings> {
    return this.settings.get(workspaceId, () => ingestionSettings(db, workspaceId))
  }
}
