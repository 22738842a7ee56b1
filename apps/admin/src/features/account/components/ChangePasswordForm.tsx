import { type FormEvent, useState } from 'react'
import { Field } from '../../../components/Field'
import { FormActions } from '../../../components/FormActions'
import { NewPasswordField } from '../../../components/NewPasswordField'
import { FormError } from '../../../components/States'
import { fieldErrorsOf } from '../../../lib/api'
import { useChangePassword } from '../hooks/useChangePassword'

export function ChangePasswordForm() {
  const changePassword = useChangePassword()
  // Checked here only: the server never sees the repetition.
  const [mismatch, setMismatch] = useState(false)

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const formElement = event.currentTarget
    const form = new FormData(formElement)
    const newPassword = String(form.get('newPassword'))
    const differs = newPassword !== String(form.get('repeatPassword'))
    setMismatch(differs)
    if (differs) return
    changePassword.mutate(
      { currentPassword: String(form.get('currentPassword')), newPassword },
      { onSuccess: () => formElement.reset() },
    )
  }

  const errors = fieldErrorsOf(changePassword.error)
  return (
    <form onSubmit={onSubmit}>
      <FormError error={changePassword.error} />
      {changePassword.isSuccess && (
        <div className="alert alert--success" role="status">
          Your password has been changed.
        </div>
      )}
      <Field label="Current password" name="currentPassword" error={errors.currentPassword}>
        {(control) => <input {...control} type="password" required autoComplete="current-password" />}
      </Field>
      <NewPasswordField label="New password" name="newPassword" error={errors.newPassword} />
      <Field
        label="Repeat new password"
        name="repeatPassword"
        error={mismatch ? 'Does not match the new password' : undefined}
      >
        {(control) => <input {...control} type="password" required autoComplete="new-password" />}
      </Field>
      <FormActions
        submitLabel="Change password"
        pendingLabel="Changing…"
        pending={changePassword.isPending}
      />
    </form>
  )
}
