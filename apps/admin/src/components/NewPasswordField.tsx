import { minimumPasswordLength } from '@rapport/domain'
import { Field } from './Field'

/** A password being set (not typed to sign in): the domain's minimum length, hinted and enforced. */
export function NewPasswordField({
  label,
  name,
  hint,
  error,
}: {
  label: string
  name: string
  hint?: string
  error: string | undefined
}) {
  return (
    <Field
      label={label}
      name={name}
      hint={`At least ${minimumPasswordLength} characters.${hint ? ` ${hint}` : ''}`}
      error={error}
    >
      {(control) => (
        <input
          {...control}
          type="password"
          required
          minLength={minimumPasswordLength}
          autoComplete="new-password"
        />
      )}
    </Field>
  )
}
