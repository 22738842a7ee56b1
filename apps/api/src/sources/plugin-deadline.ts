/** Plugin code that did not answer in time. */
export class DeadlineError extends Error {}

/**
 * Runs plugin code bounded in time: past `ms`, `abort` is aborted with a DeadlineError saying
 * `message` and that is the answer (whatever the plugin does later is ignored). An abort from
 * elsewhere answers at once too.
 */
export async function withinDeadline<T>(
  abort: AbortController,
  ms: number,
  message: string,
  work: () => Promise<T> | T,
): Promise<T> {
  const timer = setTimeout(() => abort.abort(new DeadlineError(message)), ms)
  try {
    return await Promise.race([Promise.resolve().then(work), rejectOnAbort(abort.signal)])
  } finally {
    clearTimeout(timer)
  }
}

/** Rejects with the signal's reason once it aborts (at once if it has). */
export function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason)
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
}

/**
 * Waits for `work`, but at most `ms` (then goes on without it); rejects if `work` does, or if
 * `signal` aborts first. For waits that may give up, unlike a plugin call that must answer.
 */
export async function waitAtMost(work: Promise<unknown>, ms: number, signal?: AbortSignal): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      work.then(() => {}),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms)
      }),
      ...(signal ? [rejectOnAbort(signal)] : []),
    ])
  } finally {
    clearTimeout(timer)
  }
}
