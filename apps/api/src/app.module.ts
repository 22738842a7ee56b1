import { type DynamicModule, Module } from '@nestjs/common'
import { APP_FILTER, APP_GUARD } from '@nestjs/core'
import type { DatabaseHandle } from '@rapport/db'
import type { Logger } from 'pino'
import { AuditController } from './audit/audit.controller.js'
import { AuthController } from './auth/auth.controller.js'
import { AuthGuard } from './auth/auth.guard.js'
import { AuthService } from './auth/auth.service.js'
import { CONFIG, type Config } from './config/config.js'
import { DB, DB_HANDLE } from './database/database.js'
import { HealthController } from './health/health.controller.js'
import { ProblemFilter } from './http/problem.filter.js'
import { LOGGER } from './logging/logger.js'
import { TokensController } from './tokens/tokens.controller.js'
import { UsersController } from './users/users.controller.js'
import { UsersService } from './users/users.service.js'
import { WorkspacesController } from './workspaces/workspaces.controller.js'
import { WorkspacesService } from './workspaces/workspaces.service.js'

export interface AppDependencies {
  config: Config
  logger: Logger
  database: DatabaseHandle
}

@Module({})
export class AppModule {
  static register({ config, logger, database }: AppDependencies): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        HealthController,
        AuthController,
        WorkspacesController,
        UsersController,
        TokensController,
        AuditController,
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: DB_HANDLE, useValue: database },
        { provide: DB, useValue: database.db },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useFactory: () => new ProblemFilter(logger) },
        AuthService,
        UsersService,
        WorkspacesService,
      ],
    }
  }
}
