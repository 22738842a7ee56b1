import { useId } from 'react'

/** A labelled drop-down of a filter bar; `all` is the first choice, meaning no filter (value ''). */
export function FilterSelect({
  label,
  value,
  all,
  options,
  onChange,
}: {
  label: string
  value: string
  all?: string
  options: readonly { value: string; label: string }[]
  onChange: (value: string) => void
}) {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {all !== undefined && <option value="">{all}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  )
}
