import { createPluginContext, type Plugin, type PluginContext } from '@rapport/plugin-sdk'
import type { Logger } from 'pino'
import type { Db } from '../database/database.js'
import { sourceStateStore } from '../sources/source-state.repository.js'

/**
 * The context a source's plugin runs with: the source's state, the plugin's declared HTTP limits,
 * secrets redacted from everything it logs or throws, and the run's abort signal.
 */
export function pluginContextFor(
  db: Db,
  source: { workspaceId: string; sourceId: string },
  plugin: Plugin,
  secrets: string[],
  signal: AbortSignal,
  log: Logger,
): PluginContext {
  return createPluginContext({
    logger: {
      debug: (message, fields) => log.debug(fields ?? {}, message),
      info: (message, fields) => log.info(fields ?? {}, message),
      warn: (message, fields) => log.warn(fields ?? {}, message),
      error: (message, fields) => log.error(fields ?? {}, message),
    },
    state: sourceStateStore(db, source.workspaceId, source.sourceId),
    secrets,
    signal,
    ...(plugin.http ? { http: plugin.http } : {}),
  })
}
