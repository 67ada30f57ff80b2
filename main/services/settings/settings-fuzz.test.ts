import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_DEFAULTS, SettingsSchema, type Settings } from '../../../shared/settings';
import { mutate, seeded } from '../../../test/json-mutations';
import { tempDir } from '../../../test/temp-dir';
import { SettingsService } from './settings';

// A settings.json edited by hand, with any mistake in it, still opens: the host starts with every
// setting valid (the file's good values kept, the rest from the defaults) and says what it set
// aside, naming the field. It never throws: a throw here is a host that will not start.

/** Every kind of setting filled in, so a mutation can reach each of them. */
const FULL: Settings = {
  ...BUILT_IN_DEFAULTS,
  mutedAlerts: ['disk'],
  providers: {
    engine: { model: 'tiny.gguf', threads: 2, port: 8091 },
    llamacpp: { install: { repository: '/srv/mirror/llama.cpp', version: 'b6500', packages: ['numpy'] } },
  },
  wizard: { completed: true, step: 5, selected: ['llamacpp'] },
  discovery: { endpoints: ['127.0.0.1:11434', 'gpu-box:8000'], intervalSec: 30 },
  logLevel: 'debug',
};

describe('settings.json under fuzzed hand edits', () => {
  it('opens every mutation with valid values and named problems, never a throw', async () => {
    expect(SettingsSchema.safeParse(FULL).success).toBe(true);
    const dir = await tempDir();
    const file = path.join(dir, 'settings.json');
    const next = seeded(0x5e771);
    let withProblems = 0;
    const runs = 400;
    for (let i = 0; i < runs; i++) {
      const data = mutate(FULL, next);
      await writeFile(file, JSON.stringify(data) ?? '');
      let service: SettingsService;
      try {
        service = await SettingsService.load({
          file,
          env: {},
          locationFile: path.join(dir, 'location.json'),
          baseDir: { path: dir, source: 'default', problems: [] },
          // As the CLI beside a host opens it: reported, left where it is (the host keeps a bad file aside).
          readOnly: true,
        });
      } catch (error) {
        throw new Error(`SettingsService.load threw on ${JSON.stringify(data).slice(0, 400)}: ${(error as Error).stack}`);
      }
      try {
        const state = service.state();
        expect(SettingsSchema.safeParse(state.values).success, JSON.stringify(data).slice(0, 400)).toBe(true);
        if (state.problems.length > 0) withProblems++;
        for (const problem of state.problems) {
          expect(problem.message, JSON.stringify(problem)).toMatch(/\S/);
          expect(problem.message, JSON.stringify(problem)).not.toMatch(/\bundefined\b|\[object Object\]|NaN/);
          expect(problem.hint, JSON.stringify(problem)).toMatch(/\S/);
          expect(problem.message.length).toBeLessThan(1200);
        }
      } finally {
        await service.close();
      }
    }
    console.log(`settings fuzz (seed 0x5e771): ${runs} mutated settings files opened, ${withProblems} with problems reported, 0 throws`);
    expect(withProblems).toBeGreaterThan(runs / 2);
  });
});
