import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'
import { parentPort } from 'node:worker_threads'
import type { Logger } from 'pino'

type Handler = (message: Record<string, unknown>) => unknown

/**
 * The worker thread's side of `ThreadClient`: runs the handler for each message's type and answers
 * requests (messages with an id) with its result or its error's message (logged here with its
 * stack, which does not cross threads). Says it is ready with the kernel's id of the thread (Linux),
 * for `top -H` and the benchmark's CPU accounting.
 */
export function serveRequests(handlers: Record<string, Handler>, logger: Logger): void {
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
  parentPort?.postMessage({ type: 'ready', osThreadId: osThreadId() })
}

/** The kernel's id of the calling thread, or undefined off Linux. */
export function osThreadId(): number | undefined {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop())
  } catch {
    return undefined
  }
}

/**
 * Runs the calling thread (not the process) at a lower priority. Linux only; elsewhere, or where the
 * system refuses, the thread keeps its priority and says so.
 */
export function lowerPriority(nice: number, logger: Logger): void {
  const thread = osThreadId()
  if (!nice || thread === undefined) return
  try {
    setPriority(thread, nice)
  } catch (error) {
    logger.warn({ err: error, nice }, 'could not lower the thread priority')
  }
}
