import { type ReactNode, useId } from 'react'
import { capitalize } from '../lib/format'

export interface FieldControlProps {
  id: string
  name: string
  'aria-describedby'?: string
  'aria-invalid'?: true
}

/** A labelled form control with its hint and error, wired together for screen readers. */
export function Field({
  label,
  name,
  hint,
  error,
  children,
}: {
  label: string
  name: string
  hint?: ReactNode
  error?: string | undefined
  children: (control: FieldControlProps) => ReactNode
}) {
  const id = useId()
  const hintId = hint ? `${id}-hint` : undefined
  const errorId = error ? `${id}-error` : undefined
  const describedBy = [hintId, errorId].filter(Boolean).join(' ')
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        name,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(error ? { 'aria-invalid': true } : {}),
      })}
      {hint && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field__error">
          {capitalize(error)}
        </p>
      )}
    </div>
  )
}
