/**
 * Advisories in OSV form against versions and specifiers: ranges with
 * introduced/fixed and last_affected, explicit versions, withdrawn records,
 * pre-releases, epochs, local versions, `!=` and `~=`.
 */
import { describe, expect, it } from 'vitest';
import { advisoryCvss, advisoryFromOsv, type Advisory } from '../../../server/src/audit/advisory.js';
import { affects, allowedAffected, describeAffected, firstFixedAbove, fixedLowerBound } from '../../../server/src/audit/affected.js';

function osv(affected: unknown[], extra: Record<string, unknown> = {}): Advisory {
  const a = advisoryFromOsv({ id: 'GHSA-test-0000-0000', modified: '2024-01-01T00:00:00Z', aliases: ['CVE-2024-0001'], summary: 'A test flaw.', affected, ...extra });
  if (!a) throw new Error('no advisory');
  return a;
}
const range = (...events: Record<string, string>[]) => ({ package: { ecosystem: 'PyPI', name: 'Demo_Pkg' }, ranges: [{ type: 'ECOSYSTEM', events }] });

describe('OSV ranges', () => {
  const a = osv([range({ introduced: '0' }, { fixed: '2.20.0' }), range({ introduced: '3.0.0' }, { fixed: '3.0.2' })]);
  const p = a.affected;

  it('normalises the package name (PEP 503)', () => {
    expect(p[0].name).toBe('demo-pkg');
  });

  it('introduced/fixed: affected below the fix, not at or above it', () => {
    expect(affects(p, '2.19.1')).toBe(true);
    expect(affects(p, '2.20.0')).toBe(false);
    expect(affects(p, '2.20')).toBe(false);
    expect(affects(p, '2.25.0')).toBe(false);
    expect(affects(p, '3.0.1')).toBe(true);
    expect(affects(p, '3.0.2')).toBe(false);
  });

  it('pre-releases of a fix are still affected; local versions compare above their public one', () => {
    expect(affects(p, '2.20.0rc1')).toBe(true);
    expect(affects(p, '2.20.0+local.1')).toBe(false);
    expect(affects(p, '2.19.0+ubuntu1')).toBe(true);
  });

  it('last_affected includes its version only', () => {
    const b = osv([range({ introduced: '1.0' }, { last_affected: '1.4.2' })]).affected;
    expect(affects(b, '1.4.2')).toBe(true);
    expect(affects(b, '1.4.3')).toBe(false);
    expect(affects(b, '0.9')).toBe(false);
    expect(firstFixedAbove(b, '1.4.2')).toBeNull();
  });

  it('explicit versions', () => {
    const b = osv([{ package: { ecosystem: 'PyPI', name: 'demo' }, versions: ['1.0', '1.1'] }]).affected;
    expect(affects(b, '1.1')).toBe(true);
    expect(affects(b, '1.1.0')).toBe(true);
    expect(affects(b, '1.2')).toBe(false);
  });

  it('epochs: 1!1.0 is above every epoch-0 version', () => {
    expect(affects(p, '1!1.0')).toBe(false);
    const b = osv([range({ introduced: '1!0' }, { fixed: '1!2.0' })]).affected;
    expect(affects(b, '1!1.5')).toBe(true);
    expect(affects(b, '5.0')).toBe(false);
  });

  it('the affected versions in words', () => {
    expect(describeAffected(p)).toEqual(['<2.20.0', '>=3.0.0, <3.0.2']);
    expect(describeAffected(osv([{ ...range({ introduced: '1.0' }, { last_affected: '1.4.2' }), versions: ['1.0', '1.4.2'] }]).affected)).toEqual(['>=1.0, <=1.4.2', '1.0, 1.4.2']);
  });

  it('the first fixed version above a pin', () => {
    expect(firstFixedAbove(p, '2.19.1')).toBe('2.20.0');
    expect(firstFixedAbove(p, '3.0.0')).toBe('3.0.2');
  });

  it('withdrawn records and other ecosystems are no advisory', () => {
    expect(advisoryFromOsv({ id: 'X', withdrawn: '2024-01-01', affected: [range({ introduced: '0' })] })).toBeNull();
    expect(advisoryFromOsv({ id: 'X', affected: [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [] }] })).toBeNull();
  });

  it('a malformed record throws (the loader counts it)', () => {
    expect(() => advisoryFromOsv({ id: 'X', affected: [range({ introduced: 'not a version!' })] })).toThrow();
    expect(() => advisoryFromOsv(['x'])).toThrow();
    expect(() => advisoryFromOsv({ affected: [] })).toThrow();
  });

  it('the CVSS vector gives the score', () => {
    const b = osv([range({ introduced: '0' })], { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] });
    expect(advisoryCvss(b)).toEqual({ vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 9.8 });
  });
});

describe('specifiers that allow affected versions', () => {
  const p = osv([range({ introduced: '0' }, { fixed: '2.20.0' })]).affected;

  it('a range reaching below the fix allows an affected version', () => {
    expect(allowedAffected(p, '>=2.0')).not.toBeNull();
    expect(allowedAffected(p, '')).not.toBeNull();
    expect(allowedAffected(p, '<3')).not.toBeNull();
  });

  it('a lower bound at the fix does not', () => {
    expect(allowedAffected(p, '>=2.20.0')).toBeNull();
    expect(allowedAffected(p, '>2.19.9,<3')).not.toBeNull();
    expect(allowedAffected(p, '>2.20')).toBeNull();
  });

  it('~= and != exclude what they say', () => {
    expect(allowedAffected(p, '~=2.20')).toBeNull();
    expect(allowedAffected(p, '~=2.19.0')).not.toBeNull();
    const q = osv([range({ introduced: '1.4' }, { fixed: '1.5' })]).affected;
    expect(allowedAffected(q, '>=1.3,!=1.4.*')).toBeNull();
    expect(allowedAffected(q, '>=1.3,!=1.4.0')).not.toBeNull();
    expect(allowedAffected(q, '>=1.3,<1.4')).toBeNull();
  });

  it('pre-releases only when the specifier asks for one', () => {
    const q = osv([range({ introduced: '3.0a1' }, { fixed: '3.0a5' })]).affected;
    expect(allowedAffected(q, '>=2.0')).toBeNull();
    expect(allowedAffected(q, '>=3.0a2')).not.toBeNull();
  });

  it('the lower bound to raise to', () => {
    const q = osv([range({ introduced: '0' }, { fixed: '2.20.0' }), range({ introduced: '3.0.0' }, { fixed: '3.0.2' })]).affected;
    expect(fixedLowerBound(q, '>=2.0,<3')).toBe('2.20.0');
    expect(fixedLowerBound(q, '>=2.0')).toBe('3.0.2');
  });
});
