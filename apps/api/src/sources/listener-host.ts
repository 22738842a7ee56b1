import { Inject, Injectable } from '@nestjs/common'
import type { ListenerView } from '@rapport/api-client'
import { createRedactor, type RunningListener } from '@rapport/plugin-sdk'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import { DB } from '../database/database.js'
import { IngestionService } from '../ingestion/ingestion.service.js'
import { LOGGER } from '../logging/logger.js'
import { pluginContextFor } from '../plugins/plugin-context.js'
import { PLUGINS, type PluginRegistry } from '../plugins/plugin-registry.js'
import { SECRET_BOX, type SecretBox } from '../secrets/secret-box.js'
import { waitAtMost, withinDeadline } from './plugin-deadline.js'
import { runnableConfig, secretValues } from './source-config.js'
import { findSourceById } from './sources.repository.js'

/** A listener that could not start (a port in use) tries again this often while its source is enabled. */
export const listenerRetryMs = 30_000
/** A listener's start() that has not answered by then fails (and is retried as any failed start). */
export const defaultListenerStartTimeoutMs = 30_000
/** How long a change to a source waits for its listener before answering with it still starting. */
export const defaultListenerAnswerWithinMs = 2_000

interface Entry {
  view: ListenerView
  running?: RunningListener
  abort?: AbortController
  retry?: NodeJS.Timeout
}

/**
 * Runs the listeners of enabled sources (an SMTP server, say) in this process, one per source, and
 * keeps what each is doing for the source's page. Changes to a source restart its listener; they are
 * serialised per source, so a quick disable-enable never leaves two listeners on one port.
 */
@Injectable()
export class ListenerHost {
  private readonly entries = new Map<string, Entry>()
  private readonly queue = new Map<string, Promise<void>>()
  /** Starts given up (superseded, timed out) that have not answered yet, with their late stop(). */
  private readonly settling = new Map<string, Promise<void>>()
  private running = false
  startTimeoutMs = defaultListenerStartTimeoutMs
  answerWithinMs = defaultListenerAnswerWithinMs

