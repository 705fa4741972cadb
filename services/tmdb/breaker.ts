// Circuit breaker for the TMDb upstream: consecutive failures open it, so a dead provider costs
// callers nothing while it is down; after the cooldown a single trial call decides whether to close.
import type { BreakerState } from './types.ts';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now: () => number;
  onChange?: (state: BreakerState) => void;
}

export interface Breaker {
  /** True when a call may go upstream now; in half-open state only the one trial call gets true. */
  tryAcquire(): boolean;
  success(): void;
  failure(): void;
  /** The trial slot is handed back when a call ended without telling anything about upstream health. */
  release(): void;
  state(): BreakerState;
  opens(): number;
}

export function createBreaker(options: BreakerOptions): Breaker {
  let state: BreakerState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let trialInFlight = false;
  let opens = 0;

  const move = (next: BreakerState) => {
    if (next === state) return;
    state = next;
    if (next === 'open') opens++;
    options.onChange?.(next);
  };

  const open = () => {
    openedAt = options.now();
    trialInFlight = false;
    move('open');
  };

  return {
    tryAcquire() {
      if (state === 'closed') return true;
      if (state === 'open') {
        if (options.now() - openedAt < options.cooldownMs) return false;
        move('half-open');
      }
      // Half-open: exactly one trial at a time; everyone else still fails fast.
      if (trialInFlight) return false;
      trialInFlight = true;
      return true;
    },
    success() {
      failures = 0;
      trialInFlight = false;
      move('closed');
    },
    failure() {
      if (state === 'half-open') return open();
      failures++;
      if (state === 'closed' && failures >= options.failureThreshold) open();
    },
    release() {
      trialInFlight = false;
    },
    state: () => {
      // Reported as half-open once the cooldown is over, even before the trial call arrives.
      if (state === 'open' && options.now() - openedAt >= options.cooldownMs) return 'half-open';
      return state;
    },
    opens: () => opens,
  };
}
