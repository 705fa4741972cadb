// A clock a test moves forward: the system time plus an offset, so rows written with the database's now()
// and the rules that read this clock agree until the test advances it.
import type { Clock } from '../../services/clock.ts';

export interface TestClock extends Clock {
  /** Moves the time forward by ms milliseconds. */
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms) {
      offset += ms;
    },
  };
}
