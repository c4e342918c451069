// A small, targeted mutation check (over the fast suites: the PostgreSQL ones are left out): each entry removes or bends one rule of the contract in a copy of the
// code and runs the suite there; every mutant must make at least one test fail. Run: node scripts/mutation-check.mjs
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const mutants = [
  ['transition table', 'src/domain/task-status.ts', "backlog: ['pending', 'in_progress', 'cancelled']", "backlog: ['pending', 'in_progress', 'cancelled', 'completed']"],
  ['review only via approve/reject', 'src/domain/task-status.ts', 'DECISION_ONLY.has(`${from}->${to}`)', 'false'],
  ['started_at only the first time', 'src/domain/task-workflow.ts', "to === 'in_progress' && task.startedAt === null ? now : task.startedAt", "to === 'in_progress' ? now : task.startedAt"],
  ['completed means 100 %', 'src/domain/task-workflow.ts', "progressPercent: to === 'completed' ? 100 : task.progressPercent", 'progressPercent: task.progressPercent'],
  ['leaving completed clears completed_at', 'src/domain/task-workflow.ts', "completedAt: to === 'completed' ? now : null", "completedAt: to === 'completed' ? now : task.completedAt"],
  ['progress only in in_progress/review', 'src/domain/task-workflow.ts', "task.status !== 'in_progress' && task.status !== 'review'", 'false'],
  ['If-Match', 'src/domain/task-workflow.ts', 'expected === undefined || expected === task.version', 'true'],
  ['version +1 per change', 'src/domain/task.ts', 'version: before.version + 1', 'version: before.version'],
  ['audit holds only changed fields', 'src/domain/task.ts', 'TRACKED_FIELDS.filter((f) => !same(before[f], after[f]))', 'TRACKED_FIELDS.filter((f) => f === f)'],
  ['assignee may not self-approve', 'src/domain/membership.ts', 'access.workerId !== null && task.assigneeId !== access.workerId', 'access.workerId !== null'],
  ['member modifies only own tasks', 'src/domain/membership.ts', "(access.role === 'member' && access.workerId !== null && task.assigneeId === access.workerId)", "access.role === 'member'"],
  ['viewers cannot create tasks', 'src/domain/membership.ts', "allow(atLeast(access.role, 'member'), 'Viewers cannot create tasks')", "allow(true, 'Viewers cannot create tasks')"],
  ['last owner stays', 'src/domain/membership.ts', 'ownerCount <= 1', 'ownerCount < 1'],
  ['owner cannot be removed', 'src/domain/membership.ts', "membership.role === 'owner' ? E.left({ _tag: 'OwnerNotRemovable' }) : E.right(membership)", 'E.right(membership)'],
  ['no cycles', 'src/domain/hierarchy.ts', '(parent.id === child.id || parentAncestorIds.includes(child.id))', '(parent.id === child.id)'],
  ['parent in the same project', 'src/domain/hierarchy.ts', "if (parent.projectId !== child.projectId) return E.left({ _tag: 'ParentInOtherProject' })", ''],
  ['rollup ignores cancelled', 'src/domain/hierarchy.ts', "children.filter((c) => c.status !== 'cancelled')", 'children.filter(() => true)'],
  ['completed subtask counts 100', 'src/domain/hierarchy.ts', "(c.status === 'completed' ? 100 : c.rollupProgressPercent)", 'c.rollupProgressPercent'],
  ['assignee must be a member', 'src/domain/assignment.ts', 'if (membership === undefined) {', 'if (membership === undefined && worker.id < 0) {'],
  ['status keys ignore case', 'src/domain/sync.ts', 'const key = external.trim().toLowerCase()', 'const key = external'],
  ['stale means strictly older', 'src/domain/sync.ts', 'incoming.getTime() < lastApplied.getTime()', 'incoming.getTime() <= lastApplied.getTime()'],
  ['handles made unique', 'src/domain/worker.ts', 'withUniqueSuffix(handleBase(emailOrSubject), HANDLE_MAX, (h) => takenHandles.has(h))', 'handleBase(emailOrSubject)'],
  ['key derived from the slug', 'src/domain/project.ts', "const initials = words.map((w) => w[0]).join('')", "const initials = words.join('')"],
  ['non-members see 404', 'src/application/access.ts', 'if (!role) return E.left(projectNotFound(projectId))', "if (!role) return E.right({ project, access: { role: 'viewer', workerId: caller.worker.id } })"],
  ['only the hash is stored', 'src/application/tokens/create-api-token.ts', 'tokenHash: deps.secrets.hash(raw)', 'tokenHash: raw'],
  ['revoked tokens refused', 'src/application/tokens/authenticate-api-token.ts', '!isActive(token) ||', ''],
  ['project delete needs force', 'src/application/projects/delete-project.ts', 'if (taskCount > 0 && !force)', 'if (false)'],
  ['member removal unassigns', 'src/application/members/remove-member.ts', 'for (const task of await stores.tasks.assignedTo(workerId, project.id)) {', 'for (const task of (await stores.tasks.assignedTo(workerId, project.id)).slice(0, 0)) {'],
  ['pending assignee resolved on add', 'src/application/members/add-member.ts', 'if (worker.email === null) return', 'return'],
  ['late parent attached', 'src/application/sync/apply-sync.ts', 'await adoptWaitingChildren(stores, context, task, link, p.warnings)', ''],
  ['synced status audited as status_synced', 'src/application/sync/apply-sync.ts', "if (hasChanges(statusChanges)) await audit('status_synced', statusChanges)", "if (hasChanges(statusChanges)) await audit('synced', statusChanges)"],
  ['rollback on Left', 'src/adapters/persistence/memory/memory-unit-of-work.ts', 'E.isRight),', '() => true),'],
  ['lengths count code points', 'src/domain/validation.ts', 'if (charCount(value) > max)', 'if (value.length > max)'],
  ['sync content is fitted, not refused', 'src/application/sync/apply-sync.ts', '}, context.now, SYNC_TASK_LIMITS)', '}, context.now)'],
  ['GitHub absent labels leave the tags', 'src/adapters/vendors/github/webhook.ts', ': labels === null ? { labels: null } : {}),', ': labels === null ? { labels: null } : { labels: [] }),'],
  ['GitHub assignees are read', 'src/adapters/vendors/github/webhook.ts', "const list = field(issue, 'assignees')", 'const list = undefined as unknown'],
  ['Linear updatedFrom clears', 'src/adapters/vendors/linear/webhook.ts', ': has(updatedFrom, key) ? null : undefined', ': undefined'],
  ['first login provisions Default', 'src/application/identity/identify.ts', 'if (known === undefined || known.firstSeenAt === null) {', 'if (false) {'],
]

