// Where the CPU went during a benchmark phase (Linux): each thread of this process and each
// PostgreSQL process, from the kernel's scheduler statistics. On two cores every component competes
// for the same CPU, so this says which one to make cheaper, and how long each waited for a core
// while it could have run (a profile read's latency is mostly that wait, on the threads it crosses).
import { readdirSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { osThreadId } from '../dist/threads/os-thread.js'

/** The kernel's id of the calling thread, or undefined off Linux (the server's own helper). */
export { osThreadId }

/** Nanoseconds on a core, and waiting runnable for one (the first two fields of schedstat). */
const schedNs = (path) => {
  try {
    const [run, wait] = readFileSync(path, 'utf8').split(' ').map(Number)
    return { run, wait }
  } catch {
    return { run: 0, wait: 0 }
  }
}

/**
 * CPU and run-queue nanoseconds by component. `threads` names known thread ids of this process; the
 * others are V8's and libuv's helpers (garbage collection, compilation, the thread pool). PostgreSQL
 * backends are told apart by application_name (the server's pools set it).
 */
export async function cpuSnapshot(pgClient, threads) {
  const totals = new Map()
  const add = (label, { run, wait }) => {
    const total = totals.get(label) ?? { run: 0, wait: 0 }
    totals.set(label, { run: total.run + run, wait: total.wait + wait })
  }
  let tasks = []
  try {
    tasks = readdirSync('/proc/self/task')
  } catch {
    return totals
  }
  for (const tid of tasks)
    add(threads[tid] ?? 'node: V8 and libuv helper threads', schedNs(`/proc/self/task/${tid}/schedstat`))
  const { rows } = await pgClient.query(
    `select pid, application_name, backend_type from pg_stat_activity where pid <> pg_backend_pid()`,
  )
  for (const row of rows) {
    const label =
      row.backend_type === 'client backend'
        ? `postgres: ${row.application_name || 'other'} connections`
        : 'postgres: background (WAL writer, checkpointer, vacuum)'
    add(label, schedNs(`/proc/${row.pid}/schedstat`))
  }
  return totals
}

/**
 * The CPU each component used between two snapshots, largest first, and how long it waited for a
 * core, as printable lines.
 */
export function cpuLines(before, after, seconds) {
  const cores = availableParallelism()
  const used = [...after].map(([label, { run, wait }]) => {
    const was = before.get(label) ?? { run: 0, wait: 0 }
    return [label, (run - was.run) / 1e9, (wait - was.wait) / 1e9]
  })
  const total = used.reduce((sum, [, s]) => sum + s, 0)
  const inSeconds = (s) => `${s.toFixed(2).padStart(6)} s`
  return [
    `  ${''.padEnd(52)} ${'ran'.padStart(8)} ${'waited'.padStart(8)}`,
    ...used
      .filter(([, s]) => s > 0.005)
      .sort((a, b) => b[1] - a[1])
      .map(([label, s, w]) => `  ${label.padEnd(52)} ${inSeconds(s)} ${inSeconds(w)}`),
    `  ${'all of the above'.padEnd(52)} ${inSeconds(total)} of ${(cores * seconds).toFixed(2)} s that ${cores} cores have`,
  ]
}
