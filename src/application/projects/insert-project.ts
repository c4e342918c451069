// Creating a project, shared by "create project" and first-login provisioning: unique slug and key
// (a derived key gets a numeric suffix), the creator as owner, and the audit entry.
import * as E from 'fp-ts/lib/Either.js'
import {
  auditEntry, createProject, deriveKey, keyBaseFromSlug, type AuditActor, type Project, type ProjectInput, type Worker,
} from '../../domain/index.js'
import { conflict, type AppError } from '../errors.js'
import type { Stores } from '../ports/index.js'

export const insertProject = async (
  stores: Stores,
  owner: Worker,
  input: ProjectInput,
  actor: AuditActor,
  now: Date,
): Promise<E.Either<AppError, Project>> => {
  const derivedKey = input.key ?? deriveKey(input.slug, await stores.projects.keysStartingWith(keyBaseFromSlug(input.slug)))
  const draft = createProject(input, owner.id, derivedKey, now)
  if (E.isLeft(draft)) return draft
  if (await stores.projects.bySlug(draft.right.slug)) return E.left(conflict(`A project with slug ${draft.right.slug} already exists`))
  if (await stores.projects.byKey(draft.right.key)) return E.left(conflict(`A project with key ${draft.right.key} already exists`))
  const project = await stores.projects.insert(draft.right)
  await stores.members.insert({ projectId: project.id, workerId: owner.id, role: 'owner', joinedAt: now })
  await stores.audit.append(
    auditEntry(actor, project.id, 'project', project.id, 'created', {
      after: { slug: project.slug, key: project.key, name: project.name, description: project.description, owner_id: owner.id },
    }, now),
  )
  return E.right(project)
}
