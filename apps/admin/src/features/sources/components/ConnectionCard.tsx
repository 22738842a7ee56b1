import type { PluginView, SourceView } from '@rapport/api-client'
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { ErrorState, Loading } from '../../../components/States'
import { capitalize, formatDateTime } from '../../../lib/format'
import { useWriteKey } from '../hooks/useSources'
import { CopyField } from './CopyField'
import { ListenerBadge } from './SourceBadges'

const sendHere = (
  <>
    Point any Segment library here, or POST to <code>/v1/track</code>, <code>/v1/identify</code> or{' '}
    <code>/v1/batch</code> with the write key as the HTTP Basic user name.
  </>
)

/** How data reaches this source: the tracking API and its write key, a webhook address, a receiver. */
export function ConnectionCard({
  source,
  plugin,
  canWrite,
}: {
  source: SourceView
  plugin: PluginView | undefined
  canWrite: boolean
}) {
  const origin = window.location.origin
  const capabilities = plugin?.capabilities
  const nothing =
    !capabilities?.writeKey &&
    !source.webhookPath &&
    !source.listener &&
    !capabilities?.upload &&
    !capabilities?.streams
  return (
    <section className="card" aria-labelledby="source-connection">
      <h2 id="source-connection">Connection</h2>
      {capabilities?.writeKey && (
        <>
          {source.trackingPort !== null && (
            <CopyField
              label="Tracking host"
              value={`${window.location.protocol}//${window.location.hostname}:${source.trackingPort}`}
              hint={
                <>
                  {sendHere} This port answers the tracking API alone, so that bursts of events never slow
                  this interface down. Behind a reverse proxy, use the address the proxy gives this port.
                </>
              }
            />
          )}
          <CopyField
            label={source.trackingPort === null ? 'Tracking API host' : 'Or this server’s own host'}
            value={origin}
            hint={
              source.trackingPort === null ? (
                sendHere
              ) : (
                <>
                  The same calls under <code>/v1</code>, beside this interface.
                </>
              )
            }
          />
          {canWrite ? (
            <WriteKeyField sourceId={source.id} />
          ) : (
            <p className="small muted">Owners and admins can see the write key.</p>
          )}
        </>
      )}
      {source.webhookPath && (
        <CopyField
          label="Webhook URL"
          value={`${origin}${source.webhookPath}`}
          hint={`Paste it into ${plugin?.name ?? 'the vendor'}'s webhook settings; requests are checked against the signing secret.`}
        />
      )}
      {source.listener && <ListenerStatus listener={source.listener} />}
      {capabilities?.upload && (
        <p>
          Files are imported on the <Link to={`/import?source=${source.id}`}>CSV import</Link> page.
        </p>
      )}
      {capabilities?.streams && (
        <p className="muted">This source fetches data itself: use “Sync now” or set a schedule.</p>
      )}
      {nothing && <p className="muted">This source has no address to send data to.</p>}
    </section>
  )
}

function WriteKeyField({ sourceId }: { sourceId: string }) {
  const writeKey = useWriteKey(sourceId, true)
  const [shown, setShown] = useState(false)
  if (writeKey.isPending) return <Loading label="Loading the write key…" />
  if (writeKey.isError) return <ErrorState error={writeKey.error} onRetry={() => writeKey.refetch()} />
  return (
    <CopyField
      label="Write key"
      value={writeKey.data}
      masked={!shown}
      hint="Anyone with this key can send data into this workspace: keep it out of public code where you can."
      actions={
        <button
          type="button"
          className="button button--ghost"
          aria-pressed={shown}
          onClick={() => setShown((value) => !value)}
        >
          {shown ? 'Hide' : 'Show'}
        </button>
      }
    />
  )
}

function ListenerStatus({ listener }: { listener: NonNullable<SourceView['listener']> }) {
  return (
    <div className="listener">
      <h3>Receiver</h3>
      <dl className="facts">
        <dt>State</dt>
        <dd>
          <ListenerBadge listener={listener} />
          {listener.since && <span className="muted small"> since {formatDateTime(listener.since)}</span>}
        </dd>
        <dt>Address</dt>
        <dd>{listener.address ? <code>{listener.address}</code> : <span className="muted">—</span>}</dd>
      </dl>
      {listener.error && (
        <div className="alert alert--error listener__error">
          <strong>The receiver could not start.</strong> {capitalize(listener.error.replace(/\.?\s*$/, '.'))}
          {listener.state === 'failed' && ' It is retried on its own; fix the settings to try again now.'}
        </div>
      )}
    </div>
  )
}
