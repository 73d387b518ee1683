import { useEffect, useRef, useState } from 'react';
import type { EventLog, EventLogEntry } from 'voxstate/inspect';

/** Frames in and out, dozens a second while audio flows: shown on request, or when they change a state. */
const FRAMES = new Set([
  'capture.level',
  'capture.frame',
  'server.ack',
  'socket.message',
  'connection.message',
  'send',
  'write',
  'play',
]);
const isFrame = (entry: EventLogEntry) => FRAMES.has(entry.event) && entry.before === entry.after;
const SHOWN = 200;

/** The log's entries, re-read at most once per animation frame however fast events arrive; and a reload. */
function useEntries(log: EventLog): [EventLogEntry[], () => void] {
  const [entries, setEntries] = useState(() => log.entries());
  useEffect(() => {
    let frame = 0;
    const unsubscribe = log.subscribe(() => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setEntries(log.entries());
      });
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
    };
  }, [log]);
  return [entries, () => setEntries(log.entries())];
}

const transition = (entry: EventLogEntry) =>
  entry.dropped
    ? 'dropped'
    : entry.before === entry.after
      ? ''
      : `${entry.before ?? '∅'} → ${entry.after ?? '∅'}`;

/** voxstate/inspect's offline event log: each event each actor received, and the state it moved to. */
export function EventLogPanel({ log }: { log: EventLog }) {
  const [entries, reload] = useEntries(log);
  const [frames, setFrames] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  const shown = entries.filter((entry) => frames || !isFrame(entry)).slice(-SHOWN);

  // Follows new entries unless the reader scrolled up.
  useEffect(() => {
    const element = list.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [entries]);

  return (
    <section className="panel log-panel" aria-labelledby="log-heading">
      <div className="panel-head">
        <h2 id="log-heading">Event log</h2>
        <label className="check">
          <input type="checkbox" checked={frames} onChange={(e) => setFrames(e.target.checked)} />
          every frame
        </label>
        <button
          type="button"
          className="link-button"
          onClick={() => navigator.clipboard?.writeText(log.toString())}
        >
          Copy
        </button>
        <button
          type="button"
          className="link-button"
          onClick={() => {
            log.clear();
            reload();
          }}
        >
          Clear
        </button>
      </div>
      <ol
        className="log"
        ref={list}
        data-testid="event-log"
        aria-label="Events, oldest first"
        onScroll={(e) => {
          const el = e.currentTarget;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {shown.map((entry, i) => (
          <li key={`${entry.at}-${i}`} data-actor={entry.actor}>
            <span className="log-at">{(entry.at / 1000).toFixed(2)}</span>
            <span className="log-actor">{entry.actor}</span>
            <span className="log-event">{entry.event}</span>
            <span className="log-state">{transition(entry)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
