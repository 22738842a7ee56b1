import type { PluginView, SourceView } from '@rapport/api-client'
import { Link } from 'react-router-dom'
import { ListContent } from '../../../components/ListContent'
import { PageHeader } from '../../../components/PageHeader'
import { EmptyState } from '../../../components/States'
import { TableCard } from '../../../components/TableCard'
import { hasPermission } from '../../../lib/access'
import { formatDateTime, formatNumber } from '../../../lib/format'
import { useMe } from '../../session/hooks/useSession'
import { scheduleLabel } from '../api/schedule'
import { usePlugins, useSources } from '../hooks/useSources'
import { RunStatusBadge } from './RunStatus'
import { EnabledBadge, ListenerBadge } from './SourceBadges'

export function SourcesPage() {
  const me = useMe()
  const canWrite = hasPermission(me, 'sources:write')
  const sources = useSources()
  const plugins = usePlugins()
  const pluginOf = (id: string) => plugins.data?.find((plugin) => plugin.id === id)

  return (
    <>
      <PageHeader
        title="Sources"
        description="Where customer data comes from: connected systems, the tracking API, webhooks and file imports."
        actions={
          canWrite && (
            <Link to="/sources/new" className="button button--primary">
              Add source
            </Link>
          )
        }
      />
      <ListContent
        query={sources}
        loadingLabel="Loading sources…"
        empty={
          <EmptyState title="No sources yet">
            <p>Connect a system, send events through the tracking API, or import a CSV file.</p>
            {canWrite && (
              <Link to="/sources/new" className="button button--primary">
                Add your first source
              </Link>
            )}
          </EmptyState>
        }
      >
        {(items) => (
          <TableCard
            caption="Sources of this workspace"
            columns={['Name', 'Type', 'Status', 'Schedule', 'Last run']}
          >
            {items.map((source) => (
              <SourceRow key={source.id} source={source} plugin={pluginOf(source.pluginId)} />
            ))}
          </TableCard>
        )}
      </ListContent>
    </>
  )
}

function SourceRow({ source, plugin }: { source: SourceView; plugin: PluginView | undefined }) {
  const run = source.lastRun
  return (
    <tr className={source.enabled ? undefined : 'table__row--muted'}>
      <td>
        <Link to={`/sources/${source.id}`} className="table__link">
          {source.name}
        </Link>
      </td>
      <td>
        {plugin?.name ?? source.pluginId}
        {plugin && <div className="muted small">{plugin.categories.join(', ')}</div>}
      </td>
      <td>
        <div className="badge-row">
          <EnabledBadge source={source} />
          {source.listener && <ListenerBadge listener={source.listener} />}
        </div>
      </td>
      <td>{scheduleLabel(source.scheduleMinutes)}</td>
      <td>
        {run ? (
          <>
            <RunStatusBadge run={run} />{' '}
            <time className="small" dateTime={run.startedAt}>
              {formatDateTime(run.startedAt)}
            </time>
            <div className="muted small">
              {formatNumber(run.envelopes)} accepted{run.failed ? `, ${formatNumber(run.failed)} failed` : ''}
            </div>
          </>
        ) : plugin && !plugin.capabilities.streams && !plugin.capabilities.upload ? (
          <span className="muted small">Receives data as it is sent</span>
        ) : (
          <span className="muted">Never</span>
        )}
      </td>
    </tr>
  )
}
