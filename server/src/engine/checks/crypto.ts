import type { Check } from '../rule.js';

export const CHECKS_CRYPTO: Record<string, Check> = {};
