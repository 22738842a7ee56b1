import type { PluginView, SourceView } from '@rapport/api-client'
import { useSearchParams } from 'react-router-dom'
import { PageHeader } from '../../../components/PageHeader'
import { ErrorState, Loading } from '../../../components/States'
import { usePlugins, useSources } from '../../sources/hooks/useSources'
import { ImportRun } from './ImportRun'
import { ImportWizard } from './ImportWizard'
import { NewCsvSourceForm } from './NewCsvSourceForm'

/**
 * Importing a CSV file into a source that reads uploads. The source and the run are in the URL
 * (`?source=…&run=…`), so an import's progress and summary can be shared and survive a reload.
 */
export function CsvImportPage() {
  const [params, setParams] = useSearchParams()
  const sources = useSources()
  const plugins = usePlugins()
  const runId = params.get('run')

  const header = (
    <PageHeader
      title="CSV import"
      description="Bring contacts or business records (orders, invoices, deals…) from a spreadsheet: choose the file, say what each column is, and import."
    />
  )
  if (sources.isPending || plugins.isPending) {
    return (
      <>
        {header}
        <Loading label="Loading the import sources…" />
      </>
    )
  }
  if (sources.isError || plugins.isError) {
    return (
      <>
        {header}
        <ErrorState
          error={sources.error ?? plugins.error}
          onRetry={() => {
            void sources.refetch()
            void plugins.refetch()
          }}
        />
      </>
    )
  }

  const uploadPlugins = plugins.data.filter((plugin) => plugin.capabilities.upload)
  const uploadSources = sources.data.filter((source) =>
    uploadPlugins.some((plugin) => plugin.id === source.pluginId),
  )
  const selected = uploadSources.find((source) => source.id === params.get('source')) ?? uploadSources[0]
  const pluginOf = (source: SourceView): PluginView | undefined =>
    uploadPlugins.find((plugin) => plugin.id === source.pluginId)

  if (runId && selected) {
    return (
      <>
        {header}
        <ImportRun runId={runId} source={selected} onAnother={() => setParams({ source: selected.id })} />
      </>
    )
  }

  const csvPlugin = uploadPlugins.find((plugin) => plugin.id === 'import-csv') ?? uploadPlugins[0]
  return (
    <>
      {header}
      {!selected || !pluginOf(selected) ? (
        csvPlugin ? (
          <NewCsvSourceForm plugin={csvPlugin} onCreated={(id) => setParams({ source: id })} />
        ) : (
          <ErrorState error={new Error('No plugin that imports files is installed on this server.')} />
        )
      ) : (
        <ImportWizard
          // A new source starts a new import.
          key={selected.id}
          sources={uploadSources}
          source={selected}
          plugin={pluginOf(selected) as PluginView}
          onSelectSource={(id) => setParams({ source: id })}
          onStarted={(run) => setParams({ source: selected.id, run: run.id })}
        />
      )}
    </>
  )
}