let survived = 0
// MUTANTS=<regex>: only the rules whose name matches (e.g. to re-run one after a change).
const only = process.env.MUTANTS ? new RegExp(process.env.MUTANTS) : undefined
const chosen = only ? mutants.filter(([rule]) => only.test(rule)) : mutants
for (const [rule, file, find, replace] of chosen) {
  const dir = mkdtempSync(join(tmpdir(), 'taskport-mutant-'))
  for (const part of ['src', 'tests', 'docs', 'package.json', 'tsconfig.json']) cpSync(join(root, part), join(dir, part), { recursive: true })
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'))
  const source = readFileSync(join(dir, file), 'utf8')
  if (!source.includes(find)) {
    console.log(`SKIPPED  ${rule}: the code to mutate is not in ${file} any more`)
    survived += 1
    rmSync(dir, { recursive: true, force: true })
    continue
  }
  writeFileSync(join(dir, file), source.replace(find, replace))
  const run = spawnSync('node', ['--conditions=taskport-source', '--import', 'tsx', 'node_modules/uvu/bin.js', 'tests', '\\.test\\.ts$', '-i', 'postgres', '-i', '^main/', '-i', 'faults', '-i', 'fuzz'], { cwd: dir, encoding: 'utf8' })
  // Killed means a test failed, not that the mutant failed to load.
  const plain = `${run.stdout}${run.stderr}`.replace(/\u001b\[[0-9;]*m/g, '')
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? NaN)
  const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? NaN)
  const killed = run.status !== 0 && passed < total
  if (!killed) survived += 1
  console.log(`${killed ? 'killed  ' : 'SURVIVED'} ${rule}`)
  rmSync(dir, { recursive: true, force: true })
}
console.log(`${chosen.length - survived} of ${chosen.length} mutants killed`)
process.exit(survived === 0 ? 0 : 1)
