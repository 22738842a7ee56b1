import type { PluginView } from '@rapport/api-client'
import { hasPermission } from '../../../lib/access'
import { useMe } from '../../session/hooks/useSession'
import { SourceForm } from '../../sources/components/SourceForm'
import { useCreateSource } from '../../sources/hooks/useSources'

/** No source reads files yet: one is made here, named after what the files hold. */
export function NewCsvSourceForm({
  plugin,
  onCreated,
}: {
  plugin: PluginView
  onCreated: (id: string) => void
}) {
  const create = useCreateSource()
  const me = useMe()
  if (!hasPermission(me, 'sources:write')) {
    return <p className="muted">There is no CSV import source yet. Ask an owner or admin to add one.</p>
  }
  return (
    <section className="card form-card" aria-labelledby="new-csv-source">
      <h2 id="new-csv-source">First, a source for your files</h2>
      <p className="muted">
        Imported data is kept with its source, so that each value shows where it came from. Name it after what
        the files hold, such as “Shop orders export” or “Trade fair leads”.
      </p>
      <SourceForm
        plugin={{ ...plugin, name: 'CSV import' }}
        mutation={create}
        submitLabel="Create source"
        pendingLabel="Creating…"
        onSubmit={(input) =>
          create.mutate({ pluginId: plugin.id, ...input }, { onSuccess: (source) => onCreated(source.id) })
        }
      />
    </section>
  )
}
