import { Inject, Injectable } from '@nestjs/common'
import type {
  CheckResultView,
  CreatedSource,
  createSourceSchema,
  PluginView,
  SourceView,
  UpdateSourceInput,
} from '@rapport/api-client'
import { configJsonSchema, createRedactor, isPluginError, type Plugin, secretKeys } from '@rapport/plugin-sdk'
import { type Kysely, sql } from 'kysely'
import type { Logger } from 'pino'
import { z } from 'zod'
import { recordAudit } from '../audit/audit.repository.js'
import type { Origin, Principal } from '../auth/principal.js'
import { randomSecret, sha256 } from '../auth/secrets.js'
import { DB } from '../database/database.js'
import { badRequest, notFound } from '../http/problem.js'
import { LOGGER } from '../logging/logger.js'
import { pluginContextFor } from '../plugins/plugin-context.js'
import { PLUGINS, type PluginRegistry } from '../plugins/plugin-registry.js'
import { SECRET_BOX, type SecretBox } from '../secrets/secret-box.js'
import { TRACKING_ADDRESS, type TrackingAddress } from '../tracking/tracking-server.js'
import { WriteKeys } from '../tracking/write-keys.js'
import { ListenerHost } from './listener-host.js'
import { withinDeadline } from './plugin-deadline.js'
import { fullConfig, openSecrets, prepareConfig, secretValues } from './source-config.js'
import { findSource, lastRuns, listSources, type SourceRow, toSourceView } from './sources.repository.js'

export const writeKeyPrefix = 'wk_'

/** The server acting on its own, for a workspace, on behalf of a user (who may be null). */
export interface SystemCaller {
  kind: 'system'
  label: string
  workspaceId: string
  userId: string | null
}
/** How long a plugin's check() may take before the test of the connection fails. */
export const defaultCheckTimeoutMs = 30_000

/** The tables whose source_id no foreign key clears when the source is deleted. */
/** Whether a plugin has anything to sync: a manual sync or a schedule needs streams. */
export function hasStreams(plugin: Plugin): boolean {
  return Boolean(plugin.streams && Object.keys(plugin.streams).length)
}

/** A schedule on a plugin that cannot sync would only start empty runs. */
function refuseSchedule(plugin: Plugin, scheduleMinutes: number | null | undefined): void {
  if (scheduleMinutes && !hasStreams(plugin))
    throw badRequest(`${plugin.name} has nothing to sync, so it cannot be scheduled`, [
      { path: 'scheduleMinutes', message: 'only a plugin with streams can sync on a schedule' },
    ])
}

const sourceReferences = [
  'inbox',
  'identities',
  'trait_observations',
  'traits',
  'records',
  'events',
  'feedback',
] as const

@Injectable()
export class SourcesService {
  checkTimeoutMs = defaultCheckTimeoutMs

