import { describe, expect, it } from 'vitest';
import type { GpuInfo } from '../../../shared/system';
import { acceleratorVendor, mainAccelerator, normaliseVendor } from './vendor';

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

describe('acceleratorVendor (ioreg on macOS)', () => {
  it.each([
    ['Apple M2 Pro', 'apple'],
    ['AGXAcceleratorG14X', 'apple'],
    ['AMD Radeon Pro 5500M', 'amd'],
    ['AMDRadeonX6000_AMDNavi14GraphicsAccelerator', 'amd'],
    ['IntelAccelerator', 'intel'],
    ['NVDAResmanAccelerator', 'nvidia'],
    ['NVIDIA GeForce GT 750M', 'nvidia'],
    ['GPU', 'other'],
  ])('%j → %s', (name, expected) => {
    expect(acceleratorVendor(name)).toBe(expected);
  });
});
