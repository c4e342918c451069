// Identifiers. Projects, workers and tasks get integer ids from the store; tokens get UUIDs.
export type ProjectId = number
export type WorkerId = number
export type TaskId = number
export type ApiTokenId = string
