import { type DynamicModule, Module } from '@nestjs/common'
import { APP_FILTER, APP_GUARD } from '@nestjs/core'
import type { DatabaseHandle } from '@rapport/db'
import type { Logger } from 'pino'
import { AuditController } from './audit/audit.controller.js'
import { AuthController } from './auth/auth.controller.js'
import { AuthGuard } from './auth/auth.guard.js'
import { AuthService } from './auth/auth.service.js'
import { CredentialCache } from './auth/credential-cache.js'
import { CONFIG, type Config } from './config/config.js'
import { CustomersController } from './customers/customers.controller.js'
import { CustomersService } from './customers/customers.service.js'
import { DB, DB_HANDLE } from './database/database.js'
import { HealthController } from './health/health.controller.js'
import { ProblemFilter } from './http/problem.filter.js'
import { IngestionController } from './ingestion/ingestion.controller.js'
import { IngestionService } from './ingestion/ingestion.service.js'
import { PROCESSOR, type Processor } from './ingestion/processor.js'
import { LOGGER } from './logging/logger.js'
import { PLUGINS, type PluginRegistry } from './plugins/plugin-registry.js'
import { SECRET_BOX, type SecretBox } from './secrets/secret-box.js'
import { ListenerHost } from './sources/listener-host.js'
import { SourcesController } from './sources/sources.controller.js'
import { SourcesService } from './sources/sources.service.js'
import { SyncRunner } from './sources/sync-runner.js'
import { WebhooksController } from './sources/webhooks.controller.js'
import { TokensController } from './tokens/tokens.controller.js'
import { ThreadedTrackingIntake } from './tracking/threaded-intake.js'
import { TrackingController } from './tracking/tracking.controller.js'
import { InlineTrackingIntake, TRACKING_INTAKE } from './tracking/tracking-intake.js'
import { TRACKING_ADDRESS, type TrackingAddress } from './tracking/tracking-server.js'
import { WriteKeys } from './tracking/write-keys.js'
import { UsersController } from './users/users.controller.js'
import { UsersService } from './users/users.service.js'
import { WorkspacesController } from './workspaces/workspaces.controller.js'
import { WorkspacesService } from './workspaces/workspaces.service.js'

export interface AppDependencies {
  config: Config
  logger: Logger
  database: DatabaseHandle
  plugins: PluginRegistry
  secretBox: SecretBox
  processor: Processor
  /** The tracking API's intake thread, when the server runs one. */
  trackingThread?: ThreadedTrackingIntake | undefined
}

@Module({})
export class AppModule {
  static register({
    config,
    logger,
    database,
    plugins,
    secretBox,
    processor,
    trackingThread,
  }: AppDependencies): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        HealthController,
        AuthController,
        WorkspacesController,
        UsersController,
        TokensController,
        AuditController,
        SourcesController,
        WebhooksController,
        TrackingController,
        IngestionController,
        CustomersController,
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        // Filled in by startServer once the tracking port listens.
        { provide: TRACKING_ADDRESS, useValue: { port: undefined } satisfies TrackingAddress },
        { provide: LOGGER, useValue: logger },
        { provide: DB_HANDLE, useValue: database },
        { provide: DB, useValue: database.db },
        { provide: PLUGINS, useValue: plugins },
        { provide: SECRET_BOX, useValue: secretBox },
        { provide: PROCESSOR, useValue: processor },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useFactory: () => new ProblemFilter(logger) },
        CredentialCache,
        AuthService,
        UsersService,
        WorkspacesService,
        IngestionService,
        {
          provide: WriteKeys,
          useFactory: () => {
            const writeKeys = new WriteKeys(database.db)
            // The intake thread keeps its own, for the tracking port it answers.
            if (trackingThread) writeKeys.onForget(() => trackingThread.forgetWriteKeys())
            return writeKeys
          },
        },
        {
          provide: TRACKING_INTAKE,
          inject: [IngestionService],
          useFactory: (ingestion: IngestionService) => {
            if (!trackingThread) return new InlineTrackingIntake(ingestion, database.db, logger)
            ingestion.onForget((workspaceId) => trackingThread.forget(workspaceId))
            return trackingThread
          },
        },
        SourcesService,
        SyncRunner,
        ListenerHost,
        CustomersService,
      ],
    }
  }
}
