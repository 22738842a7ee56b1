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

/**
 * The priority for a thread that should yield: `nice`, or the calling thread's own where that is
 * lower already (a server started with `nice -n 10` runs its threads at 10 rather than ask for a
 * raise it may not have). Called by the thread that starts the others, before it raises itself.
 */
export function yieldingPriority(nice: number): number {
  const thread = osThreadId()
  try {
    return Math.max(nice, thread === undefined ? nice : getPriority(thread))
  } catch {
    return nice
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
