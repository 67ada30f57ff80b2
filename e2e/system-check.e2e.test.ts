import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppShell } from './pages/app-shell';
import { DashboardPage } from './pages/dashboard-page';
import { e2eSession } from './support/session';
import { freshDirs, projectRoot, spawnHost, cliPath, type HostDirs } from './support/host-process';
import { writeTinyGguf } from '../scripts/make-tiny-gguf';

const session = e2eSession();
const GPU_FIXTURES = path.join(projectRoot, 'main', 'services', 'gpu', 'fixtures');

/**
 * A bin folder put in front of PATH: an nvidia-smi that prints recorded GPUs (two desktop cards
 * by default, or what a real H200 printed), and a CMake older than llama.cpp needs. Both are real
 * processes the host runs, as it would the real tools.
 */
async function standInTools(root: string, gpus: '2gpu' | 'h200'): Promise<string> {
  const bin = path.join(root, 'stand-in-bin');
  await mkdir(bin, { recursive: true });
  const query = '--query-gpu=index,name,pci.bus_id,memory.total,memory.free,driver_version --format=csv,noheader,nounits';
  await writeFile(
    path.join(bin, 'nvidia-smi'),
    [
      '#!/bin/sh',
      'case "$*" in',
      `  ${JSON.stringify(query)}) /bin/cat ${JSON.stringify(path.join(GPU_FIXTURES, `nvidia-smi-query-${gpus}.csv`))} ;;`,
      `  "") /bin/cat ${JSON.stringify(path.join(GPU_FIXTURES, `nvidia-smi-banner-${gpus}.txt`))} ;;`,
      '  "--version") printf "NVIDIA-SMI version  : 550.54.15\\nDRIVER version      : 550.54.15\\nCUDA Version        : 12.4\\n" ;;',
      '  *) echo "Only the system check\'s queries are replayed by this stand-in." >&2; exit 2 ;;',
      'esac',
      '',
    ].join('\n'),
  );
  await writeFile(
    path.join(bin, 'cmake'),
    '#!/bin/sh\necho "cmake version 3.10.2"\necho\necho "CMake suite maintained and supported by Kitware (kitware.com/cmake)."\n',
  );
  await chmod(path.join(bin, 'nvidia-smi'), 0o755);
  await chmod(path.join(bin, 'cmake'), 0o755);
  return bin;
}

/** A host with the stand-in tools in front of PATH, and its dashboard open once connected. */
async function dashboardWith(dirs: HostDirs, gpus: '2gpu' | 'h200') {
  const bin = await standInTools(path.dirname(dirs.baseDir), gpus);
  session.host = await spawnHost(process.execPath, [cliPath, 'serve', '--port', '0'], dirs, {
    PATH: `${bin}${path.delimiter}${process.env.PATH}`,
  });
  const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(session.host.url);
  await new AppShell(page).waitConnected();
  return { bin, page, dashboard: new DashboardPage(page) };
}

describe('system check on the dashboard', () => {
  it('shows the GPUs nvidia-smi reports, and a too-old CMake with the command that fixes it', async () => {
    const { bin, page, dashboard } = await dashboardWith(await freshDirs(), '2gpu');

    await dashboard.gpuRows.first().waitFor();
    await expect(dashboard.gpuRows.allTextContents()).resolves.toEqual([
      expect.stringMatching(/^NVIDIA GeForce RTX 4090.*24 GiB VRAM \(23\.4 GiB free\).*driver 550\.54\.15.*CUDA 12\.4/),
      expect.stringMatching(/^NVIDIA GeForce RTX 3090.*24 GiB VRAM \(2\.1 GiB free\).*CUDA 12\.4/),
    ]);

    const cmake = dashboard.tool('cmake');
    await expect(cmake.getAttribute('data-status')).resolves.toBe('too-old');
    await expect(cmake.textContent()).resolves.toContain('3.10.2 (3.14 or newer needed)');
    await expect(cmake.textContent()).resolves.toContain('llama.cpp server');
    const hint = dashboard.toolHint('cmake');
    await expect(hint.getByTestId('tool-hint-command').textContent()).resolves.toMatch(/cmake/);
    await expect(hint.getByRole('button', { name: 'Copy' }).isVisible()).resolves.toBe(true);
    await expect(dashboard.tool('git').getAttribute('data-status')).resolves.toBe('ok');
    await dashboard.systemCard.screenshot({ path: path.join(projectRoot, 'test-results', 'system-check.png') });

    // Re-check finds a CMake installed meanwhile.
    await writeFile(path.join(bin, 'cmake'), '#!/bin/sh\necho "cmake version 3.31.6"\n');
    await dashboard.recheckTools.click();
    await page.locator('[data-testid="tool-row-cmake"][data-status="ok"]').waitFor();
    await expect(dashboard.toolHint('cmake').count()).resolves.toBe(0);
    await page.close();
  });

  it("says where the engine's model will run: on the GPU that nvidia-smi reports (a real H200's output, replayed)", async () => {
    const dirs = await freshDirs();
    await mkdir(path.join(dirs.baseDir, 'models'), { recursive: true });
    writeTinyGguf(path.join(dirs.baseDir, 'models', 'tiny-llama.gguf'));
    const { page, dashboard } = await dashboardWith(dirs, 'h200');
    await dashboard.gpuRows.first().waitFor();
    await expect(dashboard.gpuRows.allTextContents()).resolves.toEqual([
      expect.stringMatching(/^NVIDIA H200.*140\.4 GiB VRAM \(139\.8 GiB free\).*driver 580\.159\.04.*CUDA 13\.0/),
    ]);

    await page.goto(`${session.host.origin}/#/providers/engine`);
    const memory = page.getByTestId('provider-config').getByTestId('engine-memory');
    await page.locator('[data-testid="engine-memory"][data-fit]').waitFor();
    await expect(memory.getAttribute('data-fit')).resolves.toBe('gpu');
    await expect(memory.textContent()).resolves.toContain("It fits in the NVIDIA H200's 140.4 GiB: the engine runs it on the GPU.");
    await expect(memory.getAttribute('class')).resolves.not.toContain('notice-warning');
    await page.getByTestId('provider-config').screenshot({ path: path.join(projectRoot, 'test-results', 'engine-memory-gpu.png') });
    await page.close();
  });
});
