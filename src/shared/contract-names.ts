/**
 * The names of every contract request (`area.verb`) and event (`area.pastTense`), and nothing else:
 * the sandboxed preload builds its bridge from these lists without bundling the schema library.
 * `contract.ts` declares a schema for each name; the compiler fails when the two disagree.
 */
export const REQUEST_NAMES = [
  'app.info',
  'dump.import',
  'session.list',
  'session.get',
  'session.remove',
  'session.series',
  'session.groups',
  'session.fleet',
  'session.labelSeries',
  'snapshot.list',
  'snapshot.get',
  'snapshot.raw',
  'snapshot.index',
  'snapshot.diff',
  'snapshot.overview',
  'target.list',
  'ssh.resolve',
  'target.test',
  'recording.start',
  'recording.stop',
  'report.render',
  'source.resolve',
  'source.read',
  'source.open',
  'sourceSettings.get',
  'sourceSettings.set',
] as const;
export type RequestName = (typeof REQUEST_NAMES)[number];

export const EVENT_NAMES = ['session.created', 'session.tickRecorded', 'session.ended', 'session.removed'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

const requestNames: ReadonlySet<string> = new Set(REQUEST_NAMES);
const eventNames: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isRequestName(name: string): name is RequestName {
  return requestNames.has(name);
}

export function isEventName(name: string): name is EventName {
  return eventNames.has(name);
}

/** Electron IPC channel of a request; events all travel on {@link IPC_EVENT_CHANNEL}. */
export function ipcRequestChannel(name: RequestName): string {
  return `goroscope:${name}`;
}
export const IPC_EVENT_CHANNEL = 'goroscope:event';
