import type { CheckResultView, PluginView, SourceView } from '@rapport/api-client'
import { useState } from 'react'
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom'
import { ConfirmDialog } from '../../../components/Dialog'
import { PageHeader } from '../../../components/PageHeader'
import { ErrorState, FormError, Loading } from '../../../components/States'
import { hasPermission } from '../../../lib/access'
import { errorMessage } from '../../../lib/api'
import { capitalize, formatDateTime } from '../../../lib/format'
import { useMe } from '../../session/hooks/useSession'
import { scheduleLabel } from '../api/schedule'
import {
  isBusy,
  useCheckSource,
  useDeleteSource,
  usePlugins,
  useSource,
  useSyncSource,
  useUpdateSource,
} from '../hooks/useSources'
import { BackLink } from './BackLink'
import { ConnectionCard } from './ConnectionCard'
import { RunStatusBadge } from './RunStatus'
import { EnabledBadge } from './SourceBadges'
import { SourceForm } from './SourceForm'
import { SyncRunsTable } from './SyncRunsTable'

export function SourcePage() {
  const { sourceId = '' } = useParams()
  const source = useSource(sourceId)
  const plugins = usePlugins()

  if (source.isPending || plugins.isPending) return <Loading label="Loading the source…" />
  if (source.isError) return <ErrorState error={source.error} onRetry={() => source.refetch()} />
  if (plugins.isError) return <ErrorState error={plugins.error} onRetry={() => plugins.refetch()} />
  const plugin = plugins.data.find((candidate) => candidate.id === source.data.pluginId)
  return <SourceDetails source={source.data} plugin={plugin} />
}

function SourceDetails({ source, plugin }: { source: SourceView; plugin: PluginView | undefined }) {
  const me = useMe()
  const canWrite = hasPermission(me, 'sources:write')
  const location = useLocation()
  const justCreated = (location.state as { created?: boolean } | null)?.created === true
  const check = useCheckSource(source.id)
  const sync = useSyncSource(source.id)
  const toggle = useUpdateSource(source.id)
  const running = source.lastRun?.status === 'running'
  // Pushed-only sources (the tracking API, webhooks) have no runs to list.
  const hasRuns = Boolean(plugin?.capabilities.streams || plugin?.capabilities.upload || source.lastRun)
  const hasSettings = Object.keys(source.config).length > 0 || source.secretsSet.length > 0

  const description = plugin
    ? `${plugin.name} · version ${plugin.version} · ${plugin.categories.join(', ')}`
    : `The plugin ${source.pluginId} is not installed on this server: this source cannot run.`

  return (
    <>
      <BackLink to="/sources">Sources</BackLink>
      <PageHeader
        title={source.name}
        description={description}
        actions={
          canWrite && (
            <>
              {plugin?.capabilities.check && (
                <button
                  type="button"
                  className="button"
                  disabled={check.isPending}
                  onClick={() => check.mutate()}
                >
                  {check.isPending ? 'Testing…' : 'Test connection'}
                </button>
              )}
              {plugin?.capabilities.streams && (
                <button
                  type="button"
                  className="button button--primary"
                  disabled={sync.isPending || running || !source.enabled}
                  title={!source.enabled ? 'Enable the source to sync it' : undefined}
                  onClick={() => sync.mutate()}
                >
                  {running ? 'Syncing…' : 'Sync now'}
                </button>
              )}
              {plugin?.capabilities.upload && (
                <Link to={`/import?source=${source.id}`} className="button button--primary">
                  Import a file
                </Link>
              )}
              <button
                type="button"
                className="button"
                disabled={toggle.isPending}
                onClick={() => toggle.mutate({ enabled: !source.enabled })}
              >
                {source.enabled ? 'Disable' : 'Enable'}
              </button>
              <DeleteSourceButton source={source} />
            </>
          )
        }
      />
      <div className="page-stack" aria-live="polite">
        {justCreated && !check.data && (
          <div className="alert alert--success">
            {source.name} was added.
            {plugin?.capabilities.check && ' Test the connection to see that its settings work.'}
          </div>
        )}
        {check.data && <CheckResultAlert result={check.data} />}
        {check.isError && <FormError error={check.error} />}
        {sync.isError && <FormError error={sync.error} />}
        {toggle.isError && <FormError error={toggle.error} />}
      </div>
      <div className="grid-2">
        <section className="card" aria-labelledby="source-overview">
          <h2 id="source-overview">Overview</h2>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <EnabledBadge source={source} />
            </dd>
            <dt>Added</dt>
            <dd>{formatDateTime(source.createdAt)}</dd>
            {plugin?.capabilities.streams && (
              <>
                <dt>Schedule</dt>
                <dd>{scheduleLabel(source.scheduleMinutes)}</dd>
                <dt>Next sync</dt>
                <dd>
                  {source.enabled ? formatDateTime(source.nextSyncAt, 'Not scheduled') : 'Not while disabled'}
                </dd>
              </>
            )}
            {hasPermission(me, 'customers:read') && (
              <>
                <dt>Customers</dt>
                <dd>
                  <Link to={`/customers?source=${source.id}`}>Customers this source sent data about</Link>
                </dd>
              </>
            )}
            {hasRuns && (
              <>
                <dt>Last run</dt>
                <dd>
                  {source.lastRun ? (
                    <>
                      <RunStatusBadge run={source.lastRun} /> {formatDateTime(source.lastRun.startedAt)}
                    </>
                  ) : (
                    'Never'
                  )}
                </dd>
              </>
            )}
          </dl>
        </section>
        <ConnectionCard source={source} plugin={plugin} canWrite={canWrite} />
      </div>
      {plugin && (canWrite || hasSettings) && (
        <section className="page-section" aria-labelledby="source-settings">
          <h2 id="source-settings">Settings</h2>
          {canWrite ? (
            <SettingsEditor source={source} plugin={plugin} />
          ) : (
            <ReadOnlySettings source={source} />
          )}
        </section>
      )}
      {hasRuns && (
        <section className="page-section" aria-labelledby="source-runs">
          <h2 id="source-runs">Sync runs</h2>
          <SyncRunsTable sourceId={source.id} sourceName={source.name} live={isBusy(source)} />
        </section>
      )}
    </>
  )
}

