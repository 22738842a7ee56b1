import { parentPort } from 'node:worker_threads'
import type { Logger } from 'pino'
import { osThreadId } from './os-thread.js'

type Handler = (message: Record<string, unknown>) => unknown

/**
 * The worker thread's side of `ThreadClient`: runs the handler for each message's type and answers
 * requests (messages with an id) with its result or its error's message (logged here with its
 * stack, which does not cross threads). Says it is ready with the kernel's id of the thread (Linux),
 * for `top -H` and the benchmark's CPU accounting. The thread tells the main thread of things that
 * need no answer with `{ type: 'event', event }` (ThreadClient's `onEvent`).
 */
export function serveRequests(
  handlers: Record<string, Handler>,
  logger: Logger,
  /** What the thread tells with its readiness (a port it listens on). */
  ready: Record<string, unknown> = {},
): void {
  parentPort?.on('message', async (message: Record<string, unknown> & { type: string; id?: number }) => {
    try {
      const result = await handlers[message.type]?.(message)
      if (message.id !== undefined) parentPort?.postMessage({ type: 'reply', id: message.id, result })
    } catch (error) {
      logger.error({ err: error, request: message.type }, 'thread request failed')
      if (message.id !== undefined) {
        parentPort?.postMessage({
          type: 'reply',
          id: message.id,
          error: error instanceof Error ? error.message : String(error),
        })
      }
    }
  })
  parentPort?.postMessage({ ...ready, type: 'ready', osThreadId: osThreadId() })
}
