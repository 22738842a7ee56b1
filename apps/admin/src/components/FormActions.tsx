/** The buttons under a form: an optional Cancel, and the submit button that shows its pending state. */
export function FormActions({
  submitLabel,
  pendingLabel,
  pending,
  onCancel,
}: {
  submitLabel: string
  pendingLabel: string
  pending: boolean
  onCancel?: () => void
}) {
  return (
    <div className={onCancel ? 'form-actions' : 'form-actions form-actions--start'}>
      {onCancel && (
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      )}
      <button type="submit" className="button button--primary" disabled={pending}>
        {pending ? pendingLabel : submitLabel}
      </button>
    </div>
  )
}
