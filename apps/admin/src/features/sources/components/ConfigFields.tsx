import { useId, useState } from 'react'
import { Field, type FieldControlProps } from '../../../components/Field'
import { type FieldSpec, type FormValues, humanize, valueAt, withValue } from '../api/config-schema'

interface Props {
  fields: FieldSpec[]
  values: FormValues
  onChange: (values: FormValues) => void
  /** Messages by config path (`apiKey`, `mapping.email`). */
  errors: Record<string, string>
  /** Secret fields that hold a value (editing a source): shown as set, replaced on demand. */
  secretsSet?: readonly string[]
  disabled?: boolean
}

/** The inputs of a plugin's config, generated from its JSON Schema. */
export function ConfigFields(props: Props) {
  return (
    <>
      {props.fields.map((field) => (
        <ConfigField key={field.path} field={field} {...props} />
      ))}
    </>
  )
}

/** Hint sentences joined, each ending with a full stop: plugin descriptions often have none. */
function sentences(...parts: (string | undefined)[]): string {
  return parts
    .filter((part): part is string => Boolean(part?.trim()))
    .map((part) => (/[.!?…)]$/.test(part.trim()) ? part.trim() : `${part.trim()}.`))
    .join(' ')
}

function labelOf(field: FieldSpec): string {
  return field.required ? field.label : `${field.label} (optional)`
}

