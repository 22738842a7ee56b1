import { Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common'
import { ApiExcludeController } from '@nestjs/swagger'
import { createRedactor, isPluginError } from '@rapport/plugin-sdk'
import type { FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import { z } from 'zod'
import { Public } from '../auth/principal.js'
import { DB } from '../database/database.js'
import { badRequest, notFound, ProblemError, unauthorized } from '../http/problem.js'
import { recordRefused } from '../ingestion/dead-letters.repository.js'
import { IngestionService } from '../ingestion/ingestion.service.js'
import { LOGGER } from '../logging/logger.js'
import { PLUGINS, type PluginRegistry } from '../plugins/plugin-registry.js'
import { SECRET_BOX, type SecretBox } from '../secrets/secret-box.js'
import { DeadlineError, withinDeadline } from './plugin-deadline.js'
import { runnableConfig, secretValues } from './source-config.js'
import { findSourceById } from './sources.repository.js'

/** How long a plugin may take to verify, and then to parse, one webhook. */
export const defaultWebhookTimeoutMs = 10_000

/**
 * Vendor webhooks: verified by the source's plugin on the raw body, then parsed into envelopes.
 * What the plugin says when it refuses one goes to an unauthenticated caller, the log and the dead
 * letters: secrets are redacted from it first.
 */
@Controller('hooks')
@Public()
@ApiExcludeController()
export class WebhooksController {
  timeoutMs = defaultWebhookTimeoutMs

  constructor(
    @Inject(DB) private readonly db: Kysely<any>,
    @Inject(PLUGINS) private readonly plugins: PluginRegistry,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(IngestionService) private readonly ingestion: IngestionService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post(':sourceId')
  @HttpCode(200)
  async receive(@Param('sourceId') sourceId: string, @Req() request: FastifyRequest & { rawBody?: Buffer }) {
    const source = z.uuid().safeParse(sourceId).success ? await findSourceById(this.db, sourceId) : undefined
    const plugin = source && this.plugins.get(source.plugin_id)
    if (!source || !plugin?.webhook || !source.enabled) throw notFound('webhook')
    const rawBody =
      request.rawBody ??
      (Buffer.isBuffer(request.body)
        ? request.body
        : Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? '')))
    const webhookRequest = {
      method: request.method,
      headers: Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [
          k.toLowerCase(),
          Array.isArray(v) ? v.join(', ') : String(v ?? ''),
        ]),
      ),
      rawBody,
      query: request.query as Record<string, string>,
      receivedAt: new Date(),
    }
    const config = runnableConfig(plugin, source, this.box)
    const webhook = plugin.webhook
    const redact = createRedactor(secretValues(plugin, config))
    const log = this.logger.child({ sourceId: source.id, plugin: plugin.id })
    const bounded = <T>(step: string, work: () => Promise<T> | T) =>
      withinDeadline(
        new AbortController(),
        this.timeoutMs,
        `the plugin did not ${step} the webhook within ${this.timeoutMs / 1000} s`,
        work,
      )
    try {
      await bounded('verify', () => webhook.verify(webhookRequest, config))
    } catch (error) {
      const reason = redact(error instanceof Error ? error.message : String(error))
      log.warn({ reason }, 'webhook refused')
      if (error instanceof DeadlineError) throw new ProblemError(504, reason)
      if (isPluginError(error) && error.kind === 'verification')
        throw unauthorized(`webhook signature refused: ${reason}`)
      throw badRequest(`webhook refused: ${reason}`)
    }
    let inputs: unknown[]
    try {
      inputs = await bounded('read', () => webhook.parse(webhookRequest, config))
    } catch (error) {
      const reason = redact(error instanceof Error ? error.message : String(error))
      log.warn({ reason }, 'webhook not read')
      // Not kept as a dead letter: the vendor is told to send it again (its webhooks retry).
      if (error instanceof DeadlineError) throw new ProblemError(504, reason)
      await recordRefused(this.db, source.workspace_id, source.id, [
        {
          message: safeJson(rawBody),
          messageId: null,
          errors: [{ path: '', message: `the plugin could not read the webhook: ${reason}` }],
        },
      ])
      throw badRequest(`the webhook could not be read: ${reason}`)
    }
    const result = await this.ingestion.ingestFromSource(source.workspace_id, source.id, inputs)
    return { accepted: result.accepted, duplicates: result.duplicates, refused: result.invalid.length }
  }
}

function safeJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch {
    return { raw: raw.toString('utf8').slice(0, 10_000) }
  }
}
