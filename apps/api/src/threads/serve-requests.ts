import { readlinkSync } from 'node:fs'
import { parentPort } from 'node:worker_threads'

type Handler = (message: Record<string, unknown>) => unknown

/**
 * The worker thread's side of `ThreadClient`: runs the handler for each message's type and answers
 * requests (messages with an id) with its result or its error's message. Says it is ready with the
 * kernel's id of the thread (Linux), for `top -H` and the benchmark's CPU accounting.
 */
export function serveRequests(handlers: Record<string, Handler>): void {
  parentPort?.on('message', async (message: Record<string, unknown> & { type: string; id?: number }) => {
    try {
      const result = await handlers[message.type]?.(message)
      if (message.id !== undefined) parentPort?.postMessage({ type: 'reply', id: message.id, result })
    } catch (error) {
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

function osThreadId(): number | undefined {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop())
  } catch {
    return undefined
  }
}
