import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The two real bandits the tests run: Debian bookworm's 1.6.2
 * (/usr/bin/bandit) and Debian sid's 1.9.4, unpacked by
 * scripts/install-bandit-sid.sh and run by bookworm's own python3.
 */
export const SID_DIR = process.env.PYSEC_BANDIT_SID_DIR ?? '/opt/pysec-bandit-sid';
export const SID_SITE = join(SID_DIR, 'usr/lib/python3/dist-packages');
export const BANDIT_16 = '/usr/bin/bandit';

export function bandit19Available(): boolean {
  return existsSync(join(SID_SITE, 'bandit/__init__.py'));
}

/** Fails loudly in CI, where both must be there (`.ci/run` installs them). */
export function requireBandits(): void {
  if (!bandit19Available()) throw new Error(`bandit 1.9 not found under ${SID_DIR}: run scripts/install-bandit-sid.sh (CI does)`);
  if (!existsSync(BANDIT_16)) throw new Error(`${BANDIT_16} (Debian's bandit 1.6.2) is missing: apt-get install bandit (CI does)`);
}

/** Settings that make the server run bandit 1.9 (`env` sets PYTHONPATH without a shell). */
export function bandit19Command(): string[] {
  return ['/usr/bin/env', `PYTHONPATH=${SID_SITE}`, '/usr/bin/python3', '-m', 'bandit'];
}
