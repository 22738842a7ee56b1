// Where the CPU went during a benchmark phase (Linux): each thread of this process and each
// PostgreSQL process, from the kernel's scheduler statistics. On two cores every component competes
// for the same CPU, so this says which one to make cheaper.
import { readdirSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { osThreadId } from '../dist/threads/os-thread.js'

/** The kernel's id of the calling thread, or undefined off Linux (the server's own helper). */
export { osThreadId }

const runNs = (path) => {
  try {
    return Number(readFileSync(path, 'utf8').split(' ')[0])
  } catch {
    return 0
  }
}

/**
 * CPU nanoseconds by component. `threads` names known thread ids of this process; the others are
 * V8's and libuv's helpers (garbage collection, compilation, the thread pool). PostgreSQL backends
 * are told apart by application_name (the server's pools set it).
 */
export async function cpuSnapshot(pgClient, threads) {
  const totals = new Map()
  const add = (label, ns) => totals.set(label, (totals.get(label) ?? 0) + ns)
  let tasks = []
  try {
    tasks = readdirSync('/proc/self/task')
  } catch {
    return totals
  }
  for (const tid of tasks)
    add(threads[tid] ?? 'node: V8 and libuv helper threads', runNs(`/proc/self/task/${tid}/schedstat`))
  const { rows } = await pgClient.query(
    `select pid, application_name, backend_type from pg_stat_activity where pid <> pg_backend_pid()`,
  )
  for (const row of rows) {
    const label =
      row.backend_type === 'client backend'
        ? `postgres: ${row.application_name || 'other'} connections`
        : 'postgres: background (WAL writer, checkpointer, vacuum)'
    add(label, runNs(`/proc/${row.pid}/schedstat`))
  }
  return totals
}

/** The CPU each component used between two snapshots, largest first, as printable lines. */
export function cpuLines(before, after, seconds) {
  const cores = availableParallelism()
  const used = [...after].map(([label, ns]) => [label, (ns - (before.get(label) ?? 0)) / 1e9])
  const total = used.reduce((sum, [, s]) => sum + s, 0)
  return [
    ...used
      .filter(([, s]) => s > 0.005)
      .sort((a, b) => b[1] - a[1])
      .map(([label, s]) => `  ${label.padEnd(52)} ${s.toFixed(2).padStart(6)} s`),
    `  ${'all of the above'.padEnd(52)} ${total.toFixed(2).padStart(6)} s of ${(cores * seconds).toFixed(2)} s that ${cores} cores have`,
  ]
}
