//# allFunctionsCalledOnLoad
// The transcript: the timeline's writes as C:/S: lines with virtual timestamps, grouped
// as the engine marked them, rendered in slices so even 10,000 lines keep the page
// responsive. Which event wrote a line, which read it and what the line is come from the
// engine's links (`timeline.writes`), never from matching by time or content. A selected
// line's details are drawn by js/line-details.js, loaded the first time a line is selected.

import { lineText, toBytes, visibleSegments } from './bytes.js';
import { h, replaceChildren } from './dom.js';

const SLICE = 500;
const BATCH = 2000;

/** Lines and chunks (writes) of a timeline, each line carrying the engine's links and notes. */
export function buildModel(timeline, scenario) {
  const entries = timeline.entries || [];
  const firstAt = entries.find((entry) => typeof (entry.at ?? entry.event?.at) === 'number');
  const start = typeof scenario.startTime === 'number' ? scenario.startTime : firstAt ? (firstAt.at ?? firstAt.event.at) : 0;
  const chunks = [];
  const lines = [];
  // The writes as the engine linked them: `{entry, direction, group, label, lines,
  // arrival}`, each of `lines` one line `{start, end, event, readBy?, notes?, mark?}` or
  // a run of plain lines one event wrote `{start, ends, event}`.
  (timeline.writes || []).forEach((write, writeIndex) => {
    const entry = entries[write.entry] || {};
    const direction = write.direction === 'clientToServer' ? 'C' : 'S';
    const bytes = toBytes(entry.octets);
    const chunk = {
      write: writeIndex,
      index: write.entry,
      at: entry.at,
      direction,
      bytes,
      firstLine: lines.length,
      count: 0,
      data: write.group?.type === 'messageText',
      label: write.label || '',
      arrival: write.arrival || [],
      encrypted: Boolean(entry.encrypted),
    };
    chunks.push(chunk);
    const push = (start, end, line) => {
      const part = bytes.subarray(start, end);
      lines.push({
        chunk: chunks.length - 1,
        direction,
        at: entry.at,
        bytes: part,
        text: lineText(part),
        event: line.event ?? null,
        readBy: line.readBy || [],
        notes: line.notes || [],
        // The engine's mark for BDAT lines and chunk octets (`{type, label, …}`).
        mark: line.mark || null,
        encrypted: chunk.encrypted,
      });
    };
    for (const line of write.lines) {
      if (Array.isArray(line.ends)) {
        let start = line.start;
        for (const end of line.ends) {
          push(start, end, line);
          start = end;
        }
      } else {
        push(line.start, line.end, line);
      }
    }
    chunk.count = lines.length - chunk.firstLine;
  });
  return { start, chunks, lines, latency: scenario.latencyMs ?? 0 };
}

/** "C:" or "S:", "C~" or "S~" for a line that crossed inside TLS (as swaks and our CLI write it). */
export function sideMark(line) {
  return `${line.direction}${line.encrypted ? '~' : ':'}`;
}

/** Plain text, swaks style. */
export function plainTranscript(model) {
  return model.lines.map((line) => `${sideMark(line)} ${line.text}`).join('\n') + (model.lines.length ? '\n' : '');
}

/** Seconds since the start, e.g. "+0.040". */
export function relativeTime(model, at) {
  return `+${((at - model.start) / 1000).toFixed(3)}`;
}

function lineNode(model, index, options) {
  const line = model.lines[index];
  const text = h('span', { class: 'text' });
  if (options.showControl) {
    for (const segment of visibleSegments(line.bytes)) {
      text.append(segment.control ? h('span', { class: 'ctl', text: segment.text }) : document.createTextNode(segment.text));
    }
  } else {
    text.textContent = line.text;
  }
  const chunkData = line.mark?.type === 'chunkData';
  const chunkLabel = line.mark?.type === 'chunkCommand' ? h('span', { class: 'chunk-mark', text: `— ${line.mark.label}` }) : '';
  return h(
    'div',
    {
      role: 'option',
      class: `line ${line.direction === 'C' ? 'c' : 's'}${chunkData ? ' chunk-data' : ''}${line.encrypted ? ' enc' : ''}${line.record ? ' record' : ''}${line.tampered ? ' tampered' : ''}`,
      id: `${options.idPrefix || 'line-'}${index}`,
      'data-line': index,
      // The line number links and tours name (`lines=12-14`), drawn by the stylesheet.
      'data-num': index + 1,
      tabindex: index === 0 ? 0 : -1,
      'aria-selected': 'false',
    },
    [
      options.showTime ? h('span', { class: 'time', text: relativeTime(model, line.at) }) : '',
      h('span', { class: 'dir', text: sideMark(line), title: line.encrypted ? 'inside TLS' : null }),
      text,
      chunkLabel,
    ],
  );
}

