import type { ListenerView, SourceView } from '@rapport/api-client'

export function EnabledBadge({ source }: { source: SourceView }) {
  return source.enabled ? (
    <span className="badge badge--success">Enabled</span>
  ) : (
    <span className="badge">Disabled</span>
  )
}

const listenerLabels: Record<ListenerView['state'], string> = {
  starting: 'Starting',
  running: 'Listening',
  failed: 'Failed',
  stopped: 'Stopped',
}

const listenerClasses: Record<ListenerView['state'], string> = {
  starting: 'badge badge--info',
  running: 'badge badge--success',
  failed: 'badge badge--danger',
  stopped: 'badge',
}

export function ListenerBadge({ listener }: { listener: ListenerView }) {
  return <span className={listenerClasses[listener.state]}>{listenerLabels[listener.state]}</span>
}
