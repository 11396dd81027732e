/**
 * bandit 1.9 resolves a test name in `# nosec` through the plugin's
 * entry-point name, which differs from the reported test name for three
 * plugins (checked against bandit 1.9.4).
 */
import { describe, expect, it } from 'vitest';
import { parseNosec } from '../../server/src/suppress/nosec.js';

describe('# nosec by test name', () => {
  it('uses entry-point names: hashlib_insecure_functions is B324; hashlib resolves to nothing (blanket)', () => {
    expect([...parseNosec('# nosec hashlib_insecure_functions')!.ids]).toEqual(['B324']);
    expect(parseNosec('# nosec hashlib')!.ids.size).toBe(0);
    expect([...parseNosec('# nosec snmp_insecure_version, snmp_weak_cryptography')!.ids]).toEqual(['B508', 'B509']);
    expect(parseNosec('# nosec snmp_crypto_check')!.ids.size).toBe(0);
  });

  it('keeps blacklist names and ids', () => {
    expect([...parseNosec('# nosec pickle, B602  # reviewed')!.ids]).toEqual(['B301', 'B602']);
    expect(parseNosec('# nosec pickle, B602  # reviewed')!.justification).toBe('reviewed');
    // bandit 1.7–1.9 keeps only the last of ids joined without a space.
    expect([...parseNosec('# nosec B101,B602')!.ids]).toEqual(['B602']);
  });
});
