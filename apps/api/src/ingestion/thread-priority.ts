import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'

/**
 * The processor's nice value: it yields the CPU to answering requests (intake, reads) and takes
 * what they leave. Its work waits in the inbox, durable; a customer waiting for an answer does not.
 */
export const backgroundNice = 10

/**
 * Lowers this thread's priority, not the whole process's: on Linux a thread has its own nice value,
 * set through its thread id. Elsewhere, or where it is not allowed, the thread keeps its priority.
 */
export function lowerThreadPriority(nice: number): boolean {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (!Number.isInteger(threadId)) return false
    setPriority(threadId, nice)
    return true
  } catch {
    return false
  }
}
