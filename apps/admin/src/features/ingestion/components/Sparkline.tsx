const width = 120
const height = 28

/** A small line of recent values: the trend at a glance; the figure itself is next to it. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  if (values.length < 2) return <span className="sparkline sparkline--empty" aria-hidden="true" />
  const max = Math.max(...values, 1)
  const step = width / (values.length - 1)
  const points = values.map(
    (value, index) =>
      `${(index * step).toFixed(1)},${(height - 2 - (value / max) * (height - 4)).toFixed(1)}`,
  )
  return (
    <svg
      className="sparkline"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={`${label}: from ${values[0]} to ${values.at(-1)}, at most ${max}`}
    >
      <polyline points={`0,${height} ${points.join(' ')} ${width},${height}`} className="sparkline__area" />
      <polyline points={points.join(' ')} className="sparkline__line" />
    </svg>
  )
}
