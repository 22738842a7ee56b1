import { manifestProblems, type Plugin, sdkVersion, secretKeys } from '@rapport/plugin-sdk'
import type { Logger } from 'pino'

/** The plugins this server can run: the built-in ones, plus the packages named in RAPPORT_PLUGINS. */
export class PluginRegistry {
  private readonly plugins = new Map<string, Plugin>()

  constructor(builtIn: Plugin[]) {
    for (const plugin of builtIn) this.add(plugin)
  }

  /**
   * A plugin checks its manifest with its own copy of the SDK, which may be another major version
   * than this server's; so the server checks it again with its own before taking it.
   */
  add(plugin: Plugin): void {
    const problems = manifestProblems(plugin)
    if (problems.length) {
      throw new Error(
        `plugin ${plugin.id} ${plugin.version} cannot run on this server (plugin SDK ${sdkVersion}): ${problems.join('; ')}`,
      )
    }
    if (this.plugins.has(plugin.id)) throw new Error(`two plugins have the id ${plugin.id}`)
    this.plugins.set(plugin.id, plugin)
  }

  get(id: string): Plugin | undefined {
    return this.plugins.get(id)
  }

  all(): Plugin[] {
    return [...this.plugins.values()].sort((a, b) => a.name.localeCompare(b.name))
  }

  secretKeys(plugin: Plugin): string[] {
    return secretKeys(plugin.config)
  }

  /** Loads each package's default export (or its `plugin` export); a package that fails stops the start. */
  async load(packages: string[], logger: Logger): Promise<void> {
    for (const name of packages) {
      const module = (await import(name)) as { default?: Plugin; plugin?: Plugin }
      const plugin = module.default ?? module.plugin
      if (!plugin?.id || !plugin.config)
        throw new Error(`${name} does not export a plugin made with definePlugin`)
      try {
        this.add(plugin)
      } catch (error) {
        logger.error({ package: name, plugin: plugin.id, err: error }, 'plugin refused')
        throw new Error(`${name}: ${(error as Error).message}`, { cause: error })
      }
      logger.info({ plugin: plugin.id, version: plugin.version, package: name }, 'plugin loaded')
    }
  }
}

export const PLUGINS = Symbol('PluginRegistry')
