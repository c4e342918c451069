/** UUIDs for API tokens (projects, workers and tasks get integer ids from their store). */
export interface IdGenerator {
  uuid(): string
}
