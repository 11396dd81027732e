import type { Check } from '../rule.js';

export const CHECKS_INJECTION: Record<string, Check> = {};
