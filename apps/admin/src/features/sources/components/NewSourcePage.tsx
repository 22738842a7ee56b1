import { Link, useNavigate, useParams } from 'react-router-dom'
import { PageHeader } from '../../../components/PageHeader'
import { EmptyState, ErrorState, Loading, NoAccess } from '../../../components/States'
import { hasPermission } from '../../../lib/access'
import { useMe } from '../../session/hooks/useSession'
import { useCreateSource, usePlugins } from '../hooks/useSources'
import { BackLink } from './BackLink'
import { SourceForm } from './SourceForm'

/** Adding a source of one plugin: its settings form, generated from the plugin's config schema. */
export function NewSourcePage() {
  const { pluginId = '' } = useParams()
  const me = useMe()
  const plugins = usePlugins()
  const create = useCreateSource()
  const navigate = useNavigate()

  if (!hasPermission(me, 'sources:write')) return <NoAccess />
  if (plugins.isPending) return <Loading label="Loading the plugin…" />
  if (plugins.isError) return <ErrorState error={plugins.error} onRetry={() => plugins.refetch()} />
  const plugin = plugins.data.find((candidate) => candidate.id === pluginId)
  if (!plugin) {
    return (
      <EmptyState title="This plugin is not installed">
        <p>There is no plugin “{pluginId}” on this server.</p>
        <Link to="/sources/new" className="button">
          See the installed plugins
        </Link>
      </EmptyState>
    )
  }

  return (
    <>
      <BackLink to="/sources/new">All plugins</BackLink>
      <PageHeader
        title={`Add ${plugin.name}`}
        description={plugin.description ?? `A new source of the ${plugin.name} plugin.`}
      />
      <div className="card form-card">
        <SourceForm
          plugin={plugin}
          mutation={create}
          submitLabel="Add source"
          pendingLabel="Adding…"
          onCancel={() => navigate('/sources/new')}
          onSubmit={(input) =>
            create.mutate(
              { pluginId: plugin.id, ...input },
              {
                onSuccess: (source) =>
                  // A file source is there to import: go straight to the import.
                  navigate(
                    plugin.capabilities.upload ? `/import?source=${source.id}` : `/sources/${source.id}`,
                    {
                      state: { created: true },
                    },
                  ),
              },
            )
          }
        />
      </div>
    </>
  )
}
