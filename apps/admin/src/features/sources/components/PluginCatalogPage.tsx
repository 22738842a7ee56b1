import type { PluginView } from '@rapport/api-client'
import { Link } from 'react-router-dom'
import { ListContent } from '../../../components/ListContent'
import { PageHeader } from '../../../components/PageHeader'
import { EmptyState } from '../../../components/States'
import { usePlugins } from '../hooks/useSources'
import { BackLink } from './BackLink'

const capabilityLabels: Record<keyof PluginView['capabilities'], string> = {
  streams: 'Syncs data',
  webhook: 'Receives webhooks',
  upload: 'Imports files',
  listener: 'Runs a receiver',
  writeKey: 'Tracking API',
  check: 'Connection test',
  channel: 'Sends messages',
}

export function capabilitiesOf(plugin: PluginView): string[] {
  return (Object.keys(capabilityLabels) as (keyof PluginView['capabilities'])[])
    .filter((key) => plugin.capabilities[key])
    .map((key) => capabilityLabels[key])
}

/** The installed plugins: what a new source can be. */
export function PluginCatalogPage() {
  const plugins = usePlugins()
  return (
    <>
      <BackLink to="/sources">Sources</BackLink>
      <PageHeader
        title="Add a source"
        description="Choose what to connect. These plugins are installed on this server; each source is one configured plugin."
      />
      <ListContent
        query={plugins}
        loadingLabel="Loading the plugin catalog…"
        empty={
          <EmptyState title="No plugins installed">
            <p>Ask whoever runs this server to install plugins (RAPPORT_PLUGINS).</p>
          </EmptyState>
        }
      >
        {(items) => (
          <ul className="catalog" aria-label="Installed plugins">
            {items.map((plugin) => (
              <li key={plugin.id} className="card catalog__item">
                <div className="catalog__head">
                  <h2 className="catalog__name">{plugin.name}</h2>
                  <span className="muted small">v{plugin.version}</span>
                </div>
                <ul className="chips" aria-label={`Categories of ${plugin.name}`}>
                  {plugin.categories.map((category) => (
                    <li key={category} className="chip">
                      {category}
                    </li>
                  ))}
                </ul>
                <p className="catalog__description">{plugin.description ?? 'No description.'}</p>
                <p className="small muted">{capabilitiesOf(plugin).join(' · ')}</p>
                <Link
                  to={`/sources/new/${encodeURIComponent(plugin.id)}`}
                  className="button catalog__action"
                  aria-label={`Add ${plugin.name}`}
                >
                  Add
                </Link>
              </li>
            ))}
          </ul>
        )}
      </ListContent>
    </>
  )
}
