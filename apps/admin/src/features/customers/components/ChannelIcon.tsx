import type { TimelineEntry } from '@rapport/api-client'

/** Stroke drawings on a 24-unit grid, one per channel, and one per kind for entries without a channel. */
const drawings: Record<string, readonly string[]> = {
  web: ['M3 12h18', 'M12 3a14 14 0 0 1 0 18a14 14 0 0 1 0-18z', 'M21 12a9 9 0 1 1-18 0a9 9 0 0 1 18 0z'],
  app: ['M9 2.5h6a2 2 0 0 1 2 2v15a2 2 0 0 1-2 2H9a2 2 0 0 1-2-2v-15a2 2 0 0 1 2-2z', 'M11 18h2'],
  email: ['M5 5h14a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z', 'M3.5 7.5l8.5 6 8.5-6'],
  phone: [
    'M5 4h3.5l2 5-2.3 1.4a11 11 0 0 0 5.4 5.4L15 13.5l5 2V19a2 2 0 0 1-2 2A15 15 0 0 1 3 6a2 2 0 0 1 2-2z',
  ],
  chat: ['M21 11.5a8.5 8 0 0 1-12.3 7.2L4 20l1.3-4A8.5 8 0 1 1 21 11.5z'],
  sms: [
    'M5 4h14a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H10l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z',
    'M8 10.5h.01M12 10.5h.01M16 10.5h.01',
  ],
  social: [
    'M20.5 5a2.5 2.5 0 1 1-5 0a2.5 2.5 0 0 1 5 0z',
    'M8.5 12a2.5 2.5 0 1 1-5 0a2.5 2.5 0 0 1 5 0z',
    'M20.5 19a2.5 2.5 0 1 1-5 0a2.5 2.5 0 0 1 5 0z',
    'M8.2 10.8l7.6-4.4M8.2 13.2l7.6 4.4',
  ],
  'in-person': ['M16 8a4 4 0 1 1-8 0a4 4 0 0 1 8 0z', 'M4 21a8 8 0 0 1 16 0'],
  letter: ['M6 3h9l4 4v14H6z', 'M14 3v5h5', 'M9 13h7M9 17h7'],
  other: ['M21 12a9 9 0 1 1-18 0a9 9 0 0 1 18 0z', 'M8 12h.01M12 12h.01M16 12h.01'],
  identify: [
    'M5 5h14a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z',
    'M11 10.5a2 2 0 1 1-4 0a2 2 0 0 1 4 0z',
    'M6 16a3 3 0 0 1 6 0',
    'M14.5 10h4M14.5 14h4',
  ],
  record: ['M4 7.5l8-4.5 8 4.5v9l-8 4.5-8-4.5z', 'M4 7.5l8 4.5 8-4.5', 'M12 12v9'],
  feedback: ['M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1L3.2 9.5l6.1-.9z'],
  track: ['M13 2.5L4.5 13.5H11l-1 8 8.5-11H12z'],
}

/** The channel's drawing, or the kind's when the entry has no channel. */
export function iconKey(entry: Pick<TimelineEntry, 'channel' | 'kind'>): string {
  return entry.channel && drawings[entry.channel] ? entry.channel : entry.kind
}

/** Decorative: the entry's text says the channel, so the drawing is hidden from screen readers. */
export function ChannelIcon({ name, size = 18 }: { name: string; size?: number }) {
  const paths = drawings[name] ?? drawings.other ?? []
  return (
    <svg
      className="channel-icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {paths.map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  )
}
