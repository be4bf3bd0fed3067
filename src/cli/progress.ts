import { formatCount, type OutputStream } from './output.js';

/** `bar`: a redrawn bar on a terminal; `lines`: a plain line now and then (logs, CI); `off`: nothing. */
export type ProgressMode = 'bar' | 'lines' | 'off';

/** What a long operation reports. */
export interface ProgressUpdate {
  /** A step of the work (`reading`, `writing`); a new phase restarts the rate and the ETA. */
  readonly phase?: string;
  readonly done: number;
  /** The amount the phase will reach, when known: gives the percentage and the ETA. */
  readonly total?: number;
  /** `bytes` prints sizes (kB, MB); `count` prints numbers followed by `noun`. */
  readonly unit?: 'bytes' | 'count';
  readonly noun?: string;
}

/** Progress of one long operation, on stderr. */
export interface Progress {
  update(update: ProgressUpdate): void;
  /** Ends the progress with a last line such as `done: 1,204 events in 3s`. */
  finish(summary: string): void;
  /** Removes a bar still drawn (before an error line); nothing else is printed after it. */
  clear(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** What runs, e.g. `import`. */
  readonly label: string;
  readonly stream: OutputStream;
  readonly mode: ProgressMode;
  /** Milliseconds clock (default `performance.now`). */
  readonly now?: () => number;
  /** Least time between two plain lines (default 5 s). */
  readonly intervalMs?: number;
}

const REDRAW_MS = 100;
const RATE_WINDOW_MS = 10_000;

/**
 * The mode for a stream: a bar on a terminal; elsewhere (a pipe, a log file) nothing, or plain lines
 * when asked for (`--progress`); nothing when quiet.
 */
export function progressMode(stream: OutputStream, quiet: boolean, lines = false): ProgressMode {
  if (quiet) return 'off';
  if (stream.isTTY) return 'bar';
  return lines ? 'lines' : 'off';
}

/** Creates the progress display of one operation. */
export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const intervalMs = options.intervalMs ?? 5000;
  const { stream, mode, label } = options;
  let current: ProgressUpdate | undefined;
  let phaseStart = now();
  let lastDraw = Number.NEGATIVE_INFINITY;
  let samples: { at: number; done: number }[] = [];
  let drawn = false;
  let ended = false;

  /** Units per second over the last ten seconds or so (sampled at most every 100 ms). */
  function rate(at: number, done: number): number | undefined {
    if (at - (samples.at(-1)?.at ?? Number.NEGATIVE_INFINITY) >= REDRAW_MS) samples.push({ at, done });
    while (samples.length > 2 && at - (samples[1]?.at ?? at) > RATE_WINDOW_MS) samples.shift();
    const first = samples[0];
    if (!first || at - first.at < 250) return undefined;
    return ((done - first.done) * 1000) / (at - first.at);
  }

  function line(update: ProgressUpdate, at: number): string {
    return renderProgress({
      label,
      ...update,
      elapsedMs: at - phaseStart,
      rate: rate(at, update.done),
      width: mode === 'bar' ? Math.max(40, (stream.columns ?? 80) - 1) : undefined,
      bar: mode === 'bar',
    });
  }

  return {
    update(update) {
      if (mode === 'off' || ended) return;
      const at = now();
      if (update.phase !== current?.phase) {
        if (current && mode === 'lines') stream.write(`${line(current, at)}\n`);
        phaseStart = at;
        lastDraw = mode === 'lines' ? at : Number.NEGATIVE_INFINITY;
        samples = [];
      }
      current = update;
      if (at - lastDraw < (mode === 'bar' ? REDRAW_MS : intervalMs)) {
        rate(at, update.done);
        return;
      }
      lastDraw = at;
      if (mode === 'bar') {
        stream.write(`\r${line(update, at)}\u001b[K`);
        drawn = true;
      } else {
        stream.write(`${line(update, at)}\n`);
      }
    },
    finish(summary) {
      if (mode === 'off' || ended) return;
      ended = true;
      if (drawn) stream.write('\r\u001b[K');
      stream.write(`${label}: ${summary}\n`);
    },
    clear() {
      if (ended) return;
      ended = true;
      if (drawn) stream.write('\r\u001b[K');
    },
  };
}

/** What {@link renderProgress} draws. */
export interface ProgressFrame extends ProgressUpdate {
  readonly label: string;
  readonly elapsedMs: number;
  /** Units per second, when measured. */
  readonly rate: number | undefined;
  /** Draw a bar (a terminal) or plain text. */
  readonly bar: boolean;
  /** Characters available; the bar takes what the text leaves. */
  readonly width: number | undefined;
}

/**
 * One line of progress: `import (writing) [#####-----] 52% 5,200/10,000 events 1,300/s ETA 4s`, or
 * without a known total `export 5,200 rows 1,300/s 4s`.
 */
export function renderProgress(frame: ProgressFrame): string {
  const amount = (value: number) => (frame.unit === 'bytes' ? formatBytes(value) : formatCount(value));
  const noun = frame.noun && frame.unit !== 'bytes' ? ` ${frame.noun}` : '';
  const head = `${frame.label}${frame.phase ? ` (${frame.phase})` : ''}`;
  const speed =
    frame.rate === undefined ? '' : `  ${amount(frame.rate)}${frame.unit === 'bytes' ? '' : noun}/s`;
  const { total } = frame;
  if (total === undefined || total <= 0) {
    return `${head}  ${amount(frame.done)}${noun}${speed}  ${formatDuration(frame.elapsedMs)}`;
  }
  const fraction = Math.min(1, Math.max(0, frame.done / total));
  const remaining = total - frame.done;
  const eta =
    frame.rate !== undefined && frame.rate > 0
      ? `  ETA ${formatDuration((remaining / frame.rate) * 1000)}`
      : '';
  const text = `${(fraction * 100).toFixed(0).padStart(3)}%  ${amount(frame.done)}/${amount(total)}${noun}${speed}${eta}`;
  if (!frame.bar) return `${head}: ${text}`;
  const room = (frame.width ?? 80) - head.length - text.length - 6;
  const size = Math.min(30, room);
  if (size < 5) return `${head}  ${text}`;
  const filled = Math.round(fraction * size);
  return `${head}  [${'#'.repeat(filled)}${'-'.repeat(size - filled)}]  ${text}`;
}

/** `1536` → `1.5 kB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `65_000` → `1m 05s`; `3_725_000` → `1h 02m`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}
