// The benchmarks' baseline: the same rows (message id + JSON, tab-separated lines) by COPY into a
// scratch table on the same database; the median of three runs, as one COPY on a small machine
// varies by a quarter from run to run. Answers milliseconds.
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import copyStreams from 'pg-copy-streams'

export async function copyBaselineMs(url, lines) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const runs = []
    for (let i = 0; i < 3; i++) {
      await client.query(`create temp table copy_baseline_${i} (message_id text, envelope jsonb)`)
      const start = performance.now()
      await pipeline(
        Readable.from(lines),
        client.query(copyStreams.from(`copy copy_baseline_${i} from stdin`)),
      )
      runs.push(performance.now() - start)
    }
    return runs.sort((a, b) => a - b)[1]
  } finally {
    await client.end()
  }
}
