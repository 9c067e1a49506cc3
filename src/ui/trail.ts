import type {TrailEvent} from '../lib/cloudtrail/lookup.js'

import {paint} from './color.js'
import {renderTable} from './table.js'

export function renderTrailEvents(events: TrailEvent[], window: {end: string; start: string}): string {
  if (events.length === 0) return `No matching CloudTrail events between ${window.start} and ${window.end}.`
  return renderTable({
    head: ['Time (UTC)', 'Event', 'Principal', 'Error', 'Resource', 'Event id'],
    rows: events.map((e) => [
      e.eventTime.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      `${e.eventName}\n${paint('dim', e.eventSource)}`,
      e.principalArn ?? e.userName ?? '',
      e.errorCode ? paint('red', e.errorCode) : '',
      e.resources.map((r) => r.name).join('\n'),
      e.eventId,
    ]),
    title: `${events.length} CloudTrail event${events.length === 1 ? '' : 's'} (${window.start} → ${window.end})`,
  })
}
