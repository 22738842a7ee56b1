import type { CreatedToken } from '@rapport/api-client'
import { useId, useState } from 'react'

/** The secret of a token just created: shown this once, with a copy button. */
export function TokenSecret({ token }: { token: CreatedToken }) {
  const id = useId()
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle')

  async function copyToClipboard() {
    try {
      await navigator.clipboard.writeText(token.token)
      setCopy('copied')
    } catch {
      // Clipboard access can be refused (permissions, insecure origin): the field stays selectable.
      setCopy('failed')
    }
  }

  return (
    <div className="secret">
      <div className="alert alert--warning" role="note">
        Copy this token now and store it somewhere safe. It will not be shown again.
      </div>
      <label htmlFor={id}>Token “{token.name}”</label>
      <div className="secret__row">
        <textarea
          id={id}
          className="secret__value"
          readOnly
          rows={2}
          value={token.token}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" className="button" onClick={copyToClipboard}>
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="field__hint" aria-live="polite">
        {copy === 'copied' && 'The token is on your clipboard.'}
        {copy === 'failed' && 'Copying was refused by the browser: select the token and copy it by hand.'}
      </p>
    </div>
  )
}
