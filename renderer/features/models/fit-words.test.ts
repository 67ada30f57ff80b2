import { describe, expect, it } from 'vitest';
import { fitWords, QUICK_ON_CPU_BYTES } from './fit-words';

describe('fitWords', () => {
  it('calls a small model on the CPU quick enough, and a bigger one slow', () => {
    expect(fitWords('CPU only, slow', 468 * 1024 ** 2)).toMatchObject({ label: 'Runs on the CPU', tone: 'ok' });
    expect(fitWords('CPU only, slow', QUICK_ON_CPU_BYTES)).toMatchObject({ label: 'Runs on the CPU' });
    expect(fitWords('CPU only, slow', QUICK_ON_CPU_BYTES + 1)).toMatchObject({ label: 'CPU only, slow', tone: 'warn' });
  });

  it('says "slow" when the size is not known, and leaves the other hints as they are', () => {
    expect(fitWords('CPU only, slow')).toMatchObject({ label: 'CPU only, slow', tone: 'warn' });
    expect(fitWords('fits on the GPU', 100)).toMatchObject({ label: 'Fits on the GPU', tone: 'ok' });
    expect(fitWords('too big', 100)).toMatchObject({ label: 'Too big', tone: 'bad' });
  });
});
