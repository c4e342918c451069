// The task status workflow: the statuses and the table of allowed transitions from the contract.
export const TASK_STATUSES = ['backlog', 'pending', 'in_progress', 'review', 'blocked', 'completed', 'cancelled'] as const
export type TaskStatus = (typeof TASK_STATUSES)[number]

export const isTaskStatus = (value: string): value is TaskStatus => (TASK_STATUSES as readonly string[]).includes(value)

/** Every edge of the workflow. `review` leaves only through approve (-> completed) or reject (-> in_progress). */
export const TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  backlog: ['pending', 'in_progress', 'cancelled'],
  pending: ['in_progress', 'blocked', 'backlog', 'cancelled'],
  in_progress: ['review', 'completed', 'blocked', 'pending'],
  review: ['completed', 'in_progress'],
  blocked: ['in_progress', 'pending', 'cancelled'],
  completed: ['in_progress'],
  cancelled: ['backlog', 'pending'],
}

/** Edges that only the review decision may take; a plain status change may not. */
const DECISION_ONLY: ReadonlySet<string> = new Set(['review->completed', 'review->in_progress'])

export type TransitionVia = 'status_change' | 'approve' | 'reject'

export const isDecisionEdge = (from: TaskStatus, to: TaskStatus): boolean => DECISION_ONLY.has(`${from}->${to}`)

/** The targets a plain status change may reach from `from` (review has none: use approve or reject). */
export const allowedTargets = (from: TaskStatus): readonly TaskStatus[] =>
  TRANSITIONS[from].filter((to) => !isDecisionEdge(from, to))

export const canTransition = (from: TaskStatus, to: TaskStatus, via: TransitionVia): boolean => {
  if (!TRANSITIONS[from].includes(to)) return false
  if (via === 'approve') return from === 'review' && to === 'completed'
  if (via === 'reject') return from === 'review' && to === 'in_progress'
  return !isDecisionEdge(from, to)
}
