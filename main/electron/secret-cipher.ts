import { safeStorage } from 'electron';
import type { HostOptions } from '../host';

/**
 * Electron's safeStorage as the key store's cipher: its key lives in the OS keychain (macOS
 * Keychain, Windows DPAPI, libsecret or KWallet on Linux). On Linux without a keyring it falls back
 * to a hard-coded password ("basic_text"), which protects nothing: then the keys go to a 0600 file
 * and the keys status says so. Only valid once the app is ready.
 */
export function keychainCipher(): NonNullable<HostOptions['secretCipher']> {
  const cipher = { encrypt: (text: string) => safeStorage.encryptString(text), decrypt: (data: Buffer) => safeStorage.decryptString(data) };
  if (!safeStorage.isEncryptionAvailable())
    return { available: false, cipher, unavailableWhy: 'Electron safeStorage has no encryption here' };
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    return { available: false, cipher, unavailableWhy: 'no keyring (GNOME Keyring or KWallet) is running' };
  }
  return { available: true, cipher };
}
