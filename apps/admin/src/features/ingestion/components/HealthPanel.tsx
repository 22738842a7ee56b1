import type { IngestionHealth } from '@rapport/api-client'
import { useEffect, useState } from 'react'
import { ErrorState, Loading } from '../../../components/States'
import { formatClock, formatDateTime, formatDuration, formatNumber } from '../../../lib/format'
import { healthRefreshMs } from '../api/ingestion-queries'
import { useIngestionHealth } from '../hooks/useIngestion'
import { Sparkline } from './Sparkline'

/** A backlog older than this means processing does not keep up. */
const lagWarningSeconds = 60
const historySamples = 60

type Standing = 'healthy' | 'behind' | 'attention'

function standingOf(health: IngestionHealth): Standing {
  if (health.lagSeconds > lagWarningSeconds) return 'behind'
  if (health.deadLetters > 0) return 'attention'
  return 'healthy'
}

const standingText: Record<Standing, { label: string; className: string; detail: string }> = {
  healthy: {
    label: 'Healthy',
    className: 'badge badge--success',
    detail: 'Everything received is being processed as it arrives.',
  },
  behind: {
    label: 'Falling behind',
    className: 'badge badge--warning',
    detail: 'Data waits longer than a minute before it reaches the profiles.',
  },
  attention: {
    label: 'Needs attention',
    className: 'badge badge--warning',
    detail: 'Some data could not be processed: see the dead letters below.',
  },
}

interface Sample {
  at: number
  backlog: number
  accepted: number
  processed: number
}

/** Backlog, lag and throughput, fetched every few seconds, with their recent history as small charts. */
export function HealthPanel() {
  const health = useIngestionHealth()
  const [history, setHistory] = useState<Sample[]>([])

  useEffect(() => {
    const data = health.data
    if (!data) return
    setHistory((previous) =>
      [
        ...previous,
        {
          at: health.dataUpdatedAt,
          backlog: data.backlog,
          accepted: data.acceptedLastMinute,
          processed: data.processedLastMinute,
        },
      ].slice(-historySamples),
    )
  }, [health.data, health.dataUpdatedAt])

  if (health.isPending) return <Loading label="Loading ingestion health…" />
  if (health.isError) return <ErrorState error={health.error} onRetry={() => health.refetch()} />
  const data = health.data
  const standing = standingText[standingOf(data)]
  const minutes = Math.round((historySamples * healthRefreshMs) / 60_000)

  return (
    <section aria-labelledby="health-title" className="page-section">
      <div className="page-section__head">
        <h2 id="health-title">
          Now <span className={standing.className}>{standing.label}</span>
        </h2>
        <p className="muted small">
          {standing.detail} Updated at {formatClock(new Date(health.dataUpdatedAt))}, every{' '}
          {healthRefreshMs / 1000} seconds.
        </p>
      </div>
      <dl className="metric-grid metric-grid--5">
        <div
          className={
            data.backlog > 0 && data.lagSeconds > lagWarningSeconds ? 'metric metric--warning' : 'metric'
          }
        >
          <dt className="metric__label">Backlog</dt>
          <dd className="metric__value">{formatNumber(data.backlog)}</dd>
          <dd className="metric__hint">received, not processed yet</dd>
          <dd className="metric__chart">
            <Sparkline
              values={history.map((s) => s.backlog)}
              label={`Backlog over the last ${minutes} minutes`}
            />
          </dd>
        </div>
        <div className={data.lagSeconds > lagWarningSeconds ? 'metric metric--warning' : 'metric'}>
          <dt className="metric__label">Lag</dt>
          <dd className="metric__value">{data.backlog ? formatDuration(data.lagSeconds) : 'None'}</dd>
          <dd className="metric__hint">
            {data.oldestPendingAt
              ? `oldest waiting since ${formatDateTime(data.oldestPendingAt)}`
              : 'nothing is waiting'}
          </dd>
        </div>
        <ThroughputMetric
          label="Received"
          lastMinute={data.acceptedLastMinute}
          perMinute={history.map((s) => s.accepted)}
          minutes={minutes}
        />
        <ThroughputMetric
          label="Processed"
          lastMinute={data.processedLastMinute}
          perMinute={history.map((s) => s.processed)}
          minutes={minutes}
        />
        <div className={data.deadLetters > 0 ? 'metric metric--danger' : 'metric'}>
          <dt className="metric__label">Dead letters</dt>
          <dd className="metric__value">{formatNumber(data.deadLetters)}</dd>
          <dd className="metric__hint">failed or refused, kept below</dd>
        </div>
      </dl>
    </section>
  )
}

/** Envelopes a minute: the last minute's count, and a sparkline of the minutes before. */
function ThroughputMetric({
  label,
  lastMinute,
  perMinute,
  minutes,
}: {
  label: string
  lastMinute: number
  perMinute: number[]
  minutes: number
}) {
  return (
    <div className="metric">
      <dt className="metric__label">{label}</dt>
      <dd className="metric__value">{formatNumber(lastMinute)}</dd>
      <dd className="metric__hint">in the last minute</dd>
      <dd className="metric__chart">
        <Sparkline values={perMinute} label={`${label} per minute, last ${minutes} minutes`} />
      </dd>
    </div>
  )
}
