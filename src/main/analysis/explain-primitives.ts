import type { Frame } from '../../shared/model.js';
import type { Explanation, ExplainInput } from './explain.js';

interface Primitive {
  id: string;
  /** Matches on a frame of the stack (debug=1 and protobuf have no state) … */
  functions?: readonly string[];
  /** … or on a wait reason from a debug=2 dump. */
  states?: readonly string[];
  title: string;
  text: string;
}

// Order matters: frames are more specific than states (Go 1.19 prints `semacquire` for both a
// Mutex and a WaitGroup; only the frames tell them apart).
const PRIMITIVES: readonly Primitive[] = [
  {
    id: 'mutex-never-unlocked',
    functions: ['sync.(*Mutex).Lock', 'sync.(*Mutex).lockSlow', 'internal/sync.(*Mutex).lockSlow', 'internal/sync.(*Mutex).Lock', 'sync.(*RWMutex).Lock', 'sync.(*RWMutex).RLock', 'sync.runtime_SemacquireMutex', 'sync.runtime_SemacquireRWMutex', 'sync.runtime_SemacquireRWMutexR'],
    states: ['sync.Mutex.Lock', 'sync.RWMutex.Lock', 'sync.RWMutex.RLock'],
    title: 'Waiting for a lock that is never released',
    text:
      'The goroutines wait in Lock on a mutex that some path locked and never unlocked (often an early return or a ' +
      'panic between Lock and Unlock); its owner may be long gone. Use defer mu.Unlock() right after Lock.',
  },
  {
    id: 'waitgroup-never-done',
    functions: ['sync.(*WaitGroup).Wait'],
    states: ['sync.WaitGroup.Wait'],
    title: 'WaitGroup.Wait that never returns',
    text: 'More Add than Done: a goroutine counted by Add was never started, or returned without Done. Call Add next to each go statement and defer wg.Done() in it.',
  },
  {
    id: 'cond-never-signalled',
    functions: ['sync.(*Cond).Wait'],
    states: ['sync.Cond.Wait'],
    title: 'Cond.Wait with no Signal or Broadcast',
    text: 'Nothing signals the condition any more. Make sure every state change that can end the wait calls Broadcast, including shutdown.',
  },
  {
    id: 'sleep-loop',
    functions: ['time.Sleep'],
    states: ['sleep'],
    title: 'A sleep loop with no way out',
    text:
      'A loop that sleeps and has no exit condition lives forever; started per call, the copies pile up. Start it ' +
      'once, or give it a stop signal: select on ctx.Done() and a time.Ticker instead of time.Sleep.',
  },
  {
    id: 'nil-channel',
    states: ['chan receive (nil chan)', 'chan send (nil chan)'],
    title: 'Blocked on a nil channel',
    text: 'A send or receive on a nil channel blocks forever. The channel was never made (a zero-value struct field?): initialise it with make.',
  },
  {
    id: 'select-no-cases',
    states: ['select (no cases)'],
    title: 'select {} blocks forever',
    text: 'An empty select never returns, by design. If this goroutine should end, wait on a channel that is closed at shutdown instead.',
  },
  {
    id: 'send-without-receiver',
    states: ['chan send'],
    title: 'Sending on a channel nobody receives from',
    text:
      'The receiver gave up (a timeout, an early return, the first of several answers won) and the sender blocks ' +
      'forever. Give the channel a buffer for every sender (make(chan T, n)), or select on ctx.Done() next to the send.',
  },
  {
    id: 'receive-never-closed',
    states: ['chan receive'],
    title: 'Receiving from a channel nobody sends on or closes',
    text: 'A range loop or receive waits for a value or a close that never comes. Close the channel when the producer is done, or select on ctx.Done().',
  },
  {
    id: 'select-never-ready',
    states: ['select'],
    title: 'A select none of whose cases ever becomes ready',
    text:
      'Typically a worker waiting on ctx.Done() of a context that is never cancelled (cancel never called), and on ' +
      'channels nobody writes or closes. Call cancel on every path (defer cancel()), or close the channels.',
  },
  {
    id: 'io-wait',
    states: ['IO wait'],
    title: 'Waiting for network I/O that does not come',
    text: 'Connections left open with nothing to read. Set read deadlines or timeouts, and close connections you are done with.',
  },
];

/** What the group's blocking primitive usually means; a plain "blocked at" when nothing is known. */
export function describePrimitive(input: ExplainInput): Explanation {
  const states = input.stuck.states ? Object.entries(input.stuck.states).sort((a, b) => b[1] - a[1]).map(([s]) => s) : [];
  for (const p of PRIMITIVES) {
    const frame = p.functions ? input.frames.find((f) => p.functions!.includes(f.func)) : undefined;
    const state = p.states ? states.find((s) => p.states!.includes(s)) : undefined;
    if (!frame && !state) continue;
    const support: string[] = [];
    if (frame) support.push(`the stack runs ${frame.func}`);
    if (state) support.push(`state ${state}${input.stuck.statesTick !== null ? ` in the full dump at t${input.stuck.statesTick}` : ''}`);
    return { pattern: p.id, title: p.title, text: p.text, support };
  }
  const site = input.frames[0];
  return {
    pattern: 'blocked',
    title: 'Blocked',
    text:
      `The goroutines stay blocked at ${site ? describeFrame(site) : 'an unknown frame'}. ` +
      (states.length > 0 ? `State: ${states.join(', ')}.` : 'This profile format does not name the wait reason: a debug=2 dump shows it, with the creation site.'),
    support: [],
  };
}

function describeFrame(f: Frame): string {
  return `${f.func} (${f.file}:${f.line})`;
}
