'use client';

import { useSyncExternalStore } from 'react';

/*
 * One shared 1-second clock for every ticking label on the page, instead of a timer per label.
 * The value is rounded to the second so getSnapshot is stable between renders.
 */
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
let now = wholeSecond();

function wholeSecond(): number {
  return Math.floor(Date.now() / 1000) * 1000;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = wholeSecond();
    timer = setInterval(() => {
      now = wholeSecond();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

function getSnapshot(): number {
  // Without subscribers (server render, first client render) the module value may be old.
  return timer ? now : wholeSecond();
}

/** Milliseconds since the epoch, re-rendering the caller once a second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