  constructor(
    @Inject(DB) private readonly db: Kysely<any>,
    @Inject(PLUGINS) private readonly plugins: PluginRegistry,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(IngestionService) private readonly ingestion: IngestionService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Starts the listeners of every enabled source; only worker processes call it. Resolves once each
   * has started or failed (a start is bounded by startTimeoutMs): the server does not wait for it.
   */
  async startAll(): Promise<void> {
    this.running = true
    const withListener = this.plugins
      .all()
      .filter((plugin) => plugin.listener)
      .map((plugin) => plugin.id)
    if (!withListener.length) return
    const sources = await this.db
      .selectFrom('sources')
      .select('id')
      .where('enabled', '=', true)
      .where('plugin_id', 'in', withListener)
      .execute()
    await Promise.all(sources.map((source) => this.refresh(source.id)))
  }

  /**
   * Stops every listener. Reconciles already queued (a startAll still reading the sources, a change
   * being made) are waited for too: none of them starts a listener once this was called.
   */
  async stopAll(): Promise<void> {
    this.running = false
    await Promise.all([...this.entries.keys()].map((id) => this.refresh(id)))
    await Promise.allSettled([...this.queue.values()])
  }

  /**
   * The source was changed by a request: its listener is brought in line, and the request waits for
   * that only briefly. A listener still starting then shows as `starting` on the source.
   */
  async changed(sourceId: string): Promise<void> {
    await waitAtMost(this.refresh(sourceId), this.answerWithinMs)
  }

  /** The source was created, changed, enabled, disabled or deleted: bring its listener in line. */
  refresh(sourceId: string): Promise<void> {
    // A start still waiting is given up: what follows supersedes it (and stopping must not wait).
    const current = this.entries.get(sourceId)
    if (current?.view.state === 'starting') {
      this.entries.delete(sourceId)
      current.abort?.abort(new Error('the source changed'))
    }
    const previous = this.queue.get(sourceId) ?? Promise.resolve()
    const next = previous.then(() => this.reconcile(sourceId))
    this.queue.set(sourceId, next)
    return next.finally(() => {
      if (this.queue.get(sourceId) === next) this.queue.delete(sourceId)
    })
  }

  /** What the source's listener is doing in this process; null for plugins without one. */
  status(source: { id: string; plugin_id: string }): ListenerView | null {
    if (!this.plugins.get(source.plugin_id)?.listener) return null
    return (
      this.entries.get(source.id)?.view ?? {
        state: 'stopped',
        address: null,
        error: null,
        since: null,
      }
    )
  }

  private async reconcile(sourceId: string): Promise<void> {
    await this.stop(sourceId)
    if (!this.running) return
    const source = await findSourceById(this.db, sourceId)
    const plugin = source && this.plugins.get(source.plugin_id)
    // The server may have stopped during the lookup: nothing starts after stopAll().
    if (!this.running || !source?.enabled || !plugin?.listener) return

    const log = this.logger.child({ workspaceId: source.workspace_id, sourceId, plugin: plugin.id })
    const abort = new AbortController()
    const entry: Entry = { view: { state: 'starting', address: null, error: null, since: now() }, abort }
    this.entries.set(sourceId, entry)
    let redact = (text: string) => text
    try {
      // A start given up before may still take the port (and stop at once): it is waited for,
      // up to a start's timeout, unless this start is given up too.
      const previous = this.settling.get(sourceId)
      if (previous) await waitAtMost(previous, this.startTimeoutMs, abort.signal)
      const config = runnableConfig(plugin, source, this.box)
      const secrets = secretValues(plugin, config)
      redact = createRedactor(secrets)
      const ctx = pluginContextFor(
        this.db,
        { workspaceId: source.workspace_id, sourceId },
        plugin,
        secrets,
        abort.signal,
        log,
      )
      const starting = plugin.listener.start(ctx, {
        config,
        ingest: async (envelopes) => {
          await this.ingestion.ingestFromSource(source.workspace_id, sourceId, envelopes)
        },
      })
      // A start that answers after it was given up is stopped at once: nothing may keep its port.
      const settled: Promise<void> = starting.then(
        async (late) => {
          if (abort.signal.aborted) await late.stop().catch(() => {})
        },
        () => {},
      )
      this.settling.set(sourceId, settled)
      void settled.then(() => {
        if (this.settling.get(sourceId) === settled) this.settling.delete(sourceId)
      })
      entry.running = await withinDeadline(
        abort,
        this.startTimeoutMs,
        `the listener did not start within ${this.startTimeoutMs / 1000} s`,
        () => starting,
      )
      entry.view = { state: 'running', address: entry.running.address ?? null, error: null, since: now() }
      log.info({ address: entry.view.address }, 'listener started')
    } catch (error) {
      const message = redact(error instanceof Error ? error.message : String(error))
      // Unless it was superseded (the source changed, the server stops): then what follows decides.
      if (this.entries.get(sourceId) === entry && this.running) {
        entry.view = { state: 'failed', address: null, error: message, since: now() }
        log.error(
          { reason: message },
          `listener failed to start; trying again in ${listenerRetryMs / 1000} s`,
        )
        entry.retry = setTimeout(() => void this.refresh(sourceId), listenerRetryMs)
        entry.retry.unref()
      }
    }
  }

  private async stop(sourceId: string): Promise<void> {
    const entry = this.entries.get(sourceId)
    if (!entry) return
    this.entries.delete(sourceId)
    clearTimeout(entry.retry)
    entry.abort?.abort(new Error('the listener is stopping'))
    try {
      await entry.running?.stop()
    } catch (error) {
      this.logger.warn({ sourceId, err: error }, 'listener did not stop cleanly')
    }
  }
}

const now = () => new Date().toISOString()
