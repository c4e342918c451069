// A real browser (Debian's chromium, driven by playwright-core) loads /docs and /redoc and sees the operations.
// Without chromium installed the test is reported as skipped, by name (never as passed).
import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startApi, type ApiServer } from '../../support/http.js'

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
const it = suite<{ api: ApiServer }>('docs pages in headless chromium')

if (!CHROMIUM) console.log('  skipped: docs pages in headless chromium (chromium is not installed: apt-get install chromium)')

it.before(async (ctx) => {
  if (CHROMIUM) ctx.api = await startApi()
})
it.after(async (ctx) => {
  await ctx.api?.stop()
})

const browserTest = CHROMIUM ? it : it.skip

browserTest('Swagger UI at /docs lists the operations, ReDoc at /redoc renders them', async ({ api }) => {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    const page = await browser.newPage()
    await page.goto(`${api.base}/docs`)
    await page.waitForSelector('.opblock', { timeout: 20_000 })
    const operations = await page.locator('.opblock').count()
    assert.ok(operations >= 30, `${operations} operations listed`)
    assert.ok(await page.getByText('/api/projects/{pid}/tasks').first().isVisible())
    await page.goto(`${api.base}/redoc`)
    await page.waitForSelector('[role="menuitem"], li[data-item-id]', { timeout: 20_000 })
    assert.ok(await page.getByText('Create a task').first().isVisible({ timeout: 5000 }).catch(() => false) || (await page.content()).includes('Create a task'))
  } finally {
    await browser.close()
  }
})

it.run()