  constructor(
    @Inject(DB) private readonly db: Kysely<any>,
    @Inject(PLUGINS) private readonly plugins: PluginRegistry,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ListenerHost) private readonly listeners: ListenerHost,
    // At thousands of tracking calls a second, looking each write key up would be half the
    // statements: they are kept, and forgotten here whenever a source changes.
    @Inject(WriteKeys) private readonly writeKeys: WriteKeys,
    @Inject(TRACKING_ADDRESS) private readonly trackingAddress: TrackingAddress,
  ) {}

  catalog(): PluginView[] {
    return this.plugins.all().map((plugin) => ({
      id: plugin.id,
      name: plugin.name,
      version: plugin.version,
      categories: [...plugin.categories],
      description: plugin.description ?? null,
      configSchema: configJsonSchema(plugin.config),
      secretFields: secretKeys(plugin.config),
      streams: Object.entries(plugin.streams ?? {}).map(([name, s]) => ({
        name,
        description: s.description ?? null,
      })),
      capabilities: {
        check: Boolean(plugin.check),
        streams: hasStreams(plugin),
        webhook: Boolean(plugin.webhook),
        upload: Boolean(plugin.upload),
        channel: Boolean(plugin.channel),
        listener: Boolean(plugin.listener),
        writeKey: plugin.id === 'http',
      },
      upload: plugin.upload
        ? {
            accept: plugin.upload.accept,
            optionsSchema: z.toJSONSchema(plugin.upload.options, {
              io: 'input',
              unrepresentable: 'any',
            }) as Record<string, unknown>,
          }
        : null,
    }))
  }

  async list(workspaceId: string): Promise<SourceView[]> {
    const rows = await listSources(this.db, workspaceId)
    const runs = await lastRuns(
      this.db,
      rows.map((r) => r.id),
    )
    return rows.map((row) => this.view(row, runs.get(row.id)))
  }

  async get(workspaceId: string, sourceId: string): Promise<SourceView> {
    const row = await this.row(workspaceId, sourceId)
    return this.view(row, (await lastRuns(this.db, [row.id])).get(row.id))
  }

  async row(workspaceId: string, sourceId: string): Promise<NonNullable<SourceRow>> {
    const row = z.uuid().safeParse(sourceId).success
      ? await findSource(this.db, workspaceId, sourceId)
      : undefined
    if (!row) throw notFound('source')
    return row
  }

  pluginOf(row: { plugin_id: string }): Plugin {
    const plugin = this.plugins.get(row.plugin_id)
    if (!plugin)
      throw badRequest(`the plugin ${row.plugin_id} of this source is not installed on this server`)
    return plugin
  }

  /** A person or token through the API, or the server itself (the first start's demo data). */
  async create(
    caller: Principal | SystemCaller,
    input: z.output<typeof createSourceSchema>,
    origin: Origin | null,
  ): Promise<CreatedSource> {
    const plugin = this.plugins.get(input.pluginId)
    if (!plugin)
      throw badRequest(`unknown plugin ${input.pluginId}`, [
        { path: 'pluginId', message: 'is not an installed plugin' },
      ])
    refuseSchedule(plugin, input.scheduleMinutes)
    const writeKey = plugin.id === 'http' ? randomSecret(writeKeyPrefix, 24) : null
    const stored = prepareConfig(plugin, this.box, input.config, undefined, writeKey ? { writeKey } : {})
    const id = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('sources')
        .values({
          workspace_id: caller.workspaceId,
          plugin_id: plugin.id,
          name: input.name,
          config: JSON.stringify(stored.config),
          secrets: stored.secrets,
          write_key_hash: writeKey ? sha256(writeKey) : null,
          enabled: input.enabled,
          schedule_minutes: input.scheduleMinutes,
          next_sync_at: input.scheduleMinutes
            ? sql<Date>`now() + make_interval(mins => ${input.scheduleMinutes})`
            : null,
          created_by: caller.userId,
          updated_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, caller.workspaceId, caller, origin, {
        action: 'source.created',
        targetType: 'source',
        targetId: row.id,
        details: { name: input.name, plugin: plugin.id },
      })
      return row.id
    })
    await this.listeners.changed(id)
    return { ...(await this.get(caller.workspaceId, id)), writeKey }
  }

  async update(
    caller: Principal,
    sourceId: string,
    input: UpdateSourceInput,
    origin: Origin,
  ): Promise<SourceView> {
    const row = await this.row(caller.workspaceId, sourceId)
    const plugin = this.pluginOf(row)
    refuseSchedule(plugin, input.scheduleMinutes)
    const previous = fullConfig(row, this.box)
    const { writeKey, ...previousConfig } = previous
    const stored = input.config
      ? prepareConfig(
          plugin,
          this.box,
          input.config,
          previousConfig,
          typeof writeKey === 'string' ? { writeKey } : {},
        )
      : undefined
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('sources')
        .set({
          ...(input.name ? { name: input.name } : {}),
          ...(stored ? { config: JSON.stringify(stored.config), secrets: stored.secrets } : {}),
          ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
          ...(input.scheduleMinutes !== undefined
            ? {
                schedule_minutes: input.scheduleMinutes,
                next_sync_at: input.scheduleMinutes
                  ? sql<Date>`now() + make_interval(mins => ${input.scheduleMinutes})`
                  : null,
              }
            : {}),
          updated_at: new Date(),
        })
        .where('id', '=', row.id)
        .execute()
      await recordAudit(trx, caller.workspaceId, caller, origin, {
        action: 'source.updated',
        targetType: 'source',
        targetId: row.id,
        details: {
          name: input.name ?? row.name,
          changed: Object.keys(input),
          ...(input.config ? { configKeys: Object.keys(input.config) } : {}),
        },
      })
    })
    this.writeKeys.forgetAll()
    await this.listeners.changed(row.id)
    return this.get(caller.workspaceId, row.id)
  }

  async remove(caller: Principal, sourceId: string, origin: Origin): Promise<void> {
    const row = await this.row(caller.workspaceId, sourceId)
    await this.db.transaction().execute(async (trx) => {
      // The row goes first: a processor batch that holds it (`for key share`) commits before this
      // goes on, so the statements below see what that batch wrote.
      await trx.deleteFrom('sources').where('id', '=', row.id).execute()
      // What the source sent stays, processed or not, without its source. These tables have no
      // foreign key to do this (see the lighter-inbox and unchecked-references migrations).
      for (const table of sourceReferences) {
        await trx.updateTable(table).set({ source_id: null }).where('source_id', '=', row.id).execute()
      }
      await recordAudit(trx, caller.workspaceId, caller, origin, {
        action: 'source.deleted',
        targetType: 'source',
        targetId: row.id,
        details: { name: row.name, plugin: row.plugin_id },
      })
    })
    this.writeKeys.forgetAll()
    await this.listeners.changed(row.id)
  }

  async writeKey(workspaceId: string, sourceId: string): Promise<string> {
    const row = await this.row(workspaceId, sourceId)
    const key = fullConfig(row, this.box).writeKey
    if (typeof key !== 'string') throw notFound('write key (only http sources have one)')
    return key
  }

  /** Test connection: the plugin's check, bounded in time, with secrets kept out of the answer. */
  async check(workspaceId: string, sourceId: string): Promise<CheckResultView> {
    const row = await this.row(workspaceId, sourceId)
    const plugin = this.pluginOf(row)
    if (!plugin.check) return { ok: true, message: `${plugin.name} has nothing to check`, errorKind: null }
    const config = fullConfig(row, this.box)
    const secrets = secretValues(plugin, config)
    const redact = createRedactor(secrets)
    const abort = new AbortController()
    const log = this.logger.child({ workspaceId, sourceId, plugin: plugin.id })
    try {
      const ctx = pluginContextFor(this.db, { workspaceId, sourceId }, plugin, secrets, abort.signal, log)
      const result = await withinDeadline(
        abort,
        this.checkTimeoutMs,
        `no answer within ${this.checkTimeoutMs / 1000} s`,
        () => plugin.check!(ctx, plugin.config.parse(config)),
      )
      return { ok: true, message: redact(result?.message ?? 'connected'), errorKind: null }
    } catch (error) {
      const kind = isPluginError(error) ? error.kind : 'error'
      return {
        ok: false,
        message: redact(error instanceof Error ? error.message : String(error)),
        errorKind: kind,
      }
    }
  }

  private view(row: NonNullable<SourceRow>, lastRun: Parameters<typeof toSourceView>[3]): SourceView {
    const plugin = this.plugins.get(row.plugin_id)
    let secretsSet: string[] = []
    try {
      if (plugin) secretsSet = Object.keys(openSecrets(row, this.box)).filter((k) => k !== 'writeKey')
    } catch (error) {
      // The list stays readable; using the source says what is wrong.
      this.logger.error({ sourceId: row.id, err: error }, 'source secrets cannot be decrypted')
    }
    return toSourceView(
      row,
      secretsSet,
      Boolean(plugin?.webhook),
      lastRun,
      this.listeners.status(row),
      this.trackingAddress.port,
    )
  }
}