function CheckResultAlert({ result }: { result: CheckResultView }) {
  return result.ok ? (
    <div className="alert alert--success">
      <strong>Connection works.</strong> {capitalize(result.message)}
    </div>
  ) : (
    <div className="alert alert--error">
      <strong>Connection failed{result.errorKind ? ` (${result.errorKind})` : ''}.</strong>{' '}
      {capitalize(result.message)}
    </div>
  )
}

function SettingsEditor({ source, plugin }: { source: SourceView; plugin: PluginView }) {
  const update = useUpdateSource(source.id)
  const [saved, setSaved] = useState(false)
  return (
    <div className="card form-card">
      {saved && !update.isPending && (
        <div className="alert alert--success" role="status">
          Settings saved.
        </div>
      )}
      <SourceForm
        // After a save the form starts again from what the server kept (which secrets are set).
        key={source.updatedAt}
        plugin={plugin}
        source={source}
        mutation={update}
        submitLabel="Save settings"
        pendingLabel="Saving…"
        onSubmit={({ name, config, scheduleMinutes }) => {
          setSaved(false)
          update.mutate(
            {
              name,
              config,
              ...(plugin.capabilities.streams ? { scheduleMinutes } : {}),
            },
            { onSuccess: () => setSaved(true) },
          )
        }}
      />
    </div>
  )
}

function ReadOnlySettings({ source }: { source: SourceView }) {
  const entries = Object.entries(source.config)
  return (
    <div className="card">
      {entries.length || source.secretsSet.length ? (
        <dl className="facts">
          {entries.map(([key, value]) => (
            <div key={key} className="facts__pair">
              <dt>{key}</dt>
              <dd className="mono">{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </div>
          ))}
          {source.secretsSet.map((key) => (
            <div key={key} className="facts__pair">
              <dt>{key}</dt>
              <dd>
                <span className="badge badge--success">Set</span>
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted">This source has no settings.</p>
      )}
      <p className="small muted">Only owners and admins can change a source.</p>
    </div>
  )
}

function DeleteSourceButton({ source }: { source: SourceView }) {
  const [confirming, setConfirming] = useState(false)
  const remove = useDeleteSource(source.id)
  const navigate = useNavigate()
  return (
    <>
      <button type="button" className="button button--danger-outline" onClick={() => setConfirming(true)}>
        Delete
      </button>
      {confirming && (
        <ConfirmDialog
          title={`Delete ${source.name}?`}
          confirmLabel="Delete source"
          danger
          pending={remove.isPending}
          error={
            remove.isError ? (
              <div className="alert alert--error" role="alert">
                {errorMessage(remove.error)}
              </div>
            ) : undefined
          }
          onConfirm={() =>
            remove.mutate(undefined, { onSuccess: () => navigate('/sources', { replace: true }) })
          }
          onClose={() => {
            setConfirming(false)
            remove.reset()
          }}
        >
          <p>
            The source, its settings and its run history are deleted; its write key and webhook address stop
            working at once. The customer data it already brought stays on the profiles.
          </p>
        </ConfirmDialog>
      )}
    </>
  )
}
