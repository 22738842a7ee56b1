import type { CreateUserInput } from '@rapport/api-client'
import { canAssignRole, type Role, roles } from '@rapport/domain'
import { DialogForm } from '../../../components/Dialog'
import { Field } from '../../../components/Field'
import { NewPasswordField } from '../../../components/NewPasswordField'
import { roleDescriptions } from '../../../lib/access'
import { fieldErrorsOf } from '../../../lib/api'
import { capitalize } from '../../../lib/format'
import { useMe } from '../../session/hooks/useSession'
import { useCreateUser } from '../hooks/useUsers'

export function AddUserDialog({ onClose }: { onClose: () => void }) {
  const me = useMe()
  const createUser = useCreateUser()
  const assignable = roles.filter((role) => canAssignRole(me.role, role))

  function onSubmit(form: FormData) {
    const input: CreateUserInput = {
      name: String(form.get('name')),
      email: String(form.get('email')),
      role: String(form.get('role')) as Role,
      password: String(form.get('password')),
    }
    createUser.mutate(input, { onSuccess: onClose })
  }

  const errors = fieldErrorsOf(createUser.error)
  return (
    <DialogForm
      title="Add user"
      onClose={onClose}
      onSubmit={onSubmit}
      mutation={createUser}
      submitLabel="Add user"
      pendingLabel="Adding…"
    >
      <Field label="Name" name="name" error={errors.name}>
        {(control) => <input {...control} required maxLength={200} autoComplete="off" />}
      </Field>
      <Field label="E-mail" name="email" error={errors.email}>
        {(control) => <input {...control} type="email" required autoComplete="off" />}
      </Field>
      <Field label="Role" name="role" error={errors.role}>
        {(control) => (
          <select {...control} defaultValue="viewer">
            {assignable.map((role) => (
              <option key={role} value={role}>
                {capitalize(role)}: {roleDescriptions[role]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <NewPasswordField
        label="Initial password"
        name="password"
        hint="Share it safely; they can change it under Account."
        error={errors.password}
      />
    </DialogForm>
  )
}
