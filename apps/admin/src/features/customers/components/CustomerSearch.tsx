import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react'
import { useNavigate } from 'react-router-dom'
import { hasPermission } from '../../../lib/access'
import { useMe } from '../../session/hooks/useSession'
import { identifierLabel, initials, summaryName } from '../customer-words'
import { useCustomerSuggestions } from '../hooks/useCustomers'
import { useDebouncedValue } from '../hooks/useDebouncedValue'
import '../customers.css'

/** Typing here from anywhere but a form field: the "/" key, as in most web apps with a search. */
function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)
}

/**
 * The search box of the top bar: customers by name or any identifier as one types, a combobox in
 * the ARIA sense (arrows choose, Enter opens, Escape closes). Enter with nothing chosen opens the
 * customer list with the search.
 */
export function CustomerSearch() {
  const me = useMe()
  if (!hasPermission(me, 'customers:read')) return null
  return <CustomerCombobox />
}

function CustomerCombobox() {
  const navigate = useNavigate()
  const id = useId()
  const listId = `${id}-list`
  const inputRef = useRef<HTMLInputElement>(null)
  const [text, setText] = useState('')
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(-1)
  const q = useDebouncedValue(text.trim(), 150)
  const suggestions = useCustomerSuggestions(q)
  const items = q && text.trim() ? (suggestions.data?.items ?? []) : []
  // The options: each match, then "all results" (its index is items.length).
  const optionCount = text.trim() ? items.length + 1 : 0
  const expanded = open && optionCount > 0

  useEffect(() => {
    function onKeyDown(event: globalThis.KeyboardEvent) {
      if (event.key !== '/' || event.metaKey || event.ctrlKey || event.altKey) return
      if (isTypingTarget(event.target) || document.querySelector('dialog[open]')) return
      event.preventDefault()
      inputRef.current?.focus()
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [])

  // New matches: nothing is chosen until the member chooses.
  useEffect(() => setActive(-1), [suggestions.data, text])

  function go(path: string) {
    setText('')
    setOpen(false)
    inputRef.current?.blur()
    navigate(path)
  }

  function choose(index: number) {
    const customer = items[index]
    if (customer) go(`/customers/${customer.id}`)
    else if (text.trim()) go(`/customers?q=${encodeURIComponent(text.trim())}`)
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!optionCount) return
      event.preventDefault()
      setOpen(true)
      setActive((current) =>
        event.key === 'ArrowDown'
          ? (current + 1) % optionCount
          : current <= 0
            ? optionCount - 1
            : current - 1,
      )
    } else if (event.key === 'Enter') {
      event.preventDefault()
      choose(active === -1 ? items.length : active)
    } else if (event.key === 'Escape') {
      if (expanded) setOpen(false)
      else setText('')
    }
  }

  const optionId = (index: number) => `${id}-option-${index}`
  return (
    <search className="global-search" aria-label="Customers">
      <label htmlFor={`${id}-input`} className="visually-hidden">
        Search customers
      </label>
      <input
        ref={inputRef}
        id={`${id}-input`}
        className="global-search__input"
        type="text"
        role="combobox"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
        aria-keyshortcuts="/"
        placeholder="Search customers…"
        autoComplete="off"
        spellCheck={false}
        value={text}
        onChange={(event) => {
          setText(event.target.value)
          setOpen(true)
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      <span className="global-search__key" aria-hidden="true">
        /
      </span>
      <div className="global-search__popup" hidden={!expanded}>
        {/* Pressing an option must not blur the input first, or the list would close under the click. */}
        <div
          id={listId}
          role="listbox"
          aria-label="Matching customers"
          onMouseDown={(e) => e.preventDefault()}
        >
          {items.map((customer, index) => {
            const name = summaryName(customer)
            return (
              // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox input handles the keys
              <div
                key={customer.id}
                tabIndex={-1}
                id={optionId(index)}
                role="option"
                aria-selected={active === index}
                className="global-search__option"
                onClick={() => choose(index)}
                onMouseEnter={() => setActive(index)}
              >
                <span className="avatar" aria-hidden="true">
                  {initials(name)}
                </span>
                <span className="global-search__text">
                  <span className="global-search__name">{name}</span>
                  {customer.email && customer.email !== name ? (
                    <span className="global-search__meta">{customer.email}</span>
                  ) : (
                    !customer.displayName &&
                    !customer.email &&
                    customer.identifier && (
                      <span className="global-search__meta">{identifierLabel(customer.identifier.type)}</span>
                    )
                  )}
                </span>
              </div>
            )
          })}
          {optionCount > 0 && (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox input handles the keys
            <div
              id={optionId(items.length)}
              tabIndex={-1}
              role="option"
              aria-selected={active === items.length}
              className="global-search__option global-search__option--all"
              onClick={() => choose(items.length)}
              onMouseEnter={() => setActive(items.length)}
            >
              {suggestions.isFetching && items.length === 0
                ? `Searching for “${text.trim()}”…`
                : items.length === 0 && suggestions.isSuccess && q === text.trim()
                  ? `No match for “${text.trim()}”: search the customer list`
                  : `All results for “${text.trim()}”`}
            </div>
          )}
        </div>
      </div>
    </search>
  )
}
