import { type FormEvent, type ReactNode, useEffect, useId, useRef } from 'react'
import { createPortal } from 'react-dom'
import { FormActions } from './FormActions'
import { FormError } from './States'

/**
 * A modal built on <dialog>: the browser traps focus, closes on Escape and restores focus.
 * Rendered only while open, so each opening starts with a fresh form; rendered into <body>, so it
 * inherits nothing from where it is opened (a table cell, a menu).
 */
export function Dialog({
  title,
  onClose,
  children,
}: {
  title: string
  onClose: () => void
  children: ReactNode
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    // No close() on cleanup: unmounting removes the dialog from the top layer, and a close() there
    // would fire a late `close` event that shuts the next opening (StrictMode mounts twice).
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])
  return createPortal(
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose}>
      <div className="dialog__header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      <div className="dialog__body">{children}</div>
    </dialog>,
    document.body,
  )
}

/** Asks before doing something that is hard to undo; the confirm button shows the pending state. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger = false,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  title: string
  children: ReactNode
  confirmLabel: string
  danger?: boolean
  pending: boolean
  error?: ReactNode
  onConfirm: () => void
  onClose: () => void
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      {children}
      {error}
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className={danger ? 'button button--danger' : 'button button--primary'}
          disabled={pending}
          onClick={onConfirm}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  )
}

/**
 * A form in a dialog: the server's error above the fields, Cancel and submit below. `onSubmit` gets
 * the form's values; `mutation` is the call it starts, for its pending state and error.
 */
export function DialogForm({
  title,
  onClose,
  onSubmit,
  mutation,
  submitLabel,
  pendingLabel,
  children,
}: {
  title: string
  onClose: () => void
  onSubmit: (form: FormData) => void
  mutation: { error: unknown; isPending: boolean }
  submitLabel: string
  pendingLabel: string
  children: ReactNode
}) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    onSubmit(new FormData(event.currentTarget))
  }
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={submit}>
        <FormError error={mutation.error} />
        {children}
        <FormActions
          submitLabel={submitLabel}
          pendingLabel={pendingLabel}
          pending={mutation.isPending}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  )
}
