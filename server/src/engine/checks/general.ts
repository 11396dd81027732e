import type { Check } from '../rule.js';

export const CHECKS_GENERAL: Record<string, Check> = {};
