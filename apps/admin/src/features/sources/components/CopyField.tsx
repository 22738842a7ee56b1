import { type ReactNode, useId, useRef, useState } from 'react'

/**
 * Puts text on the clipboard: the Clipboard API where the page may use it (a secure origin), else
 * the older copy command on the selected field. False when the browser refused both.
 */
export async function copyText(text: string, field?: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text)
      return true
    }
  } catch {
    // Refused (permissions, focus): try the fallback.
  }
  const input = field ?? document.createElement('input')
  const temporary = !field
  if (temporary) {
    input.value = text
    input.setAttribute('readonly', '')
    input.style.position = 'fixed'
    input.style.opacity = '0'
    document.body.append(input)
  }
  try {
    input.focus()
    input.select()
    return document.execCommand('copy')
  } catch {
    return false
  } finally {
    if (temporary) input.remove()
  }
}

/** A read-only value (a URL, a key) with a copy button that says whether it worked. */
export function CopyField({
  label,
  value,
  hint,
  masked = false,
  actions,
}: {
  label: string
  value: string
  hint?: ReactNode
  /** Shown as dots until revealed: a key on a shared screen. */
  masked?: boolean
  actions?: ReactNode
}) {
  const id = useId()
  const inputRef = useRef<HTMLInputElement>(null)
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')

  async function copy() {
    // A password field cannot be copied from: the fallback then copies from a hidden field.
    setState((await copyText(value, masked ? null : inputRef.current)) ? 'copied' : 'failed')
  }

  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-field__row">
        <input
          ref={inputRef}
          id={id}
          className="mono"
          type={masked ? 'password' : 'text'}
          readOnly
          value={value}
          aria-describedby={hint ? `${id}-hint` : undefined}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" className="button" onClick={copy}>
          {state === 'copied' ? 'Copied' : 'Copy'}
          <span className="visually-hidden"> {label}</span>
        </button>
        {actions}
      </div>
      {hint && (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      )}
      <p className="field__hint copy-field__status" aria-live="polite">
        {state === 'copied' && `${label}: copied to your clipboard.`}
        {state === 'failed' && 'The browser refused to copy: select the text and copy it by hand.'}
      </p>
    </div>
  )
}
