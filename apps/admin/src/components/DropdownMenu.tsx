import { type ReactNode, useEffect, useId, useRef, useState } from 'react'

/**
 * A button that discloses a small panel of actions. Closes on Escape, on a click outside and after
 * an action is chosen (children get `close`).
 */
export function DropdownMenu({
  buttonContent,
  align = 'start',
  children,
}: {
  /** The visible button text; it is also the button's accessible name. */
  buttonContent: ReactNode
  align?: 'start' | 'end'
  children: (close: () => void) => ReactNode
}) {
  const [open, setOpen] = useState(false)
  const rootRef = useRef<HTMLDivElement>(null)
  const buttonRef = useRef<HTMLButtonElement>(null)
  const panelId = useId()

  useEffect(() => {
    if (!open) return
    function onPointerDown(event: PointerEvent) {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false)
    }
    function onKeyDown(event: KeyboardEvent) {
      if (event.key === 'Escape') {
        setOpen(false)
        buttonRef.current?.focus()
      }
    }
    document.addEventListener('pointerdown', onPointerDown)
    document.addEventListener('keydown', onKeyDown)
    return () => {
      document.removeEventListener('pointerdown', onPointerDown)
      document.removeEventListener('keydown', onKeyDown)
    }
  }, [open])

  return (
    <div className="dropdown" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="dropdown__button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
      >
        {buttonContent}
        <span className="dropdown__caret" aria-hidden="true">
          ▾
        </span>
      </button>
      {open && (
        <div id={panelId} className={`dropdown__panel dropdown__panel--${align}`}>
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  )
}
