// The public API of each entry point, as api-extractor reports it from the built declarations (dist/*.d.ts).
// `npm run api:check` (in .ci/run) fails when a report differs from the checked-in one in etc/api: a change of
// the public surface is then a reviewed change of etc/api/*.api.md, made with `npm run api:update`.
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor'

const ENTRIES = ['index', 'koa', 'mikro-orm', 'mcp'] as const
const update = process.argv.includes('--update')

let failed = 0
for (const entry of ENTRIES) {
  const reportName = entry === 'index' ? 'taskport' : `taskport-${entry}`
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: process.cwd(),
      mainEntryPointFilePath: `<projectFolder>/dist/${entry === 'index' ? 'index' : `${entry}-api`}.d.ts`,
      compiler: { overrideTsconfig: { compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true, skipLibCheck: true, types: ['node'] }, include: ['dist'] } },
      apiReport: { enabled: true, reportFolder: '<projectFolder>/etc/api/', reportTempFolder: '<projectFolder>/coverage/api/', reportFileName: `${reportName}.api.md` },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: true },
          // The adapters' entry points use the core's types (UnitOfWork, Taskport, …), which `taskport` exports:
          // their reports show those declarations without asking each entry to export them again. The root must
          // export every type its signatures use.
          'ae-forgotten-export': entry === 'index'
            ? { logLevel: ExtractorLogLevel.Error, addToApiReportFile: true }
            : { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
          // A package without release tags (@public, @beta): every export is public.
          'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
          // What each name is for is in docs/ (embedding.md, testing-domain-rules.md), not yet in TSDoc on every member.
          'ae-undocumented': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
        },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: `${process.cwd()}/package.json`,
  })
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false })
  if (!result.succeeded) {
    failed += 1
    console.log(`${reportName}: ${result.apiReportChanged ? 'the public API differs from etc/api/' + reportName + '.api.md (npm run api:update, then review the diff)' : `${result.errorCount} errors`}`)
  } else {
    console.log(`${reportName}: ${result.apiReportChanged ? 'report updated' : 'public API as reported'} (${result.warningCount} warnings)`)
  }
}
process.exit(failed > 0 ? 1 : 0)
