import type { PluginView, SourceView } from '@rapport/api-client'
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react'
import { Field } from '../../../components/Field'
import { FormActions } from '../../../components/FormActions'
import { FormError } from '../../../components/States'
import { fieldErrorsOf } from '../../../lib/api'
import { buildConfig, fieldsOf, initialValues } from '../api/config-schema'
import { scheduleChoices } from '../api/schedule'
import { ConfigFields } from './ConfigFields'

/** Zod's words for a missing or mistyped value, in the form's. */
function friendly(message: string): string {
  if (/received undefined/i.test(message)) return 'is required'
  return message.replace(/^Invalid input: /i, '')
}

export interface SourceFormInput {
  name: string
  config: Record<string, unknown>
  scheduleMinutes: number | null
  enabled: boolean
}

/**
 * A source's name, its plugin's settings (generated from the config schema) and its schedule.
 * Adding and editing share it; editing never shows secrets, only whether they are set.
 */
export function SourceForm({
  plugin,
  source,
  mutation,
  submitLabel,
  pendingLabel,
  onSubmit,
  onCancel,
}: {
  plugin: PluginView
  source?: SourceView
  mutation: { error: unknown; isPending: boolean }
  submitLabel: string
  pendingLabel: string
  onSubmit: (input: SourceFormInput) => void
  onCancel?: () => void
}) {
  const mode = source ? 'edit' : 'create'
  const fields = useMemo(() => fieldsOf(plugin.configSchema, plugin.secretFields), [plugin])
  const [values, setValues] = useState(() => initialValues(fields, source?.config))
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({})
  const [scheduleMinutes, setScheduleMinutes] = useState<number | null>(source?.scheduleMinutes ?? null)

  // The server names config fields `config.apiKey`; the inputs know them as `apiKey`.
  const serverErrors = fieldErrorsOf(mutation.error)
  const configErrors: Record<string, string> = { ...localErrors }
  for (const [path, message] of Object.entries(serverErrors)) {
    if (path.startsWith('config.')) configErrors[path.slice('config.'.length)] ??= friendly(message)
  }
  const hasFieldErrors = Object.keys(configErrors).length > 0 || Boolean(serverErrors.name)

  // After a refused save, the keyboard lands on the first field to fix.
  const formRef = useRef<HTMLFormElement>(null)
  useEffect(() => {
    if (mutation.error || Object.keys(localErrors).length)
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  }, [mutation.error, localErrors])

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const built = buildConfig(fields, values, mode)
    setLocalErrors(built.errors)
    if (Object.keys(built.errors).length) return
    onSubmit({
      name: String(form.get('name')).trim(),
      config: built.config,
      scheduleMinutes: plugin.capabilities.streams ? scheduleMinutes : null,
      enabled: source ? source.enabled : form.get('enabled') === 'on',
    })
  }

  const hasSettings = fields.length > 0
  return (
    <form ref={formRef} className="source-form" onSubmit={submit}>
      {hasFieldErrors ? (
        <div className="alert alert--error" role="alert">
          Some settings need a change: see the marked fields.
        </div>
      ) : (
        <FormError error={mutation.error} />
      )}
      <Field
        label="Name"
        name="name"
        hint="How this source is named in lists and on profiles."
        error={serverErrors.name}
      >
        {(control) => (
          <input
            {...control}
            required
            maxLength={200}
            autoComplete="off"
            defaultValue={source?.name ?? plugin.name}
          />
        )}
      </Field>
      {hasSettings ? (
        <fieldset className="fieldset fieldset--section">
          <legend>Settings of {plugin.name}</legend>
          <ConfigFields
            fields={fields}
            values={values}
            onChange={setValues}
            errors={configErrors}
            secretsSet={source?.secretsSet ?? []}
            disabled={mutation.isPending}
          />
        </fieldset>
      ) : (
        <p className="muted">{plugin.name} has no settings.</p>
      )}
      {plugin.capabilities.streams && (
        <Field
          label="Sync schedule"
          name="scheduleMinutes"
          hint="How often to fetch what changed. “Sync now” works whatever the schedule."
          error={serverErrors.scheduleMinutes}
        >
          {(control) => (
            <select
              {...control}
              value={scheduleMinutes ?? ''}
              onChange={(event) => setScheduleMinutes(event.target.value ? Number(event.target.value) : null)}
            >
              {scheduleChoices.map((choice) => (
                <option key={choice.label} value={choice.minutes ?? ''}>
                  {choice.label}
                </option>
              ))}
              {scheduleMinutes !== null &&
                !scheduleChoices.some((choice) => choice.minutes === scheduleMinutes) && (
                  <option value={scheduleMinutes}>Every {scheduleMinutes} minutes</option>
                )}
            </select>
          )}
        </Field>
      )}
      {!source && (
        <div className="field">
          <label className="checkbox checkbox--inline">
            <input type="checkbox" name="enabled" defaultChecked />
            <span>
              Enabled
              <span className="checkbox__description">
                A disabled source receives nothing and does not sync until you enable it.
              </span>
            </span>
          </label>
        </div>
      )}
      <FormActions
        submitLabel={submitLabel}
        pendingLabel={pendingLabel}
        pending={mutation.isPending}
        onCancel={onCancel}
      />
    </form>
  )
}
