import { formatDuration } from '../../../lib/format'

/** The schedules offered in the form; the API takes any number of minutes from 5 to a week. */
export const scheduleChoices: readonly { minutes: number | null; label: string }[] = [
  { minutes: null, label: 'Manual only' },
  { minutes: 15, label: 'Every 15 minutes' },
  { minutes: 60, label: 'Every hour' },
  { minutes: 360, label: 'Every 6 hours' },
  { minutes: 1440, label: 'Every day' },
]

export function scheduleLabel(minutes: number | null): string {
  if (minutes === null) return 'Manual only'
  return (
    scheduleChoices.find((choice) => choice.minutes === minutes)?.label ??
    `Every ${formatDuration(minutes * 60)}`
  )
}
