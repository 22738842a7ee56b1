import type { LoggerService } from '@nestjs/common'
import pino, { type DestinationStream, type Logger } from 'pino'

/**
 * Structured JSON logs. Whatever might carry a secret is redacted by path, as a second line of
 * defence: the code never logs passwords, tokens or cookies in the first place.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'rapport-api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.newPassword',
        '*.currentPassword',
        '*.token',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  }
  return destination ? pino(options, destination) : pino(options)
}

/** Nest's own messages (module init, routes) through the same pino logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message))
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message))
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message))
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message))
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message))
  }
}

export const LOGGER = Symbol('Logger')
