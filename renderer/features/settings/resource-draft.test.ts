import { describe, expect, it } from 'vitest';
import { BUILT_IN_DEFAULTS } from '../../../shared/settings';
import { buildResourcePatch, resourceDraftFrom, validateResourceDraft } from './resource-draft';

describe('resources and alerts settings draft', () => {
  it('round-trips the defaults into an empty patch', () => {
    const draft = resourceDraftFrom(BUILT_IN_DEFAULTS);
    expect(validateResourceDraft(draft)).toEqual({});
    expect(buildResourcePatch(draft, BUILT_IN_DEFAULTS)).toEqual({});
  });

  it('turns a switched-off notification into a muted kind, and changed numbers into values', () => {
    const draft = resourceDraftFrom(BUILT_IN_DEFAULTS);
    draft.notify.vram = false;
    draft.resourceIntervalSec = '5';
    draft.alertDiskFreeGiB = '2.5';
    expect(buildResourcePatch(draft, BUILT_IN_DEFAULTS)).toEqual({ mutedAlerts: ['vram'], resourceIntervalSec: 5, alertDiskFreeGiB: 2.5 });
  });

  it('names the range for a value out of bounds, and leaves it out of the patch', () => {
    const draft = { ...resourceDraftFrom(BUILT_IN_DEFAULTS), resourceIntervalSec: '0', alertRamPercent: '101' };
    expect(validateResourceDraft(draft)).toEqual({
      resourceIntervalSec: 'Enter a whole number from 1 to 60 (seconds).',
      alertRamPercent: 'Enter a whole number from 10 to 100 (%).',
    });
    expect(buildResourcePatch(draft, BUILT_IN_DEFAULTS)).toEqual({});
  });
});