function ConfigField({
  field,
  values,
  onChange,
  errors,
  secretsSet = [],
  disabled,
}: Props & { field: FieldSpec }) {
  const value = valueAt(values, field.path)
  const set = (next: unknown) => onChange(withValue(values, field.path, next))
  const error = errors[field.path]
  const text = typeof value === 'string' ? value : ''

  switch (field.kind) {
    case 'text':
      if (field.secret) {
        return (
          <SecretField
            field={field}
            isSet={secretsSet.includes(field.key)}
            value={text}
            onChange={set}
            error={error}
            disabled={disabled}
          />
        )
      }
      return (
        <Field label={labelOf(field)} name={field.path} hint={sentences(field.description)} error={error}>
          {(control) =>
            field.multiline ? (
              <textarea
                {...control}
                rows={4}
                value={text}
                onChange={(e) => set(e.target.value)}
                disabled={disabled}
              />
            ) : (
              <input
                {...control}
                type={field.inputType}
                value={text}
                required={field.required}
                minLength={field.minLength}
                maxLength={field.maxLength}
                autoComplete="off"
                spellCheck={false}
                disabled={disabled}
                onChange={(e) => set(e.target.value)}
              />
            )
          }
        </Field>
      )
    case 'number':
      return (
        <Field label={labelOf(field)} name={field.path} hint={sentences(field.description)} error={error}>
          {(control) => (
            <input
              {...control}
              className="input--number"
              type="number"
              inputMode={field.integer ? 'numeric' : 'decimal'}
              step={field.integer ? 1 : 'any'}
              min={field.min}
              max={field.max}
              required={field.required}
              value={text}
              disabled={disabled}
              onChange={(e) => set(e.target.value)}
            />
          )}
        </Field>
      )
    case 'boolean':
      return (
        <BooleanField
          field={field}
          checked={value === true}
          onChange={set}
          error={error}
          disabled={disabled}
        />
      )
    case 'enum':
      return (
        <Field label={labelOf(field)} name={field.path} hint={sentences(field.description)} error={error}>
          {(control) => (
            <select
              {...control}
              value={text}
              required={field.required}
              disabled={disabled}
              onChange={(e) => set(e.target.value)}
            >
              {!field.required && field.default === undefined && <option value="">Not set</option>}
              {field.options.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          )}
        </Field>
      )
    case 'list':
      return (
        <Field
          label={labelOf(field)}
          name={field.path}
          hint={sentences(field.description, 'One a line.')}
          error={error ?? firstErrorUnder(errors, field.path)}
        >
          {(control) => (
            <textarea
              {...control}
              rows={3}
              value={text}
              required={field.required && (field.minItems ?? 0) > 0}
              spellCheck={false}
              disabled={disabled}
              onChange={(e) => set(e.target.value)}
            />
          )}
        </Field>
      )
    case 'map':
      return (
        <Field
          label={labelOf(field)}
          name={field.path}
          hint={sentences(field.description, 'One a line, as name = value.')}
          error={error ?? firstErrorUnder(errors, field.path)}
        >
          {(control) => (
            <textarea
              {...control}
              className="mono"
              rows={3}
              value={text}
              required={field.required}
              spellCheck={false}
              placeholder="name = value"
              disabled={disabled}
              onChange={(e) => set(e.target.value)}
            />
          )}
        </Field>
      )
    case 'object':
      return (
        <fieldset className="fieldset fieldset--boxed">
          <legend>{labelOf(field)}</legend>
          {field.description && <p className="field__hint">{field.description}</p>}
          {error && <p className="field__error">{error}</p>}
          <ConfigFields
            fields={field.fields}
            values={values}
            onChange={onChange}
            errors={errors}
            disabled={disabled}
          />
        </fieldset>
      )
    case 'union':
      return (
        <UnionField field={field} values={values} onChange={onChange} errors={errors} disabled={disabled} />
      )
    case 'json':
      return (
        <Field
          label={labelOf(field)}
          name={field.path}
          hint={sentences(field.description, 'As JSON.')}
          error={error ?? firstErrorUnder(errors, field.path)}
        >
          {(control) => (
            <textarea
              {...control}
              className="mono"
              rows={5}
              value={text}
              spellCheck={false}
              disabled={disabled}
              onChange={(e) => set(e.target.value)}
            />
          )}
        </Field>
      )
  }
}

/** The server names an item of a list (`supportAddresses.1`): shown on the list's field. */
function firstErrorUnder(errors: Record<string, string>, path: string): string | undefined {
  const entry = Object.entries(errors).find(([key]) => key.startsWith(`${path}.`))
  return entry ? `${entry[0].slice(path.length + 1)}: ${entry[1]}` : undefined
}

function BooleanField({
  field,
  checked,
  onChange,
  error,
  disabled,
}: {
  field: FieldSpec
  checked: boolean
  onChange: (value: boolean) => void
  error: string | undefined
  disabled: boolean | undefined
}) {
  const id = useId()
  return (
    <div className="field">
      <label className="checkbox checkbox--inline" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={checked}
          disabled={disabled}
          onChange={(e) => onChange(e.target.checked)}
        />
        <span>
          {field.label}
          {field.description && <span className="checkbox__description">{field.description}</span>}
        </span>
      </label>
      {error && <p className="field__error">{error}</p>}
    </div>
  )
}

/**
 * A secret: typed once, never shown again. When one is stored, the field says so and offers to
 * replace it; left empty, the stored value stays.
 */
function SecretField({
  field,
  isSet,
  value,
  onChange,
  error,
  disabled,
}: {
  field: Extract<FieldSpec, { kind: 'text' }>
  isSet: boolean
  value: string
  onChange: (value: string) => void
  error: string | undefined
  disabled: boolean | undefined
}) {
  const [replacing, setReplacing] = useState(false)
  const statusId = useId()
  if (isSet && !replacing) {
    return (
      <div className="field">
        <span className="field__label" id={statusId}>
          {field.label}
        </span>
        <div className="secret-set">
          <span className="badge badge--success">Set</span>
          <span className="muted small">Stored encrypted; it is never shown.</span>
          <button
            type="button"
            className="button button--small"
            aria-label={`Replace ${field.label}`}
            disabled={disabled}
            onClick={() => setReplacing(true)}
          >
            Replace
          </button>
        </div>
        {field.description && <p className="field__hint">{field.description}</p>}
        {error && <p className="field__error">{error}</p>}
      </div>
    )
  }
  const hint = sentences(
    field.description,
    isSet ? 'Leave empty to keep the current value.' : 'Stored encrypted and never shown again.',
  )
  const control = (props: FieldControlProps) =>
    field.multiline ? (
      <textarea
        {...props}
        className="secret-input"
        rows={4}
        value={value}
        required={field.required && !isSet}
        spellCheck={false}
        autoComplete="off"
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      />
    ) : (
      <input
        {...props}
        type="password"
        value={value}
        required={field.required && !isSet}
        autoComplete="new-password"
        spellCheck={false}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      />
    )
  return (
    <div className="secret-field">
      <Field label={labelOf(field)} name={field.path} hint={hint} error={error}>
        {control}
      </Field>
      {isSet && (
        <button
          type="button"
          className="button button--ghost button--small secret-field__keep"
          onClick={() => {
            onChange('')
            setReplacing(false)
          }}
        >
          Keep the current value
        </button>
      )}
    </div>
  )
}

function UnionField({
  field,
  values,
  onChange,
  errors,
  disabled,
}: {
  field: Extract<FieldSpec, { kind: 'union' }>
  values: FormValues
  onChange: (values: FormValues) => void
  errors: Record<string, string>
  disabled: boolean | undefined
}) {
  const state = (valueAt(values, field.path) ?? {}) as FormValues
  const chosen = field.variants.find((variant) => variant.value === state[field.discriminator])
  return (
    <fieldset className="fieldset fieldset--boxed">
      <legend>{labelOf(field)}</legend>
      {field.description && <p className="field__hint">{field.description}</p>}
      <Field
        label={humanize(field.discriminator)}
        name={`${field.path}.${field.discriminator}`}
        error={errors[`${field.path}.${field.discriminator}`]}
      >
        {(control) => (
          <select
            {...control}
            value={chosen?.value ?? ''}
            disabled={disabled}
            onChange={(e) =>
              // Another variant has other fields: start it afresh.
              onChange(withValue(values, field.path, { [field.discriminator]: e.target.value }))
            }
          >
            {field.variants.map((variant) => (
              <option key={variant.value} value={variant.value}>
                {variant.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {chosen && (
        <ConfigFields
          fields={chosen.fields}
          values={values}
          onChange={onChange}
          errors={errors}
          disabled={disabled}
        />
      )}
    </fieldset>
  )
}
