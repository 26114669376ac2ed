/**
 * Progress for waits, on a terminal only: a spinner whose text is refreshed (e.g. the time left).
 * When stderr is not a terminal (a pipe, a log file, CI) nothing is drawn: the stream stays what
 * the waiting code itself writes (such as the HTTP client's line per retry, which the spinner
 * keeps clear of). yocto-spinner is loaded on demand.
 */
import { isCI, type IO } from './io.js';

export interface Progress {
  /** Shows `text()` beside a spinner, refreshed every second, until the returned function is called. */
  wait(text: () => string): () => void;
}

const silent: Progress = { wait: () => () => undefined };

/** A terminal, not just something that claims isTTY: the spinner moves the cursor. */
function drawsOn(io: IO): boolean {
  const stderr = io.stderr as IO['stderr'] & { cursorTo?: unknown };
  return Boolean(stderr.isTTY && typeof stderr.cursorTo === 'function' && !isCI(io.env) && io.env.TERM !== 'dumb');
}

export function progress(io: IO): Progress {
  if (!drawsOn(io)) return silent;
  return {
    wait(text) {
      let stopped = false;
      let stop = () => {
        stopped = true;
      };
      void import('yocto-spinner').then(({ default: yoctoSpinner }) => {
        if (stopped) return;
        // Signals stay with the command (Ctrl-C ends a wait through its own handler).
        const spinner = yoctoSpinner({ text: text(), stream: io.stderr as NodeJS.WriteStream, handleSignals: false }).start();
        const timer = setInterval(() => (spinner.text = text()), 1000);
        timer.unref();
        stop = () => {
          clearInterval(timer);
          spinner.stop();
        };
      }, () => undefined); // no spinner is no reason to fail the wait
      return () => stop();
    },
  };
}
