import type {TrailEvent} from '../lib/cloudtrail/lookup.js'

import {paint} from './color.js'
import {renderTable} from './table.js'

/**
 * Rows drawn for people: a table costs about 1 ms a row, and nobody reads 100,000 events in a
 * terminal. Past this the text says how many more there are; --json holds every event.
 */
export const TRAIL_TEXT_ROWS = 200

export function renderTrailEvents(events: TrailEvent[], window: {end: string; start: string}): string {
  if (events.length === 0) return `No matching CloudTrail events between ${window.start} and ${window.end}.`
  const shown = events.slice(0, TRAIL_TEXT_ROWS)
  const table = renderTable({
    head: ['Time (UTC)', 'Event', 'Principal', 'Error', 'Resource', 'Event id'],
    // Narrow terminals lose the event id, then the resources (--json keeps them).
    optional: [5, 4],
    rows: shown.map((e) => [
      e.eventTime.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      `${e.eventName}\n${paint('dim', e.eventSource)}`,
      e.principalArn ?? e.userName ?? '',
      e.errorCode ? paint('red', e.errorCode) : '',
      e.resources.map((r) => r.name).join('\n'),
      e.eventId,
    ]),
    title: `${events.length} CloudTrail event${events.length === 1 ? '' : 's'} (${window.start} → ${window.end})`,
  })
  const rest = events.length - shown.length
  return rest > 0
    ? `${table}\n${paint('dim', `… and ${rest} more event(s), not drawn: --json lists all ${events.length}.`)}`
    : table
}
