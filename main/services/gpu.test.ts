import type { Systeminformation } from 'systeminformation';
import { describe, expect, it } from 'vitest';
import type { GpuInfo } from '../../shared/system';
import { detectGpus, gpusFromControllers, mainAccelerator, normaliseVendor } from './gpu';

type Controller = Systeminformation.GraphicsControllerData;
const controller = (fields: Partial<Controller>): Controller => ({ vendor: '', model: '', bus: '', vram: null, vramDynamic: false, ...fields });

describe('normaliseVendor', () => {
  it.each([
    ['NVIDIA Corporation', 'nvidia'],
    ['nVidia', 'nvidia'],
    ['Advanced Micro Devices, Inc. [AMD/ATI]', 'amd'],
    ['ATI Technologies Inc.', 'amd'],
    ['AMD', 'amd'],
    ['Apple', 'apple'],
    ['Intel Corporation', 'intel'],
    ['Intel', 'intel'],
    ['VMware', 'other'],
    ['Cirrus Logic', 'other'],
    ['', 'other'],
  ])('%j → %s', (vendor, expected) => {
    expect(normaliseVendor(vendor)).toBe(expected);
  });

  it('does not take "Corporation" for ATI', () => {
    expect(normaliseVendor('Matrox Electronics Systems Corporation')).toBe('other');
  });

  it('falls back to the model name, then to the PCI vendor id', () => {
    expect(normaliseVendor('', 'NVIDIA GeForce RTX 4090')).toBe('nvidia');
    expect(normaliseVendor(undefined, 'Radeon RX 7900 XTX')).toBe('amd');
    expect(normaliseVendor('', '', '10de')).toBe('nvidia');
    expect(normaliseVendor('', '', '0x1002')).toBe('amd');
    expect(normaliseVendor('', '', '8086')).toBe('intel');
    expect(normaliseVendor('', '', 'abcd')).toBe('other');
  });
});

describe('gpusFromControllers', () => {
  it('reads vendor, model, dedicated VRAM and driver as systeminformation reports them', () => {
    const gpus = gpusFromControllers([
      // Linux with nvidia-smi present: systeminformation merges its figures in.
      controller({ vendor: 'NVIDIA Corporation', model: 'AD102 [GeForce RTX 4090]', name: 'NVIDIA GeForce RTX 4090', vram: 24564, memoryTotal: 24564, driverVersion: '550.54.14' }),
      controller({ vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]', model: 'Navi 31 [Radeon RX 7900 XTX]', vram: 24560 }),
      controller({ vendor: 'Intel Corporation', model: 'Alder Lake-P GT2 [Iris Xe Graphics]', vram: 128, vramDynamic: true }),
      controller({ vendor: 'Apple', model: 'Apple M2 Pro', vram: null, vramDynamic: true, cores: 19, metalVersion: 'Metal 3' }),
    ]);
    expect(gpus).toEqual<GpuInfo[]>([
      { vendor: 'nvidia', model: 'NVIDIA GeForce RTX 4090', vramMiB: 24564, sharedMemory: false, driverVersion: '550.54.14', source: 'systeminformation' },
      { vendor: 'amd', model: 'Navi 31 [Radeon RX 7900 XTX]', vramMiB: 24560, sharedMemory: false, source: 'systeminformation' },
      { vendor: 'intel', model: 'Alder Lake-P GT2 [Iris Xe Graphics]', sharedMemory: true, source: 'systeminformation' },
      { vendor: 'apple', model: 'Apple M2 Pro', sharedMemory: true, source: 'systeminformation' },
    ]);
  });

  it('leaves VRAM out when it is unknown', () => {
    expect(gpusFromControllers([controller({ vendor: 'VMware', model: 'SVGA II Adapter', vram: 0 })])).toEqual([
      { vendor: 'other', model: 'SVGA II Adapter', sharedMemory: false, source: 'systeminformation' },
    ]);
  });
});

describe('mainAccelerator', () => {
  const gpu = (vendor: GpuInfo['vendor']): GpuInfo => ({ vendor, model: vendor, sharedMemory: false, source: 'test' });

  it('prefers a discrete NVIDIA or AMD card over an integrated GPU', () => {
    expect(mainAccelerator([gpu('intel'), gpu('nvidia')])).toBe('nvidia');
    expect(mainAccelerator([gpu('intel'), gpu('amd')])).toBe('amd');
    expect(mainAccelerator([gpu('apple')])).toBe('apple');
    expect(mainAccelerator([gpu('intel')])).toBe('intel');
    expect(mainAccelerator([gpu('other')])).toBe('none');
    expect(mainAccelerator([])).toBe('none');
  });
});

describe('detectGpus', () => {
  it('reads this machine without failing', async () => {
    const gpus = await detectGpus();
    for (const g of gpus) {
      expect(['nvidia', 'amd', 'apple', 'intel', 'other']).toContain(g.vendor);
      expect(g.model).not.toBe('');
    }
  });

  it('takes the first probe that finds a GPU and survives a probe that throws', async () => {
    const found: GpuInfo = { vendor: 'nvidia', model: 'Probe GPU', vramMiB: 8192, sharedMemory: false, source: 'second' };
    const probes = [async () => Promise.reject(new Error('nvidia-smi not found')), async () => [], async () => [found], async () => [{ ...found, source: 'later' }]];
    expect(await detectGpus(probes)).toEqual([found]);
    expect(await detectGpus([async () => []])).toEqual([]);
  });
});
