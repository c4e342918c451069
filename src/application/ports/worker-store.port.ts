import type { NewWorker, Worker, WorkerId } from '../../domain/index.js'
import type { KeysetQuery } from './pagination.port.js'

export interface WorkerReader {
  byId(id: WorkerId): Promise<Worker | undefined>
  byIds(ids: readonly WorkerId[]): Promise<ReadonlyMap<WorkerId, Worker>>
  byUserId(userId: string): Promise<Worker | undefined>
  byHandle(handle: string): Promise<Worker | undefined>
  /** Handles equal to or starting with `prefix` (to derive a unique one). */
  handlesStartingWith(prefix: string): Promise<ReadonlySet<string>>
  /** Registered agents, ordered by id. */
  listAgents(page: KeysetQuery<WorkerId>): Promise<readonly Worker[]>
}

export interface WorkerWriter {
  /** Throws UniqueViolation('worker_handle' | 'worker_user_id'). */
  insert(worker: NewWorker): Promise<Worker>
  update(worker: Worker): Promise<void>
  /**
   * Deletes the worker and their memberships; tasks they created or were assigned, agents they registered and
   * tokens they created stay, with that reference set to null.
   */
  delete(id: WorkerId): Promise<void>
}
