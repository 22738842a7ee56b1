import type { PluginView, SourceView, SyncRunView } from '@rapport/api-client'
import { type ChangeEvent, type FormEvent, useId, useMemo, useState } from 'react'
import { Link } from 'react-router-dom'
import { FormError } from '../../../components/States'
import { formatNumber } from '../../../lib/format'
import { rememberHeaders } from '../../sources/api/failures'
import { useUploadFile } from '../../sources/hooks/useSources'
import {
  type CsvDelimiter,
  type CsvPreview,
  csvDelimiters,
  delimiterLabels,
  previewCsv,
} from '../api/csv-preview'
import {
  commonRecordTypes,
  dateOrderLabels,
  decimalSeparatorLabels,
  type ImportKind,
  type ImportSettings,
  mappingProblems,
  suggestMapping,
  suggestOccurredAt,
  uploadOptions,
} from '../api/mapping'
import { ColumnMappingTable } from './ColumnMappingTable'
import { PreviewTable } from './PreviewTable'

interface LoadedFile {
  file: File
  text: string
}

/** Choose a file, map its columns with a preview of the first rows, start the import. */
export function ImportWizard({
  sources,
  source,
  plugin,
  onSelectSource,
  onStarted,
}: {
  sources: SourceView[]
  source: SourceView
  plugin: PluginView
  onSelectSource: (id: string) => void
  onStarted: (run: SyncRunView) => void
}) {
  const [loaded, setLoaded] = useState<LoadedFile | null>(null)
  const [readError, setReadError] = useState<string | null>(null)
  const [settings, setSettings] = useState<ImportSettings | null>(null)
  const upload = useUploadFile(source.id)
  const sourceSelectId = useId()
  const fileInputId = useId()

  const preview: CsvPreview | null = useMemo(
    () => (loaded && settings ? previewCsv(loaded.text, { delimiter: settings.delimiter }) : null),
    [loaded, settings?.delimiter],
  )
  const defaultCurrency =
    typeof source.config.defaultCurrency === 'string' ? source.config.defaultCurrency : undefined
  const problems = preview && settings ? mappingProblems(settings, preview.headers, defaultCurrency) : []

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0]
    upload.reset()
    setReadError(null)
    if (!file) {
      setLoaded(null)
      setSettings(null)
      return
    }
    try {
      const text = await file.text()
      const first = previewCsv(text)
      if (!first.headers.length) {
        setReadError('The file is empty: it needs a header row naming its columns.')
        setLoaded(null)
        setSettings(null)
        return
      }
      const kind: ImportKind = first.headers.some((h) => /order|invoice|amount|total/i.test(h))
        ? 'records'
        : 'contacts'
      setLoaded({ file, text })
      setSettings({
        kind,
        mapping: suggestMapping(first.headers, kind),
        recordType: '',
        occurredAtColumn: kind === 'contacts' ? suggestOccurredAt(first.headers) : '',
        delimiter: first.delimiter,
        dateOrder: 'day-first',
        decimalSeparator: '.',
      })
    } catch {
      setReadError('The file could not be read. Is it a text (CSV) file?')
    }
  }

  function change(patch: Partial<ImportSettings>) {
    setSettings((current) => (current ? { ...current, ...patch } : current))
  }

  function onKind(kind: ImportKind) {
    if (!preview) return
    change({
      kind,
      mapping: suggestMapping(preview.headers, kind),
      occurredAtColumn: kind === 'contacts' ? suggestOccurredAt(preview.headers) : '',
    })
  }

  function onDelimiter(delimiter: CsvDelimiter) {
    if (!loaded || !settings) return
    // Other cells, other headers: guess the mapping again.
    const next = previewCsv(loaded.text, { delimiter })
    change({ delimiter, mapping: suggestMapping(next.headers, settings.kind) })
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (!loaded || !settings || !preview || problems.length) return
    const headers = preview.headers
    upload.mutate(
      { file: loaded.file, options: uploadOptions(settings, headers) },
      {
        onSuccess: (run) => {
          rememberHeaders(run.id, headers)
          onStarted(run)
        },
      },
    )
  }

  const accept = ['.csv', '.txt', ...(plugin.upload?.accept ?? [])].join(',')
  return (
    <form
      className="import"
      onSubmit={submit}
      aria-describedby={problems.length ? 'import-problems' : undefined}
    >
      <ol className="steps" aria-label="Steps of the import">
        <li className="steps__item" aria-current={!loaded ? 'step' : undefined}>
          Choose a file
        </li>
        <li className="steps__item" aria-current={loaded ? 'step' : undefined}>
          Map the columns
        </li>
        <li className="steps__item">Import</li>
      </ol>

      <section className="card" aria-labelledby="import-file">
        <h2 id="import-file">1. Choose a file</h2>
        <div className="import__file-row">
          {sources.length > 1 ? (
            <div className="field">
              <label htmlFor={sourceSelectId}>Import into</label>
              <select id={sourceSelectId} value={source.id} onChange={(e) => onSelectSource(e.target.value)}>
                {sources.map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.name}
                  </option>
                ))}
              </select>
            </div>
          ) : (
            <div className="field">
              <span className="field__label">Import into</span>
              <Link to={`/sources/${source.id}`}>{source.name}</Link>
            </div>
          )}
          <div className="field">
            <label htmlFor={fileInputId}>CSV file</label>
            <input
              id={fileInputId}
              className="file-input"
              type="file"
              accept={accept}
              aria-describedby={`${fileInputId}-hint`}
              onChange={onFile}
            />
            <p id={`${fileInputId}-hint`} className="field__hint">
              UTF-8 text (“CSV UTF-8” in Excel) with a header row. Separated by commas, semicolons, tabs or
              pipes.
            </p>
          </div>
        </div>
        {readError && (
          <div className="alert alert--error" role="alert">
            {readError}
          </div>
        )}
        {!source.enabled && (
          <div className="alert alert--warning">
            {source.name} is disabled: <Link to={`/sources/${source.id}`}>enable it</Link> to import into it.
          </div>
        )}
      </section>

      {loaded && settings && preview && (
        <>
          <section className="card" aria-labelledby="import-mapping">
            <h2 id="import-mapping">2. Map the columns</h2>
            <p className="muted">
              {loaded.file.name}: {formatNumber(preview.rowCount)} {preview.rowCount === 1 ? 'row' : 'rows'}{' '}
              and {preview.headers.length} columns. Say what each column is; columns set to “Ignore” are not
              imported.
            </p>
            <div className="import__options">
              <fieldset className="fieldset">
                <legend>Each row is</legend>
                <div className="radio-cards">
                  <label className="checkbox">
                    <input
                      type="radio"
                      name="kind"
                      value="contacts"
                      checked={settings.kind === 'contacts'}
                      onChange={() => onKind('contacts')}
                    />
                    <span>
                      A person
                      <span className="checkbox__description">
                        Contacts, leads, customers: identifiers and traits.
                      </span>
                    </span>
                  </label>
                  <label className="checkbox">
                    <input
                      type="radio"
                      name="kind"
                      value="records"
                      checked={settings.kind === 'records'}
                      onChange={() => onKind('records')}
                    />
                    <span>
                      A business record
                      <span className="checkbox__description">
                        Orders, invoices, deals, tickets… of a customer.
                      </span>
                    </span>
                  </label>
                </div>
              </fieldset>
              <OptionSelect
                label="Separator"
                value={settings.delimiter}
                options={csvDelimiters.map((d) => [d, delimiterLabels[d]])}
                onChange={(value) => onDelimiter(value as CsvDelimiter)}
              />
              <OptionSelect
                label="Dates"
                value={settings.dateOrder}
                options={Object.entries(dateOrderLabels)}
                onChange={(dateOrder) => change({ dateOrder })}
              />
              {settings.kind === 'records' && (
                <OptionSelect
                  label="Decimal mark"
                  value={settings.decimalSeparator}
                  options={Object.entries(decimalSeparatorLabels)}
                  onChange={(decimalSeparator) => change({ decimalSeparator })}
                />
              )}
              {settings.kind === 'records' ? (
                <RecordTypeField
                  value={settings.recordType}
                  onChange={(recordType) => change({ recordType })}
                />
              ) : (
                <OptionSelect
                  label="When each row happened"
                  value={settings.occurredAtColumn}
                  options={[
                    ['', 'The time of the import'],
                    ...preview.headers.filter(Boolean).map((h) => [h, h] as [string, string]),
                  ]}
                  onChange={(occurredAtColumn) => change({ occurredAtColumn })}
                />
              )}
            </div>
            <ColumnMappingTable
              kind={settings.kind}
              preview={preview}
              mapping={settings.mapping}
              onChange={(mapping) => change({ mapping })}
            />
          </section>

          <section className="card" aria-labelledby="import-preview">
            <h2 id="import-preview">Preview</h2>
            <p className="muted">
              The first {Math.min(preview.rows.length, 5)} rows as they will be read, with what each column
              becomes.
            </p>
            <PreviewTable preview={preview} mapping={settings.mapping} />
          </section>

          <section className="card" aria-labelledby="import-start">
            <h2 id="import-start">3. Import</h2>
            {problems.length > 0 && (
              <div id="import-problems" className="alert alert--warning">
                <strong>Before importing:</strong>
                <ul className="problem-list">
                  {problems.map((problem) => (
                    <li key={problem}>{problem}</li>
                  ))}
                </ul>
              </div>
            )}
            <FormError error={upload.error} />
            <p className="muted">
              Rows already imported before are recognised and left out. Rows that cannot be read are skipped
              and listed afterwards, to download and fix.
            </p>
            <button
              type="submit"
              className="button button--primary"
              disabled={upload.isPending || problems.length > 0 || !source.enabled}
            >
              {upload.isPending
                ? 'Uploading…'
                : `Import ${formatNumber(preview.rowCount)} ${preview.rowCount === 1 ? 'row' : 'rows'}`}
            </button>
          </section>
        </>
      )}
    </form>
  )
}

function OptionSelect({
  label,
  value,
  options,
  onChange,
}: {
  label: string
  value: string
  options: readonly (readonly [string, string])[]
  onChange: (value: string) => void
}) {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </div>
  )
}

function RecordTypeField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>Record type</label>
      <input
        id={id}
        aria-describedby={`${id}-hint`}
        list={`${id}-types`}
        value={value}
        placeholder="e.g. order"
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
      />
      <p id={`${id}-hint`} className="field__hint">
        Of every row, unless a column says it.
      </p>
      <datalist id={`${id}-types`}>
        {commonRecordTypes.map((type) => (
          <option key={type} value={type} />
        ))}
      </datalist>
    </div>
  )
}
