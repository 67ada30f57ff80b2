import type { HubFitHint } from '../../../shared/hub';
import type { StatusTone } from '../../components/status-tone';

const TONE: Record<HubFitHint, StatusTone> = {
  'fits on the GPU': 'ok',
  'partly on the GPU': 'warn',
  'CPU only, slow': 'warn',
  'too big': 'bad',
};
const LABEL: Record<HubFitHint, string> = {
  'fits on the GPU': 'Fits on the GPU',
  'partly on the GPU': 'Partly on the GPU',
  'CPU only, slow': 'CPU only, slow',
  'too big': 'Too big',
};
const TITLE: Record<HubFitHint, string> = {
  'fits on the GPU': 'Fits in the GPU memory with room for the context: fast.',
  'partly on the GPU': 'More than the GPU memory, but fits with free RAM: the layers left over run on the CPU, so it is slower.',
  'CPU only, slow': 'No GPU to hold it, but it fits in free RAM: it runs on the CPU, slowly.',
  'too big': 'More than the free GPU memory and RAM, with room for the context.',
};

/**
 * Up to about this size (a 1.5B model at Q4-Q8) a recent CPU still answers at reading speed, so
 * "slow" would steer a machine without a GPU away from exactly the models that suit it.
 */
export const QUICK_ON_CPU_BYTES = 1.1 * 1024 ** 3;

/** How a fit hint reads on its badge: the words, their colour and the tooltip. */
export function fitWords(fit: HubFitHint, size?: number): { label: string; tone: StatusTone; title: string } {
  if (fit === 'CPU only, slow' && size !== undefined && size <= QUICK_ON_CPU_BYTES) {
    return {
      label: 'Runs on the CPU',
      tone: 'ok',
      title: 'No GPU room for it (or no GPU), so it runs on the CPU: at this size a recent CPU answers at about reading speed.',
    };
  }
  return { label: LABEL[fit], tone: TONE[fit], title: TITLE[fit] };
}
