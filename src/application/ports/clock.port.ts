/** Time comes in through this port so that the rules stay deterministic in tests. */
export interface Clock {
  now(): Date
}
