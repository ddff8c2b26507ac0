// SPDX-License-Identifier: EUPL-1.2
// The report form's map in headless Chromium, with the page's own
// Content-Security-Policy: wait for the map, click its centre, press Enter
// on it, and print what the latitude and longitude fields hold, the status
// line, the origins the page asked for and any script error, as JSON.
// Requests to the tile origin are answered with an empty PNG here, so
// nothing leaves the machine.  Usage: node report_map_click.mjs URL TILE_ORIGIN
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cache = process.env.RATHAUS_TOOLS_DIR || path.join(os.homedir(), '.cache/rathaus-tools');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

const [url, tileOrigin] = process.argv.slice(2);
execFileSync(path.join(here, '..', 'tools', 'setup'), ['node', 'chromium'], { stdio: ['ignore', 'inherit', 'inherit'] });
const { chromium } = createRequire(path.join(cache, 'package.json'))('playwright-core');
const args = ['--disable-gpu', '--no-first-run', '--disable-background-networking'];
if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args });
const out = { origins: [], errors: [] };
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => out.errors.push(String(e.message || e)));
  page.on('request', (r) => {
    const o = new URL(r.url()).origin;
    if (!out.origins.includes(o)) out.origins.push(o);
  });
  await page.route(`${tileOrigin}/**`, (r) => r.fulfill({ status: 200, contentType: 'image/png', body: PNG }));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('#report-map .leaflet-tile-loaded', { timeout: 15000 });
  out.tiles = await page.locator('#report-map img.leaflet-tile').count();
  await page.locator('#report-map').click(); // scrolled into view, at its centre
  out.click = [await page.inputValue('#breite'), await page.inputValue('#laenge')];
  out.status = await page.textContent('#report-map-status');
  out.marker = await page.locator('#report-map .leaflet-marker-icon').count();
  await page.fill('#breite', '');
  await page.fill('#laenge', '');
  await page.focus('#report-map');
  await page.keyboard.press('ArrowUp');
  await page.waitForTimeout(600); // the pan is animated
  await page.keyboard.press('Enter');
  out.keyboard = [await page.inputValue('#breite'), await page.inputValue('#laenge')];
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
