import { ListContent } from '../../../components/ListContent'
import { PageHeader } from '../../../components/PageHeader'
import { EmptyState } from '../../../components/States'
import { TableCard } from '../../../components/TableCard'
import { hasPermission } from '../../../lib/access'
import { useMe } from '../../session/hooks/useSession'
import { useSources } from '../../sources/hooks/useSources'
import { useDeadLetters } from '../hooks/useIngestion'
import { DeadLetterRow } from './DeadLetterRow'
import { HealthPanel } from './HealthPanel'

export function IngestionPage() {
  const me = useMe()
  const canWrite = hasPermission(me, 'sources:write')
  const letters = useDeadLetters()
  const sources = useSources()
  const nameOf = (id: string | null) => sources.data?.find((source) => source.id === id)?.name

  return (
    <>
      <PageHeader
        title="Ingestion health"
        description="How data flows from the sources to the profiles: what waits, how fast it goes, and what could not be processed."
      />
      <HealthPanel />
      <section className="page-section" aria-labelledby="dead-letters-title">
        <div className="page-section__head">
          <h2 id="dead-letters-title">Dead letters</h2>
          <p className="muted small">
            Data that failed processing can be retried once the cause is fixed; calls refused as invalid
            cannot, as only the sender can correct them: discard those.
          </p>
        </div>
        <ListContent
          query={letters}
          loadingLabel="Loading dead letters…"
          empty={
            <EmptyState title="No dead letters">
              <p>Everything received was processed or is on its way.</p>
            </EmptyState>
          }
        >
          {(items) => (
            <TableCard
              caption="Dead letters, newest first"
              columns={['When', 'Source', 'Reason', 'Message']}
              actions={canWrite}
              paging={letters}
            >
              {items.map((letter) => (
                <DeadLetterRow
                  key={letter.id}
                  letter={letter}
                  sourceName={nameOf(letter.sourceId)}
                  canWrite={canWrite}
                />
              ))}
            </TableCard>
          )}
        </ListContent>
      </section>
    </>
  )
}
