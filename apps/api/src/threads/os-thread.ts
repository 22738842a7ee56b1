import { readlinkSync } from 'node:fs'
import { getPriority, setPriority } from 'node:os'
import type { Logger } from 'pino'

/** The kernel's id of the calling thread, or undefined off Linux. */
export function osThreadId(): number | undefined {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop())
  } catch {
    return undefined
  }
}

/** The calling thread's priority (nice), 0 where it cannot be read. */
export function threadPriority(): number {
  const thread = osThreadId()
  try {
    return thread === undefined ? 0 : getPriority(thread)
  } catch {
    return 0
  }
}

/**
 * Runs the calling thread (not the process: on Linux a priority is a thread's) at `nice`. Lowering
 * it is always allowed; raising it above 0 needs CAP_SYS_NICE. Elsewhere than Linux, or where the
 * system refuses, the thread keeps its priority and the log says why.
 */
export function setThreadPriority(nice: number, logger: Logger): void {
  const thread = osThreadId()
  if (thread === undefined) return
  try {
    if (getPriority(thread) !== nice) setPriority(thread, nice)
  } catch (error) {
    logger.warn(
      { err: error, nice },
      nice < 0
        ? 'could not raise the thread priority: it needs CAP_SYS_NICE (root, or setcap, or AmbientCapabilities=CAP_SYS_NICE under systemd)'
        : 'could not change the thread priority',
    )
  }
}
