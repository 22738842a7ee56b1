import { DialogForm } from '../../../components/Dialog'
import { Field } from '../../../components/Field'
import { fieldErrorsOf } from '../../../lib/api'
import { useCreateWorkspace } from '../hooks/useWorkspaces'

export function NewWorkspaceDialog({ onClose }: { onClose: () => void }) {
  const createWorkspace = useCreateWorkspace()

  function onSubmit(form: FormData) {
    const slug = String(form.get('slug')).trim()
    createWorkspace.mutate(
      { name: String(form.get('name')), ...(slug ? { slug } : {}) },
      { onSuccess: onClose },
    )
  }

  const errors = fieldErrorsOf(createWorkspace.error)
  return (
    <DialogForm
      title="New workspace"
      onClose={onClose}
      onSubmit={onSubmit}
      mutation={createWorkspace}
      submitLabel="Create workspace"
      pendingLabel="Creating…"
    >
      <p>A workspace keeps its own customers, members and settings. You become its owner.</p>
      <Field label="Name" name="name" error={errors.name}>
        {(control) => <input {...control} required maxLength={100} autoComplete="off" />}
      </Field>
      <Field
        label="Short name (optional)"
        name="slug"
        hint="Lower-case letters, digits and dashes, used in links. Made from the name when left empty."
        error={errors.slug}
      >
        {(control) => <input {...control} pattern="[a-z0-9]+(-[a-z0-9]+)*" autoComplete="off" />}
      </Field>
    </DialogForm>
  )
}
