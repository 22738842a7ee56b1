import { Controller, Get, Inject } from '@nestjs/common'
import { ApiExcludeController } from '@nestjs/swagger'
import { pendingMigrations, ping } from '@rapport/db'
import type { Kysely } from 'kysely'
import { Public } from '../auth/principal.js'
import { DB } from '../database/database.js'
import { ProblemError } from '../http/problem.js'

@Controller()
@Public()
@ApiExcludeController()
export class HealthController {
  constructor(@Inject(DB) private readonly db: Kysely<any>) {}

  /** Alive: the process answers. */
  @Get('healthz')
  healthz() {
    return { status: 'ok' }
  }

  /** Ready: the database answers and every migration of this version is applied. */
  @Get('readyz')
  async readyz() {
    try {
      await ping(this.db)
    } catch (error) {
      throw new ProblemError(503, `database unreachable: ${(error as Error).message}`)
    }
    const pending = await pendingMigrations(this.db)
    if (pending.length) throw new ProblemError(503, `migrations not applied: ${pending.join(', ')}`)
    return { status: 'ready' }
  }
}