/**
 * A transcript view that renders lazily: the first BATCH lines at once (in slices of
 * SLICE lines, yielding between slices), more whenever the last rendered line scrolls
 * into view, and everything up to a line on demand (`ensure`). The DOM therefore stays
 * small for huge transcripts and the page stays responsive. `isCurrent()` turns false
 * when a newer view replaces this one, which stops it.
 */
export function createTranscriptView(list, model, options, isCurrent) {
  replaceChildren(list);
  const nodes = [];
  let chunkIndex = 0;
  let lineIndex = 0;
  let holder = null;
  let target = Math.min(BATCH, model.lines.length);
  let running = null;
  const observer =
    typeof IntersectionObserver === 'function'
      ? new IntersectionObserver(
          (records) => {
            if (records.some((record) => record.isIntersecting)) grow(BATCH);
          },
          { root: list, rootMargin: '0px 0px 400px 0px' },
        )
      : null;

  function renderSlice() {
    const fragment = document.createDocumentFragment();
    let rendered = 0;
    while (nodes.length < target && rendered < SLICE && chunkIndex < model.chunks.length) {
      const chunk = model.chunks[chunkIndex];
      if (lineIndex === chunk.firstLine && chunk.label) {
        holder = h(
          'div',
          { role: 'group', class: `group ${chunk.direction === 'C' ? 'c' : 's'}${chunk.data ? ' data' : ''}`, 'aria-label': chunk.label },
          [h('div', { class: 'group-label', 'aria-hidden': 'true', text: chunk.label })],
        );
        fragment.append(holder);
      } else if (lineIndex === chunk.firstLine) {
        holder = null;
      }
      const node = lineNode(model, lineIndex, options);
      nodes.push(node);
      (holder || fragment).append(node);
      lineIndex += 1;
      rendered += 1;
      if (lineIndex >= chunk.firstLine + chunk.count) chunkIndex += 1;
    }
    list.append(fragment);
  }

  function pump() {
    if (running) return running;
    let finish;
    const promise = new Promise((resolve) => {
      finish = resolve;
    });
    running = promise;
    const done = (value) => {
      running = null;
      finish(value);
    };
    const step = () => {
      if (!isCurrent()) {
        observer?.disconnect();
        done(false);
        return;
      }
      renderSlice();
      if (nodes.length < target) {
        setTimeout(step, 0);
        return;
      }
      if (observer && nodes.length < model.lines.length) {
        observer.disconnect();
        observer.observe(nodes[nodes.length - 1]);
      }
      options.onProgress?.(nodes.length, model.lines.length);
      done(true);
    };
    step();
    return promise;
  }

  function grow(count) {
    target = Math.min(model.lines.length, Math.max(target, nodes.length + count));
    return pump();
  }

  return {
    nodes,
    /** Renders up to line `index` (and at least one batch); resolves when done. */
    async ensure(index) {
      target = Math.min(model.lines.length, Math.max(target, index + 1));
      while (nodes.length <= index && nodes.length < model.lines.length) {
        target = Math.min(model.lines.length, Math.max(target, index + 1));
        if (!(await pump())) break;
      }
      return nodes[index] || null;
    },
    /** The first batch. */
    ready: pump(),
  };
}

/** The id of the Negotiation tab's row for an extension keyword. */
export function negotiationRowId(keyword) {
  return `negotiation-row-${String(keyword).replace(/[^A-Za-z0-9-]/g, '_')}`;
}
